// trustscan — the manufacturer's declaration (the ETSI TS 103 701 IXIT idea, STANDARDS.md §1.6):
// what the device is expected to expose and contact. With it, "found X" becomes "found X, which
// was not declared" (svc.undeclared, upd.endpoints.declared, id.components); without it those
// checks are not_tested, never pass. Format: docs/profiles.md, "Declarations".
#pragma once

#include "trustscan/types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustscan {

struct DeclaredService {
  Transport transport = Transport::tcp;
  std::uint16_t port = 0;
  std::string service;  ///< expected service name ("https"); empty: any
  std::string purpose;  ///< free text, reported
  int line = 0;
};

struct Declaration {
  std::string origin;  ///< the file it was read from
  std::string vendor, model;
  std::vector<DeclaredService> services;
  std::vector<std::string> login_methods;
  std::vector<std::string> update_endpoints;  ///< host names, "*.suffix" patterns or literal addresses
  std::vector<std::string> cloud_endpoints;
  std::vector<std::string> components;

  const DeclaredService* service_at(const Endpoint& ep) const;
  /// True when `host` (a name or an address) matches one of `patterns` (case-insensitive,
  /// "*.example.com" matches any sub-domain of example.com).
  static bool host_declared(std::string_view host, const std::vector<std::string>& patterns);
};

/// Reads a declaration file. Throws ProfileError("FILE:LINE: what") on any problem.
Declaration load_declaration(const std::string& path);
/// Parses declaration YAML text; `origin` names it in errors.
Declaration parse_declaration(const std::string& yaml_text, const std::string& origin);

}  // namespace trustscan
