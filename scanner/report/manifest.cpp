// trustscan — the run manifest (manifest.hpp).
#include "scanner/report/manifest.hpp"

#include "scanner/config/builtin_texts.hpp"
#include "trustscan/text.hpp"
#include "scanner/policy/crypto_policy.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace trustscan {

namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
  void update(const void* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    return hex_lower(md, len);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

std::string build_description() {
  std::string s;
#if defined(__clang__)
  s = "clang " __clang_version__;
#elif defined(__GNUC__)
  s = "g++ " __VERSION__;
#else
  s = "unknown compiler";
#endif
#ifdef NDEBUG
  s += ", optimised";
#else
  s += ", assertions on";
#endif
#if defined(__SANITIZE_ADDRESS__)
  s += ", AddressSanitizer";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  s += ", AddressSanitizer";
#endif
#endif
  return s;
}

}  // namespace

void manifest_add_text(RunManifest& m, const std::string& role, const std::string& name, std::string_view text) {
  Sha256 h;
  h.update(text.data(), text.size());
  m.files.push_back({role, name, text.size(), h.hex()});
}

void manifest_add_file(RunManifest& m, const std::string& role, const std::string& path) {
  // Only regular files are read again: a FIFO or a device was consumed by the run itself.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    m.files.push_back({role, path, 0, std::string("unreadable: ") + std::strerror(errno)});
    return;
  }
  if (!S_ISREG(st.st_mode)) {
    m.files.push_back({role, path, 0, "not hashed: not a regular file"});
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    m.files.push_back({role, path, 0, std::string("unreadable: ") + std::strerror(errno)});
    return;
  }
  Sha256 h;
  std::uint64_t bytes = 0;
  std::vector<char> block(64 * 1024);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    h.update(block.data(), n);
    bytes += n;
  }
  m.files.push_back({role, path, bytes, in.bad() ? "unreadable: read error" : h.hex()});
}

void manifest_add_profile(RunManifest& m, const std::string& id_or_path) {
  const auto& builtin = builtin_profile_texts();
  if (const auto it = builtin.find(id_or_path); it != builtin.end())
    manifest_add_text(m, "profile", "builtin:profiles/" + id_or_path + ".yaml", it->second);
  else
    manifest_add_file(m, "profile", id_or_path);
}

void manifest_add_crypto_policy(RunManifest& m, const CryptoPolicy& policy) {
  const auto& builtin = builtin_crypto_policy_texts();
  for (const auto& f : policy.files) {
    const std::string id = f->origin.starts_with("builtin:") ? f->origin.substr(8) : std::string();
    if (const auto it = builtin.find(id); !id.empty() && it != builtin.end())
      manifest_add_text(m, "crypto-policy", "builtin:profiles/crypto/" + id + ".yaml", it->second);
    else
      manifest_add_file(m, "crypto-policy", f->origin);
  }
}

void manifest_add_build(RunManifest& m) {
  m.build = build_description();
  m.source_commit = std::string(source_commit());
  m.libraries["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  m.libraries["libpcap"] = pcap_lib_version();
}

void manifest_add_run(RunManifest& m, const std::vector<std::string>& command) {
  m.command = command;
  manifest_add_build(m);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) m.host = host;
  // Every embedded data file, whatever this run read of it: they are all part of the binary's
  // behaviour, and a lab compares two runs by them.
  for (const auto& [dir, texts] : {std::pair{"profiles/data/", &builtin_data_texts()},
                                   std::pair{"profiles/credentials/", &builtin_credential_texts()},
                                   std::pair{"profiles/checks/", &builtin_check_texts()},
                                   std::pair{"profiles/crypto/", &builtin_crypto_policy_texts()}})
    for (const auto& [stem, text] : *texts) manifest_add_text(m, "data", std::string("builtin:") + dir + stem + ".yaml", text);
}

std::optional<Address> source_address_for(const Address& target) {
  const int family = target.v6 ? AF_INET6 : AF_INET;
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_storage to{};
  socklen_t len = 0;
  if (target.v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&to);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(9);  // any port: connect(2) on a datagram socket sends nothing
    std::memcpy(&a->sin6_addr, target.bytes.data(), 16);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&to);
    a->sin_family = AF_INET;
    a->sin_port = htons(9);
    std::memcpy(&a->sin_addr, target.bytes.data(), 4);
    len = sizeof *a;
  }
  std::optional<Address> out;
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), len) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0) {
    Address a;
    if (local.ss_family == AF_INET6) {
      a.v6 = true;
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr, 16);
    } else {
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in*>(&local)->sin_addr, 4);
    }
    out = a;
  }
  ::close(fd);
  return out;
}

}  // namespace trustscan
