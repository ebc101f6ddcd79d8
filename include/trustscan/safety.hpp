// trustscan — device safety classes: what a scan may do to a device.
//
// Every action that goes beyond asking a device what it is (identification hellos, handshakes,
// read-only queries, the bounded default-credential trials) is listed here with its class:
//
//   safe       on by default: what a device is built to answer; nothing is changed, printed or
//              left half-open
//   intrusive  opt-in: changes state on the device (an SNMP SET, a page printed), sends malformed
//              or attack-shaped messages (Heartbleed, CCS injection, ROBOT oracles), or
//              renegotiates at the client's request
//   dos        opt-in: may degrade or crash a fragile device (none shipped yet: the class exists so
//              that such a probe can never run by default)
//
// `--safety CLASSES` selects classes (safe is always in); `--allow ACTION` (and the older single
// flags, --snmp-write, --probe-printers) one action. A probe asks `allows(action id)` before it
// acts, and records "not selected (class intrusive: --safety intrusive or --allow ID)" when not.
// The catalog is the one list (`trustscan safety` prints it; docs/engine.md "Device safety").
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

enum class SafetyClass { safe, intrusive, dos };

std::string_view to_string(SafetyClass c) noexcept;
std::optional<SafetyClass> parse_safety_class(std::string_view name) noexcept;

/// One action a probe or trial may take, beyond the safe defaults.
struct SafetyAction {
  std::string_view id;           ///< "snmp.write", "printer.hello", "tls.heartbleed"…
  SafetyClass cls;
  std::string_view what;         ///< one line: what it sends and what it may do to the device
  std::string_view legacy_flag;  ///< a single flag that allows it alone ("--snmp-write"), or ""
};

/// The ids of the catalog's actions, for the code that asks about them.
namespace actions {
inline constexpr std::string_view printer_hello = "printer.hello";
inline constexpr std::string_view snmp_write = "snmp.write";
inline constexpr std::string_view cred_throttle = "cred.throttle";
inline constexpr std::string_view tls_heartbleed = "tls.heartbleed";
inline constexpr std::string_view tls_ccs_injection = "tls.ccs_injection";
inline constexpr std::string_view tls_robot = "tls.robot";
inline constexpr std::string_view tls_renegotiation = "tls.renegotiation";
inline constexpr std::string_view ssh_gex = "ssh.gex";
}  // namespace actions

/// Every action, by id (the one list).
const std::vector<SafetyAction>& safety_actions();
/// The action of `id`, or nullptr.
const SafetyAction* find_safety_action(std::string_view id) noexcept;

/// What a run may do: the classes selected and single actions allowed on top.
class SafetySelection {
 public:
  SafetySelection() = default;

  /// Parses "safe,intrusive" (comma list, each once or more; "safe" is implied). Returns the
  /// one-line error, or "" and fills `out`.
  static std::string parse(std::string_view list, SafetySelection& out);

  void add_class(SafetyClass c) { classes_.insert(c); }
  /// Allows one action by id; returns false when no action has that id.
  bool allow(std::string_view action_id);

  /// True when the action's class is selected or the action was allowed by id. An id missing
  /// from the catalog is never allowed.
  bool allows(std::string_view action_id) const noexcept;
  bool has_class(SafetyClass c) const noexcept { return classes_.count(c) != 0; }

  /// "safe", "safe,intrusive"…: the classes, in catalog order.
  std::vector<std::string> class_names() const;
  /// Every allowed action id, catalog order.
  std::vector<std::string> allowed_actions() const;

  /// Why `action_id` did not run, for the report: "not selected: intrusive (--safety intrusive,
  /// --allow snmp.write or --snmp-write)".
  static std::string not_selected_reason(std::string_view action_id);

 private:
  std::set<SafetyClass> classes_{SafetyClass::safe};
  std::set<std::string, std::less<>> actions_;
};

}  // namespace trustscan
