// trustscan — profiles and scores.
//
// A Profile is loaded from YAML (profiles/*.yaml, or embedded copies of them in the binary),
// validated once at load time with file:line errors, then frozen.
#pragma once

#include "trustscan/check.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustscan {

/// A port set: what `-p` defaults to when the user names none.
struct PortSet {
  std::vector<std::uint16_t> tcp;  ///< sorted, unique
  std::vector<std::uint16_t> udp;  ///< sorted, unique
};

/// How much an outcome counts for the profile verdict (Google Testrun's levels).
enum class OutcomeLevel : std::uint8_t { required, required_if_applicable, recommended, informational };
std::string_view to_string(OutcomeLevel l) noexcept;

/// One outcome of the profiled document ("IR8425:IAC.1") and the checks that evidence it.
struct ProfileOutcome {
  std::string id;
  std::string title;
  OutcomeLevel level = OutcomeLevel::required;
  /// Non-network elements of the outcome ("document", "vendor", "manual"): they need an
  /// attestation, so network evidence alone makes the outcome at best `partial`. Empty: none.
  std::string attestation;
  /// The checks, resolved at load time: the explicit `checks:` list of the YAML, or else every
  /// built-in check whose outcome mapping names this outcome id.
  std::vector<std::string> checks;
  int line = 0;  ///< line in the profile file
};

struct Profile {
  std::string id;       ///< "ir8425-consumer"
  std::string version;  ///< profile revision, a string ("1", "2026.11")
  std::string title;
  std::string source;   ///< the document it profiles ("NIST IR 8425 (2022)")
  PortSet ports;        ///< default scan ports
  std::string origin;   ///< where it was loaded from (path, or "builtin:<id>")
  std::vector<ProfileOutcome> outcomes;
  /// Checks the profile defines itself (its `checks:` list, docs/profiles.md), run in addition
  /// to the built-in ones.
  std::vector<std::shared_ptr<const Check>> own_checks;
  /// Weight of a check in the score by the severity of its failure (STANDARDS.md §4.5).
  std::map<Severity, double> weights = {{Severity::critical, 10}, {Severity::high, 7}, {Severity::medium, 4},
                                        {Severity::low, 1}, {Severity::info, 0}};
  /// Letter grades by minimum score, best first ({"A", 90}, {"B", 80}…); below the last: "F".
  std::vector<std::pair<std::string, double>> grades = {{"A", 90}, {"B", 80}, {"C", 65}, {"D", 50}};
  /// `credentials: {min_pairs: N}`: a default-credential pass (cred.default.*) counts only after
  /// at least N pairs were tried on that surface; fewer is not_tested (inconclusive:too_few_pairs).
  /// 0: any trial that ran to its end counts.
  std::size_t min_credential_pairs = 0;
  /// `crypto_policy: NAME` or `[TLS-POLICY, SSH-POLICY]`: the policies the tls.* and ssh.* checks
  /// judge against (profiles/crypto/, docs/crypto-policies.md), resolved at load time; the
  /// default (trustscan-baseline + ssh-baseline) when the profile names none. --crypto-policy
  /// replaces the parts it has.
  std::vector<std::string> crypto_policy_names;
  std::shared_ptr<const CryptoPolicy> crypto_policy;
};

/// The roll-up of one outcome on one device.
struct OutcomeResult {
  std::string id;
  std::string status;     ///< pass | fail | waived | partial | not_tested | not_applicable
  double coverage = 0.0;  ///< checks that ran / checks of the outcome
  std::vector<std::string> failed_checks;
  std::string note;       ///< e.g. "needs attestation: document"
};

/// A signed statement that a non-network outcome is met (or not), read with --attestation
/// (docs/profiles.md, "Attestations"). Only outcomes the profile marks `attestation:` take one.
struct Attestation {
  std::string outcome;   ///< "IR8425:DOC"
  std::string status;    ///< pass | fail
  std::string evidence;  ///< document reference, URL, review record
  std::string by;        ///< who attests, and when
  int line = 0;
};

/// Reads an attestation file for `profile`. Throws ProfileError("FILE:LINE: what").
std::vector<Attestation> load_attestations(const std::string& path, const Profile& profile);
std::vector<Attestation> parse_attestations(const std::string& yaml_text, const std::string& origin,
                                            const Profile& profile);

/// Profile verdict and weighted score for one device (STANDARDS.md §4.5).
struct Score {
  std::string verdict = "incomplete";  ///< conformant | non-conformant | incomplete
  std::string grade;                   ///< empty until outcomes are scored
  double score = 0.0;                  ///< weighted score over executed checks, 0..100
  double coverage = 0.0;               ///< executed required weight / required weight, 0..1
  std::map<std::string, int> counts;   ///< per CheckStatus name; every status present
  std::vector<std::string> caps;       ///< hard caps applied ("critical failure: cred.default.http")
};

/// Thrown by profile loading with a message of the form "FILE:LINE: what is wrong".
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Loads a profile by built-in id ("ir8425-consumer") or by path to a YAML file.
/// Throws ProfileError on any problem.
Profile load_profile(const std::string& id_or_path);
/// Parses profile YAML text; `origin` names it in error messages.
Profile parse_profile(const std::string& yaml_text, const std::string& origin);
/// Ids of the profiles embedded in the binary, sorted.
std::vector<std::string> builtin_profile_ids();
/// Every check a scan under this profile runs: the built-in ones, then the profile's own.
std::vector<const Check*> checks_of(const Profile& profile);

/// The id used when the user names no profile.
inline constexpr const char* kDefaultProfile = "ir8425-consumer";

}  // namespace trustscan
