// trustscan — device safety classes (include/trustscan/safety.hpp).
#include "trustscan/safety.hpp"

#include <algorithm>

namespace trustscan {

std::string_view to_string(SafetyClass c) noexcept {
  switch (c) {
    case SafetyClass::safe: return "safe";
    case SafetyClass::intrusive: return "intrusive";
    case SafetyClass::dos: return "dos";
  }
  return "?";
}

std::optional<SafetyClass> parse_safety_class(std::string_view name) noexcept {
  for (auto c : {SafetyClass::safe, SafetyClass::intrusive, SafetyClass::dos})
    if (name == to_string(c)) return c;
  return std::nullopt;
}

const std::vector<SafetyAction>& safety_actions() {
  static const std::vector<SafetyAction> list = {
      {actions::printer_hello, SafetyClass::intrusive,
       "identification hellos to printer ports (TCP 9100-9107, 515, 631): a raw printer prints what it is sent",
       "--probe-printers"},
      {actions::snmp_write, SafetyClass::intrusive,
       "an SNMP SET of sysContact.0 (or sysLocation.0) to the value just read, per community that answered: a "
       "write the device accepts is a change, even to the same value",
       "--snmp-write"},
      {actions::cred_throttle, SafetyClass::dos,
       "20 rapid wrong passwords per login surface, to see whether the device throttles (cred.bruteforce.throttle): "
       "a device that locks the account locks its owner out too",
       "--creds-throttle"},
      {actions::tls_heartbleed, SafetyClass::intrusive,
       "a TLS heartbeat request claiming 16 KiB of payload while carrying none (Heartbleed, CVE-2014-0160): a "
       "vulnerable server answers with its memory (only a byte count and 8 bytes are kept)",
       ""},
      {actions::tls_ccs_injection, SafetyClass::intrusive,
       "a ChangeCipherSpec before any key exchange (CCS injection, CVE-2014-0224): an out-of-order message",
       ""},
      {actions::tls_robot, SafetyClass::intrusive,
       "up to 10 RSA ClientKeyExchanges with malformed PKCS#1 v1.5 paddings (ROBOT, CVE-2017-13099), only when an "
       "RSA key exchange suite is accepted: each costs the server an RSA decryption",
       ""},
      {actions::tls_renegotiation, SafetyClass::intrusive,
       "one client-initiated renegotiation after a full TLS 1.2 handshake (CVE-2011-1473): one extra handshake; "
       "repeating it to exhaust the device would be dos, and is not done",
       ""},
      {actions::ssh_gex, SafetyClass::intrusive,
       "up to 4 SSH Diffie-Hellman group-exchange requests (RFC 4419), one per connection, two per "
       "diffie-hellman-group-exchange algorithm offered (1024/2048/8192 and a small 512/1024/1536): each makes the "
       "server pick a prime and, in OpenSSH, compute its DH key; the key exchange is abandoned after the group",
       ""},
  };
  return list;
}

const SafetyAction* find_safety_action(std::string_view id) noexcept {
  const auto& list = safety_actions();
  const auto it = std::find_if(list.begin(), list.end(), [&](const SafetyAction& a) { return a.id == id; });
  return it == list.end() ? nullptr : &*it;
}

std::string SafetySelection::parse(std::string_view list, SafetySelection& out) {
  SafetySelection s;
  if (list.empty()) return "--safety: empty list (expected safe, intrusive, dos, comma-separated)";
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto c = parse_safety_class(item);
    if (!c)
      return "--safety: unknown class '" + std::string(item) + "' (expected safe, intrusive, dos, comma-separated)";
    s.add_class(*c);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  out = std::move(s);
  return "";
}

bool SafetySelection::allow(std::string_view action_id) {
  if (!find_safety_action(action_id)) return false;
  actions_.emplace(action_id);
  return true;
}

bool SafetySelection::allows(std::string_view action_id) const noexcept {
  const auto* a = find_safety_action(action_id);
  if (!a) return false;
  return classes_.count(a->cls) != 0 || actions_.find(action_id) != actions_.end();
}

std::vector<std::string> SafetySelection::class_names() const {
  std::vector<std::string> out;
  for (auto c : {SafetyClass::safe, SafetyClass::intrusive, SafetyClass::dos})
    if (classes_.count(c)) out.emplace_back(to_string(c));
  return out;
}

std::vector<std::string> SafetySelection::allowed_actions() const {
  std::vector<std::string> out;
  for (const auto& a : safety_actions())
    if (allows(a.id)) out.emplace_back(a.id);
  return out;
}

std::string SafetySelection::not_selected_reason(std::string_view action_id) {
  const auto* a = find_safety_action(action_id);
  if (!a) return "not selected";
  std::string r = "not selected: " + std::string(to_string(a->cls)) + " (--safety " + std::string(to_string(a->cls)) +
                  ", --allow " + std::string(a->id);
  if (!a->legacy_flag.empty()) r += " or " + std::string(a->legacy_flag);
  return r + ")";
}

}  // namespace trustscan
