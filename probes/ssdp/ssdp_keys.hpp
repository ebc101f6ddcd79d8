// trustscan — SSDP and UPnP observation keys (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::ssdp {

inline constexpr ObservationKey server{"ssdp.server", ValueType::string,
    "SERVER header (\"Linux/5.4 UPnP/1.0 MiniUPnPd/2.1\")", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey location{"ssdp.location", ValueType::string,
    "LOCATION: URL of the device description", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey st{"ssdp.st", ValueType::string,
    "ST of a reply (NT of a NOTIFY advertisement)", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey usn{"ssdp.usn", ValueType::string,
    "USN", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey all[] = {server, location, st, usn};

}  // namespace trustscan::keys::ssdp

namespace trustscan::keys::upnp {

inline constexpr ObservationKey device_type{"upnp.device_type", ValueType::string,
    "root device's deviceType", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey friendly_name{"upnp.friendly_name", ValueType::string,
    "root device's friendlyName", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey manufacturer{"upnp.manufacturer", ValueType::string,
    "root device's manufacturer", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey manufacturer_url{"upnp.manufacturer_url", ValueType::string,
    "root device's manufacturerURL", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey model_name{"upnp.model_name", ValueType::string,
    "root device's modelName", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey model_number{"upnp.model_number", ValueType::string,
    "root device's modelNumber", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey model_description{"upnp.model_description", ValueType::string,
    "root device's modelDescription", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey serial_number{"upnp.serial_number", ValueType::string,
    "root device's serialNumber (information disclosure)", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey udn{"upnp.udn", ValueType::string,
    "root device's UDN (\"uuid:…\")", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey presentation_url{"upnp.presentation_url", ValueType::string,
    "root device's presentationURL (a web admin page)", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey services{"upnp.services", ValueType::list,
    "every serviceType, embedded devices included, in order", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey igd{"upnp.igd", ValueType::boolean,
    "an Internet Gateway Device (IGD device type or a WAN connection service)", "probes/ssdp/ssdp.cpp"};
inline constexpr ObservationKey all[] = {
    device_type, friendly_name, manufacturer, manufacturer_url, model_name, model_number, model_description, serial_number, udn,
    presentation_url, services, igd
};

}  // namespace trustscan::keys::upnp
