// trustscan — checks of the "services" group (STANDARDS.md §2.3) that follow from what each open
// port was identified as.
#include "checks.hpp"

#include <set>

namespace trustscan {

namespace {

// A service whose mere presence on the network fails an outcome: Telnet, FTP/TFTP, cleartext
// MQTT, remote desktops, debug ports. Data, one row per check.
struct PresenceRule {
  const char* id;
  std::vector<std::string> services;
  Severity severity;
  std::vector<std::string> outcomes;
  const char* what;  // "Telnet", used in summaries
};

const std::vector<PresenceRule>& presence_rules() {
  static const std::vector<PresenceRule> rules = {
      {"svc.telnet", {"telnet"}, Severity::high,
       {"IR8259A:LAI", "IR8425:IAC.1", "IR8425A:R-IAC", "EN303645:5.6-1", "EN303645:5.5-1"}, "Telnet"},
      {"svc.ftp_tftp", {"ftp", "tftp"}, Severity::medium,
       {"IR8259A:LAI", "IR8425:IAC.1", "IR8425A:R-IAC", "EN303645:5.6-1", "EN303645:5.5-1"}, "FTP or TFTP"},
      {"svc.mqtt.cleartext", {"mqtt"}, Severity::high,
       {"IR8259A:DP", "IR8425:DP.3", "IR8425A:R-DP", "EN303645:5.5-1"}, "MQTT without TLS"},
      {"svc.remote_desktop", {"vnc", "rdp"}, Severity::high,
       {"IR8259A:LAI", "IR8425:IAC.1", "IR8425A:R-IAC", "EN303645:5.6-1"}, "remote desktop service"},
      {"svc.debug", {"adb", "gdbserver"}, Severity::critical,
       {"IR8259A:LAI", "IR8425:IAC.1", "IR8425A:R-IAC", "EN303645:5.6-1", "EN303645:5.6-4"}, "debug service"},
  };
  return rules;
}

class PresenceCheck final : public Check {
 public:
  explicit PresenceCheck(const PresenceRule& r) : rule_(r) {}
  std::string_view id() const noexcept override { return rule_.id; }
  CheckInfo info() const override {
    return {rule_.id, std::string("No ") + rule_.what + " on the device", rule_.severity, rule_.outcomes};
  }

  void evaluate(const DeviceFacts& device, std::vector<Finding>& out) const override {
    if (const auto why = not_judgeable(device); !why.empty()) {
      auto f = make_finding(rule_.id, CheckStatus::not_tested, rule_.severity, rule_.outcomes,
                            std::string("cannot tell whether ") + rule_.what + " is offered");
      f.reason = why;
      out.push_back(std::move(f));
      return;
    }
    bool found = false;
    for (const auto* o : device.find("service.name")) {
      const auto& name = std::get<std::string>(o->value);
      if (!o->endpoint || std::find(rule_.services.begin(), rule_.services.end(), name) == rule_.services.end()) continue;
      found = true;
      auto f = make_finding(rule_.id, CheckStatus::fail, rule_.severity, rule_.outcomes,
                            std::string(rule_.what) + " (" + name + ") offered on " + std::to_string(o->endpoint->port) +
                                "/" + std::string(to_string(o->endpoint->transport)));
      f.endpoint = o->endpoint;
      f.evidence.push_back(evidence_from(*o));
      out.push_back(std::move(f));
    }
    if (!found) {
      std::size_t open = 0;
      for (const auto& p : device.ports) open += p.state == PortState::open;
      auto f = make_finding(rule_.id, CheckStatus::pass, rule_.severity, rule_.outcomes,
                            std::string("no ") + rule_.what + " among " + std::to_string(open) + " open of " +
                                std::to_string(device.ports.size()) + " scanned ports");
      Evidence e;
      e.kind = "service_identification";
      e.detail = "every open port identified or probed; none speaks " + std::string(rule_.what);
      f.evidence.push_back(std::move(e));
      out.push_back(std::move(f));
    }
  }

 private:
  const PresenceRule& rule_;
};

}  // namespace

void add_service_checks(std::vector<std::unique_ptr<Check>>& out) {
  for (const auto& r : presence_rules()) out.push_back(std::make_unique<PresenceCheck>(r));
}

}  // namespace trustscan
