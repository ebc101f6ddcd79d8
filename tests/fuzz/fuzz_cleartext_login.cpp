// libFuzzer harness for cleartext FTP/Telnet login extraction and FTP data transfers: input = client bytes, then
// "\n--server--\n", then server bytes (the seed corpus uses this layout).
#include "probes/passive/cleartext_logins.hpp"

#include <cstdint>
#include <string_view>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const auto sep = all.find("\n--server--\n");
  const std::string_view client = all.substr(0, sep);
  const std::string_view server = sep == std::string_view::npos ? std::string_view{} : all.substr(sep + 12);
  for (const bool telnet : {false, true}) {
    CleartextLogins l;
    (void)(telnet ? parse_telnet_logins(as_bytes(client), as_bytes(server), l)
                  : parse_ftp_logins(as_bytes(client), as_bytes(server), l));
    if (l.attempts.size() > kLoginMaxAttempts) __builtin_trap();
    for (const auto& a : l.attempts)
      if (a.username.size() > kLoginMaxField) __builtin_trap();
    (void)cleartext_login_observations(l, Endpoint{});
  }
  std::vector<FtpTransfer> transfers;
  (void)parse_ftp_transfers(as_bytes(client), as_bytes(server), transfers);
  if (transfers.size() > kFtpMaxTransfers) __builtin_trap();
  for (const auto& t : transfers)
    if (t.path.size() > kLoginMaxField || (t.data_port == 0 && !t.data_host.empty())) __builtin_trap();
  return 0;
}
