// trustscan — internal: the YAML files embedded in the binary at build time (CMakeLists.txt
// `trustscan_embed`, scanner/config/embed_yaml.cmake), each as {file stem → text}.
#pragma once

#include <map>
#include <string>

namespace trustscan {

const std::map<std::string, std::string>& builtin_profile_texts();     ///< profiles/*.yaml
const std::map<std::string, std::string>& builtin_data_texts();        ///< profiles/data/*.yaml
const std::map<std::string, std::string>& builtin_credential_texts();  ///< profiles/credentials/*.yaml
const std::map<std::string, std::string>& builtin_check_texts();       ///< profiles/checks/*.yaml
const std::map<std::string, std::string>& builtin_crypto_policy_texts();  ///< profiles/crypto/*.yaml

}  // namespace trustscan
