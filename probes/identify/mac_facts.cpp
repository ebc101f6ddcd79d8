// trustscan — device.mac / device.mac_vendor observations (mac_facts.hpp).
#include "probes/identify/mac_facts.hpp"

#include "probes/passive/passive_keys.hpp"

namespace trustscan {

void add_mac_observations(std::vector<Observation>& out, const Mac& mac, const OuiTable& oui, Evidence evidence) {
  const bool local = locally_administered(mac);
  Observation m;
  m.key = keys::device::mac.name;
  m.value = format_mac(mac);
  m.evidence = std::move(evidence);
  if (local) m.evidence.detail += " (locally administered: randomised or software-assigned)";
  out.push_back(m);
  if (auto v = oui.vendor(mac); v && !local) {
    m.key = keys::device::mac_vendor.name;
    m.value = *v;
    m.evidence.detail = "IEEE registry owner of " + format_mac(mac).substr(0, 8);
    out.push_back(std::move(m));
  }
}

}  // namespace trustscan
