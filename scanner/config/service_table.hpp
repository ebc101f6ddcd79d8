// trustscan — loading the service identification table (profiles/data/services.yaml).
#pragma once

#include "probes/identify/identify.hpp"
#include "scanner/config/builtin_texts.hpp"
#include "trustscan/profile.hpp"

#include <map>
#include <string>

namespace trustscan {

/// Parses a service table; throws ProfileError ("FILE:LINE: …") on any problem, including a
/// regex that does not compile and a rule naming a hello that does not exist.
ServiceTable parse_service_table(const std::string& yaml_text, const std::string& origin);

/// The table embedded in the binary, parsed once.
const ServiceTable& builtin_service_table();

}  // namespace trustscan
