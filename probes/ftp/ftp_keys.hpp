// trustscan — FTP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::ftp {

inline constexpr ObservationKey banner{"ftp.banner", ValueType::string,
    "the greeting reply as sent, line endings removed", "probes/ftp/ftp.cpp"};
inline constexpr ObservationKey banner_code{"ftp.banner_code", ValueType::integer,
    "the greeting's reply code (220 ready, 120 wait, 421 refused…)", "probes/ftp/ftp.cpp"};
inline constexpr ObservationKey product{"ftp.product", ValueType::string,
    "server product from the banner table (\"vsftpd\", \"ProFTPD\"…)", "probes/ftp/ftp.cpp"};
inline constexpr ObservationKey version{"ftp.version", ValueType::string,
    "its version (\"3.0.3\") when the banner discloses it", "probes/ftp/ftp.cpp"};
inline constexpr ObservationKey anonymous_login{"ftp.anonymous_login", ValueType::boolean,
    "USER anonymous was logged in (230)", "probes/ftp/ftp_probe.cpp"};
inline constexpr ObservationKey all[] = {banner, banner_code, product, version, anonymous_login};

}  // namespace trustscan::keys::ftp
