// trustscan — an SSH connection from a capture (ssh_passive.hpp).
#include "probes/passive/ssh_passive.hpp"

#include "probes/tls/ja_fingerprint.hpp"

#include <vector>

namespace trustscan {
namespace {

/// One side: its identification line, then its KEXINIT when the bytes hold it whole.
Parse read_side(Bytes in, SshIdent& ident, std::optional<SshKexInit>& kexinit) noexcept {
  std::size_t used = 0;
  const Parse r = parse_ssh_ident(in, ident, used);
  if (r != Parse::done) return r;
  SshKexInit k;
  std::size_t kused = 0;
  if (parse_ssh_kexinit(in.subspan(used), k, kused) == Parse::done) kexinit = std::move(k);
  return Parse::done;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

std::optional<Hassh> fingerprint(const SshKexInit& k, const std::vector<std::string>& enc,
                                 const std::vector<std::string>& mac, const std::vector<std::string>& cmp) {
  if (k.truncated) return std::nullopt;
  Hassh h;
  h.algorithms = joined(k.kex_algorithms) + ';' + joined(enc) + ';' + joined(mac) + ';' + joined(cmp);
  h.md5 = md5_hex(h.algorithms);
  if (h.md5.empty()) return std::nullopt;
  return h;
}

}  // namespace

Parse parse_ssh_session(Bytes client_stream, Bytes server_stream, SshSession& out) noexcept {
  out = SshSession{};
  try {
    const Parse r = read_side(client_stream, out.client, out.client_kexinit);
    if (r != Parse::done) return r;
    SshIdent server;
    std::optional<SshKexInit> server_kexinit;
    if (read_side(server_stream, server, server_kexinit) == Parse::done) {
      out.server = std::move(server);
      out.server_kexinit = std::move(server_kexinit);
    }
    return Parse::done;
  } catch (...) {  // std::bad_alloc from a name list: the streams are bounded, but noexcept is the contract
    out = SshSession{};
    return Parse::invalid;
  }
}

std::optional<Hassh> hassh_client(const SshKexInit& k) {
  return fingerprint(k, k.encryption_c2s, k.mac_c2s, k.compression_c2s);
}

std::optional<Hassh> hassh_server(const SshKexInit& k) {
  return fingerprint(k, k.encryption_s2c, k.mac_s2c, k.compression_s2c);
}

}  // namespace trustscan
