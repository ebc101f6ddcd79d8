// trustscan — crypto policies as data: the TLS and SSH rules a device is judged against, each
// with the document and section it comes from (profiles/crypto/*.yaml, docs/crypto-policies.md).
//
// Pure (no Asio, no I/O beyond reading a user's file): the loader and the matching functions the
// tls.* and ssh.* checks call. A policy file holds a `tls:` part, an `ssh:` part or both; the
// policy a scan uses is composed from a list of files: the TLS rules of the first file that has
// them, the SSH rules of the first that has them (a profile's `crypto_policy:`, --crypto-policy).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

/// One rule: the names it covers (exact, or globs with `*` and `?`), where it comes from
/// ("§3.1", "Table 3"), and why, in one short phrase ("shall not be used").
struct PolicyRule {
  std::vector<std::string> names;
  std::string source;
  std::string why;
  int line = 0;  ///< in the policy file
  bool matches(std::string_view name) const noexcept;
};

/// Names judged by an allow list and forbid rules: a forbidden name fails whatever the allow list
/// says; with an allow list, any name not on it fails too ("not on the allowed list").
struct NameRules {
  std::optional<PolicyRule> allow;
  std::vector<PolicyRule> forbid;
  bool empty() const noexcept { return !allow && forbid.empty(); }
};

/// A lower (or upper) bound with its source; value 0 = no such rule.
struct Limit {
  long value = 0;
  std::string source;
  std::string why;
  explicit operator bool() const noexcept { return value > 0; }
};

struct TlsRules {
  std::vector<PolicyRule> forbid_versions;   ///< "SSLv2" … "TLSv1.3", as tls.versions names them
  std::vector<PolicyRule> require_versions;  ///< each rule: at least one of its names offered
  NameRules suites;                          ///< IANA names ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
  std::optional<PolicyRule> forward_secrecy; ///< set: a server without any (EC)DHE suite fails
  std::optional<PolicyRule> no_compression;  ///< set: TLS compression (CRIME) fails
  Limit min_rsa_bits;    ///< server key (RSA/DSA) used for the key exchange or its signature
  Limit min_dh_bits;     ///< DHE group
  Limit min_ecdhe_bits;  ///< ECDHE group
  NameRules cert_signatures;  ///< OpenSSL long names ("sha256WithRSAEncryption", "ecdsa-with-SHA256")
  Limit cert_min_rsa_bits;
  Limit cert_min_ec_bits;
  Limit cert_max_lifetime_days;
};

struct SshRules {
  NameRules kex;
  NameRules host_keys;
  NameRules ciphers;
  NameRules macs;
  /// Smallest host key per key type: "rsa", "dsa", "ecdsa", "ed25519" (as ssh_host_key_type names them).
  std::map<std::string, Limit> min_host_key_bits;
  /// Smallest prime a diffie-hellman-group-exchange server may send (RFC 4419; ssh.gex.prime_bits).
  Limit min_gex_prime_bits;
};

/// One policy file as loaded.
struct CryptoPolicyFile {
  std::string id;          ///< "nist-sp800-52r2"
  std::string title;
  std::string document;    ///< "NIST SP 800-52 Rev. 2 (August 2019)": named in every failing verdict
  std::string url;         ///< where the document is published (optional)
  std::string provenance;  ///< how the rules were taken from the document (optional)
  std::string origin;      ///< "builtin:nist-sp800-52r2" or the path
  std::optional<TlsRules> tls;
  std::optional<SshRules> ssh;
};

/// The policy a scan judges against: the TLS part and the SSH part, each from one file (or none).
struct CryptoPolicy {
  std::shared_ptr<const CryptoPolicyFile> tls;
  std::shared_ptr<const CryptoPolicyFile> ssh;
  /// Every file named, in order (the manifest and the report list them).
  std::vector<std::shared_ptr<const CryptoPolicyFile>> files;
  /// "nist-sp800-52r2 + ssh-openssh-2024": the ids of the parts in use.
  std::string name() const;
};

/// Parses one policy file; `origin` names it in errors. Throws ProfileError("ORIGIN:LINE: what").
CryptoPolicyFile parse_crypto_policy(const std::string& yaml_text, const std::string& origin);
/// A built-in policy by id, or a path to a YAML file (one containing '/' or ending in .yaml/.yml).
CryptoPolicyFile load_crypto_policy_file(const std::string& id_or_path);
/// Composes the policy from names (ids or paths, in order; "a,b" is split at commas). Throws
/// ProfileError for an unknown name, a malformed file, or a list with neither TLS nor SSH rules.
CryptoPolicy resolve_crypto_policy(const std::vector<std::string>& names);
/// `over` replaces the parts of `base` it has (a --crypto-policy with only SSH rules keeps the
/// profile's TLS rules).
CryptoPolicy override_crypto_policy(const CryptoPolicy& base, const CryptoPolicy& over);
/// Ids of the built-in policies, sorted.
std::vector<std::string> builtin_crypto_policy_ids();
/// The policy of a profile that names none, and of facts that carry none (hand-built tests).
inline constexpr const char* kDefaultCryptoPolicy[] = {"trustscan-baseline", "ssh-baseline"};
const CryptoPolicy& default_crypto_policy();

// ---- judging --------------------------------------------------------------------------------

/// One name that breaks a policy: the name, the rule, and whether it failed for not being on the
/// allow list (rule = the allow list) rather than for being forbidden.
struct PolicyViolation {
  std::string name;
  const PolicyRule* rule = nullptr;
  bool not_allowed = false;
};

/// Every offered name that the rules reject, in the order offered (each name once).
std::vector<PolicyViolation> judge_names(const NameRules& rules, const std::vector<std::string>& offered);

/// "NIST SP 800-52 Rev. 2 §3.1 (policy nist-sp800-52r2)", "trustscan baseline, RFC 8996 §4 (policy
/// trustscan-baseline)": where a rule comes from, for a verdict.
std::string cite_rule(const CryptoPolicyFile& file, std::string_view source);
/// "TLSv1.0 forbidden by NIST SP 800-52 Rev. 2 §3.1 (policy nist-sp800-52r2): shall not be used"
/// or "TLS_RSA_WITH_AES_128_CBC_SHA not on the allowed list of …".
std::string describe_violation(const CryptoPolicyFile& file, const PolicyViolation& v);

/// Glob match: `*` any run of characters, `?` one character; otherwise exact (case-sensitive).
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// ---- the policy a device's configuration is, as a policy (golden-unit pinning) ----------------

/// What a device offered, as the pinning writer and the checks read it.
struct ObservedCrypto {
  std::vector<std::string> tls_versions;
  std::vector<std::string> tls_suites;
  std::vector<std::string> cert_signatures;
  long cert_rsa_bits = 0, dh_bits = 0, ecdhe_bits = 0;
  std::vector<std::string> ssh_kex, ssh_host_keys, ssh_ciphers, ssh_macs;
  std::map<std::string, long> ssh_host_key_bits;  ///< smallest host key seen per key type
};

struct DeviceFacts;
/// What a device offered on all its endpoints: versions every TLS endpoint accepted (so each is
/// required of each), the union of suites, signatures and SSH algorithms (each allowed), the
/// smallest key and group sizes (each a minimum).
ObservedCrypto observed_crypto(const DeviceFacts& device);

/// A policy YAML that allows exactly what was observed (and requires the versions observed), so a
/// later scan fails on any drift: a version, suite, signature or SSH algorithm not seen, a
/// version no longer accepted, a smaller key or group. `id` names it; `source` says what it was made from.
std::string pinned_policy_yaml(const std::string& id, const std::string& source, const ObservedCrypto& seen);

}  // namespace trustscan
