// trustscan — passive observation keys: what a capture shows of a device's own traffic (docs/observations.md).
//
// Producers and C++ checks name these constants, never the strings, so a typo does not compile;
// the catalog (scanner/core/observation_keys.cpp) lists them and generates docs/observations.md.
#pragma once

#include "trustscan/observation_key.hpp"

namespace trustscan::keys::client {

inline constexpr ObservationKey flows{"client.flows", ValueType::integer,
    "connections or datagram flows the device opened", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey dns_query{"client.dns.query", ValueType::string,
    "a name the device looked up (DNS over UDP/TCP, or DNS over HTTP in the clear)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ntp_server{"client.ntp.server", ValueType::string,
    "an NTP server the device asked for the time", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ntp_version{"client.ntp.version", ValueType::integer,
    "the NTP version of that request", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_max_version{"client.tls.max_version", ValueType::string,
    "highest version a ClientHello of the device offers", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_versions{"client.tls.versions", ValueType::list,
    "every version that ClientHello offers", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_sni{"client.tls.sni", ValueType::string,
    "its server name", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_ja3{"client.tls.ja3", ValueType::string,
    "its JA3 string", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_ja3_md5{"client.tls.ja3_md5", ValueType::string,
    "its JA3 fingerprint (MD5)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_ja4{"client.tls.ja4", ValueType::string,
    "its JA4 fingerprint", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_alpn{"client.tls.alpn", ValueType::list,
    "the ALPN protocols that ClientHello offers, in order", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey quic_version{"client.quic.version", ValueType::string,
    "QUIC version of a connection the device opened (\"QUICv1\", \"QUICv2\"), read from its Initial packets",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey quic_server{"client.quic.server", ValueType::string,
    "\"<address>:<port>\" of a QUIC server the device connected to (its client.tls.* keys carry a JA4 with the q prefix)",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_weak_offered{"client.tls.weak_offered", ValueType::list,
    "weak suites it offers (NULL, EXPORT, anon, RC4, DES…)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_negotiated_version{"client.tls.negotiated_version", ValueType::string,
    "version the server's ServerHello chose", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_negotiated_suite{"client.tls.negotiated_suite", ValueType::string,
    "\"<version> <suite>\" that ServerHello chose", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_negotiated_weak{"client.tls.negotiated_weak", ValueType::string,
    "\"<suite> (<why>)\" when the chosen suite is weak", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_ja3s{"client.tls.ja3s", ValueType::string,
    "JA3S string of a ServerHello a server sent the device: \"<server address:port> <version>,<suite>,<extensions>\"",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_ja3s_md5{"client.tls.ja3s_md5", ValueType::string,
    "its JA3S fingerprint (MD5)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_server_cert{"client.tls.server_cert", ValueType::string,
    "a certificate a server showed the device (TLS <= 1.2): \"<server> #<n> subject …; issuer …; SAN …; "
    "valid … to …; sha256 …\"", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_bad_cert_accepted{"client.tls.bad_cert_accepted", ValueType::string,
    "\"<SNI or address> at <server>: <what is wrong>; <what the device sent>\": the device sent application data "
    "on a chain that does not verify against the CA store or does not name the host", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_bad_cert_refused{"client.tls.bad_cert_refused", ValueType::string,
    "the same, when the device sent an alert or closed the connection before any application data",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_cert_verified{"client.tls.cert_verified", ValueType::string,
    "a connection whose chain verifies and names the host (what the device would do with a bad one is not shown)",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey tls_cert_unjudged{"client.tls.cert_unjudged", ValueType::string,
    "a connection whose certificate handling cannot be judged, and why: TLS 1.3 (the certificate is encrypted), "
    "no CA store, or the capture shows neither application data nor a close", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey update_host{"client.update.host", ValueType::string,
    "an update-like host the device reached (update, firmware, ota…)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey update_check_time{"client.update.check_time", ValueType::integer,
    "when it did, in seconds since the epoch", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey update_cleartext{"client.update.cleartext", ValueType::string,
    "a firmware or update download over plain HTTP, FTP or TFTP: URL and kind", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey download{"client.download", ValueType::string,
    "a firmware or manifest URL the device downloaded over plain HTTP, FTP or TFTP", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey file_transfer{"client.file.transfer", ValueType::string,
    "a file the device fetched or sent over FTP or TFTP: \"ftp RETR <url> (226)\", \"tftp RRQ <url>\"",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey http_host{"client.http.host", ValueType::string,
    "Host (HTTP/2: `:authority`) of a plain HTTP/1.x or h2c request of the device", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey http_request{"client.http.request", ValueType::string,
    "\"<method> <url>\" of that request", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey http_anomaly{"client.http.anomaly", ValueType::string,
    "\"<method> <url>: <what>\" of an HTTP/1 request that breaks RFC 9112 (conflicting Content-Length, "
    "Transfer-Encoding with Content-Length, spaces in the target…); the ones that leave the framing unknown end "
    "the reading of that connection", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey http_tunnel{"client.http.tunnel", ValueType::string,
    "\"<host:port> via <proxy address:port>\" of a CONNECT tunnel the device opened through a proxy (a 2xx "
    "answer, or none seen); the detail says what became of the bytes after it", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey http_upgrade{"client.http.upgrade", ValueType::string,
    "\"<protocol> at <url> on <address:port>\" of an HTTP/1.1 Upgrade the server answered with 101 (websocket: "
    "RFC 6455) or left unanswered in the capture; the detail says what became of the bytes after it",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey credentials_cleartext{"client.credentials.cleartext", ValueType::string,
    "credentials the device sent in cleartext (HTTP Basic, FTP, Telnet, MQTT)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey sensitive_cleartext{"client.sensitive.cleartext", ValueType::string,
    "a token or API key the device sent over plain HTTP", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey cleartext_protocol{"client.cleartext.protocol", ValueType::string,
    "a cleartext login protocol the device spoke, without a login seen", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_ident{"client.ssh.ident", ValueType::string,
    "the identification line of the device's SSH client: \"SSH-2.0-OpenSSH_9.2p1 Debian-2\"",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_software{"client.ssh.software", ValueType::string,
    "its softwareversion: \"OpenSSH_9.2p1\"", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_hassh{"client.ssh.hassh", ValueType::string,
    "HASSH of the device's SSH client: MD5 of kex;enc;mac;cmp of its KEXINIT (client-to-server)",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_hassh_algorithms{"client.ssh.hassh_algorithms", ValueType::string,
    "the string that HASSH hashes", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_server{"client.ssh.server", ValueType::string,
    "\"<identification line> at <address:port>\" of an SSH server the device connected to",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_hassh_server{"client.ssh.hassh_server", ValueType::string,
    "HASSHServer of that server: MD5 of kex;enc;mac;cmp of its KEXINIT (server-to-client)",
    "scanner/replay/replay.cpp"};
inline constexpr ObservationKey all[] = {
    flows, dns_query, ntp_server, ntp_version, tls_max_version, tls_versions, tls_sni, tls_ja3, tls_ja3_md5, tls_ja4,
    tls_alpn, quic_version, quic_server, tls_weak_offered, tls_negotiated_version, tls_negotiated_suite, tls_negotiated_weak,
    tls_ja3s, tls_ja3s_md5, tls_server_cert, tls_bad_cert_accepted, tls_bad_cert_refused, tls_cert_verified, tls_cert_unjudged,
    update_host, update_check_time,
    update_cleartext, download, file_transfer, http_host, http_request, http_anomaly, http_tunnel, http_upgrade,
    credentials_cleartext, sensitive_cleartext, cleartext_protocol,
    ssh_ident, ssh_software, ssh_hassh, ssh_hassh_algorithms, ssh_server, ssh_hassh_server
};

}  // namespace trustscan::keys::client

namespace trustscan::keys::server {

inline constexpr ObservationKey http_anomaly{"client.http.anomaly", ValueType::string,
    "\"<method> <url>: <what>\" of an HTTP/1 request that breaks RFC 9112 (conflicting Content-Length, "
    "Transfer-Encoding with Content-Length, spaces in the target…); the ones that leave the framing unknown end "
    "the reading of that connection", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey credentials_cleartext{"server.credentials.cleartext", ValueType::string,
    "a login the device, as a server, accepted in cleartext (FTP, Telnet)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_hassh{"server.ssh.hassh", ValueType::string,
    "HASSHServer of the device's own SSH server, from a connection made to it (with the ssh.* keys of its "
    "identification and KEXINIT)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey ssh_hassh_algorithms{"server.ssh.hassh_algorithms", ValueType::string,
    "the string that HASSHServer hashes", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey all[] = {credentials_cleartext, ssh_hassh, ssh_hassh_algorithms};

}  // namespace trustscan::keys::server

namespace trustscan::keys::device {

inline constexpr ObservationKey mac{"device.mac", ValueType::string,
    "source MAC of the device's frames", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey mac_vendor{"device.mac_vendor", ValueType::string,
    "IEEE registry owner of that MAC (not for a locally administered one)", "scanner/replay/replay.cpp"};
inline constexpr ObservationKey all[] = {mac, mac_vendor};

}  // namespace trustscan::keys::device

namespace trustscan::keys::passive {

inline constexpr ObservationKey cleartext_login{"<protocol>.cleartext_login", ValueType::string,
    "a user name typed in an FTP or Telnet login (cleartext_login_observations)", "probes/passive/cleartext_logins.cpp"};
inline constexpr ObservationKey cleartext_login_accepted{"<protocol>.cleartext_login_accepted", ValueType::boolean,
    "that login's outcome, when the server's answer is visible", "probes/passive/cleartext_logins.cpp"};
inline constexpr ObservationKey all[] = {cleartext_login, cleartext_login_accepted};

}  // namespace trustscan::keys::passive
