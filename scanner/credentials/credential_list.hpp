// trustscan — credential lists and login form descriptions as data: the values and their YAML
// loaders (profiles/credentials/defaults.yaml, forms.yaml). Pure: no Asio, so the clang fuzz
// build compiles it (tests/fuzz/fuzz_yaml_inputs.cpp); the trials that use the lists are in
// scanner/credentials/credentials.hpp.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <string_view>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace trustscan {

struct CredentialPair {
  std::string user;
  std::string password;
};

/// A login form described as data (profiles/credentials/forms.yaml) for pages the generic HTML
/// form detection cannot read (forms built by scripts, JSON or CGI logins).
struct FormDescription {
  std::string name;
  std::string match;            ///< applies when the root page's body contains this text
  std::string url;              ///< path on the same host, starting with '/'
  std::string method = "POST";  ///< "POST" (urlencoded body) or "GET" (query string)
  std::string encoding = "form";  ///< "form" (as `method` says) or "json": one JSON object, POSTed as application/json
  std::string user_field;
  std::string password_field;
  std::vector<std::pair<std::string, std::string>> extra;  ///< other fields, sent as given
  std::string success;          ///< a login succeeded when the answer (body, Location, Set-Cookie) holds this
  std::string failure;          ///< ...or, without `success`, when it does not hold this
  std::string where;            ///< "forms.yaml:12", for the evidence
};

/// Parses form descriptions (profiles/credentials/forms.yaml format, scanner/credentials/forms_yaml.cpp).
/// Throws ProfileError with file:line.
std::vector<FormDescription> parse_form_descriptions(const std::string& yaml_text, const std::string& origin);
/// The built-in descriptions.
const std::vector<FormDescription>& builtin_form_descriptions();

/// The protocols a credential list can give pairs of their own (`protocols:` in the YAML).
inline constexpr std::array<std::string_view, 6> kCredentialProtocols = {"telnet", "ssh", "ftp", "http", "rtsp", "mqtt"};

/// More pairs for one protocol: tried after the general ones, up to its own max_attempts.
struct ProtocolCredentials {
  std::vector<CredentialPair> pairs;
  std::size_t max_attempts = 0;  ///< 0: the general max_attempts
};

/// Pairs one vendor shipped, tried on a surface when what identified its endpoint names the
/// vendor (`vendors:` in the list).
struct VendorCredentials {
  std::string name;                    ///< "Hikvision"
  std::vector<std::string> match;      ///< case-insensitive substrings of the endpoint's identifying texts
  std::vector<std::string> protocols;  ///< the protocols the pairs apply to (empty: every one)
  std::vector<CredentialPair> pairs;
  std::string where;                   ///< "defaults.yaml:130", for the evidence
};

/// What identified an endpoint, as the trials read it for vendor pairs: the observation key (or
/// "surface") and its text ("http.server", "App-webs/").
struct IdentifyingText {
  std::string key;
  std::string text;
};

struct CredentialPolicy {
  std::vector<CredentialPair> pairs;  ///< tried on every surface, first
  std::map<std::string, ProtocolCredentials, std::less<>> protocols;
  std::size_t max_attempts = 6;
  std::size_t max_override = 0;  ///< --creds-max N: pairs per surface, whatever the list says (0: the list's)
  std::chrono::milliseconds delay{250};
  std::size_t parallel = 1;            ///< attempts in flight on one surface (1: one at a time, `delay` apart)
  std::size_t throttle_attempts = 20;  ///< wrong-password attempts of the throttling test
  bool throttle_test = false;          ///< --creds-throttle: run cred.bruteforce.throttle's test
  std::string origin;  ///< "builtin:defaults.yaml" or the --creds-file path
  std::vector<FormDescription> forms;  ///< login forms described as data (the built-in ones)
  std::vector<VendorCredentials> vendors;  ///< vendor defaults, picked by identification
};

/// The pairs tried on one surface and how a verdict names them.
struct PairPlan {
  std::vector<CredentialPair> pairs;
  /// "6 general + 1 for Hikvision ('app-webs' in http.server) + 34 for telnet from builtin:defaults.yaml"
  std::string description;
};

/// The pairs tried on one surface of `protocol`: the general pairs, then those of every vendor
/// whose `match` is in one of `facts` (case-insensitive), then the protocol's own, each pair once.
/// At most the protocol's max_attempts (or the general one) plus the vendors' pairs, so a
/// vendor's defaults are never cut off by the generic budget; --creds-max N caps it all.
PairPlan plan_pairs(const CredentialPolicy& policy, std::string_view protocol, const std::vector<IdentifyingText>& facts);

/// plan_pairs without identifying texts: the general and the protocol's pairs.
std::vector<CredentialPair> pairs_for(const CredentialPolicy& policy, std::string_view protocol);

/// Every vendor pair that could apply to `protocol` (an upper bound, for time budgets).
std::size_t vendor_pair_bound(const CredentialPolicy& policy, std::string_view protocol);

/// Parses a credential list (profiles/credentials/defaults.yaml format). Throws ProfileError
/// with file:line.
CredentialPolicy parse_credentials(const std::string& yaml_text, const std::string& origin);
/// The built-in list.
const CredentialPolicy& builtin_credentials();
/// --creds-file: a YAML file in the same format. Throws ProfileError.
CredentialPolicy load_credentials_file(const std::string& path);

}  // namespace trustscan
