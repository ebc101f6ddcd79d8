// The intrusive TLS probes (Heartbleed, CCS injection, ROBOT, client-initiated renegotiation)
// against servers the test starts on loopback (127.0.0.14):
//
//   14471 openssl s_server (Debian 12, OpenSSL 3.0), RSA key: not vulnerable to Heartbleed
//         (no heartbeat support), CCS injection (unexpected_message) or ROBOT (bad_record_mac to
//         every padding); client-initiated renegotiation refused (OpenSSL 3's default: a
//         no_renegotiation alert)
//   14472 the same with -client_renegotiation: the renegotiation completes
//   14473 EMULATED vulnerable device (tvs_device below, in this test). No packaged software on
//         Debian 12 is vulnerable to Heartbleed, CCS injection or ROBOT (OpenSSL 3.0 fixed all
//         three), so a small byte-level TLS 1.2 server answers the way a vulnerable OpenSSL
//         1.0.1f / a ROBOT-vulnerable stack did: it echoes heartbeat, answers a heartbeat
//         request with 16 KiB it was never sent, accepts an early ChangeCipherSpec in silence
//         (and then fails the next record with bad_record_mac), and answers a ClientKeyExchange
//         whose decrypted block does not start 00 02 with handshake_failure but every other
//         with bad_record_mac (a padding oracle). It only speaks TLS 1.2 with
//         TLS_RSA_WITH_AES_128_CBC_SHA, bounded: 5 s per connection, one record of 16 KiB.
//   14474 EMULATED hostile device: the same flight, then 300 one-byte application data records
//         to whatever comes next: no probe may conclude anything (not_tested, never a pass)
//   14475 EMULATED silent device: the vulnerable device, but silent to an early ChangeCipherSpec
//         and what follows it (a stack that waits for more, or a hung device): CCS injection judges nothing (silence is no
//         evidence either way; nmap and testssl.sh do not call it vulnerable)
//
// Each check is not_tested with the safety reason when its action is not selected, and one
// action alone can be allowed (--allow).
#include "../support/cli.hpp"
#include "../support/files.hpp"
#include "../support/pki.hpp"
#include "../support/process.hpp"
#include "probes/tls/client_hello.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr const char* kTvsHost = "127.0.0.14";

using TvsBytes = std::vector<std::uint8_t>;
using TvsClock = std::chrono::steady_clock;

// Reads exactly n bytes before the deadline.
bool tvs_read(int fd, std::uint8_t* p, std::size_t n, TvsClock::time_point deadline) {
  while (n > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - TvsClock::now()).count();
    if (left <= 0) return false;
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) return false;
    const auto got = ::recv(fd, p, n, 0);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

// One TLS record (type, body), at most 16 KiB + 2048.
std::optional<std::pair<std::uint8_t, TvsBytes>> tvs_record(int fd, TvsClock::time_point deadline, TvsBytes* raw = nullptr) {
  std::uint8_t h[5];
  if (!tvs_read(fd, h, 5, deadline)) return std::nullopt;
  const std::size_t len = (std::size_t{h[3]} << 8) | h[4];
  if (h[0] < 20 || h[0] > 24 || h[1] != 3 || len == 0 || len > 16384 + 2048) return std::nullopt;
  TvsBytes body(len);
  if (!tvs_read(fd, body.data(), len, deadline)) return std::nullopt;
  if (raw) {
    raw->assign(h, h + 5);
    raw->insert(raw->end(), body.begin(), body.end());
  }
  return std::make_pair(h[0], std::move(body));
}

void tvs_send(int fd, std::uint8_t type, const TvsBytes& body) {
  TvsBytes r = {type, 3, 3, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  r.insert(r.end(), body.begin(), body.end());
  (void)::send(fd, r.data(), r.size(), MSG_NOSIGNAL);
}

void tvs_alert(int fd, std::uint8_t description) { tvs_send(fd, 21, {2, description}); }

void tvs_handshake(TvsBytes& out, std::uint8_t type, const TvsBytes& body) {
  out.insert(out.end(), {type, 0, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())});
  out.insert(out.end(), body.begin(), body.end());
}

// The emulated vulnerable device (see the file comment).
class TvsDevice {
 public:
  TvsDevice(std::uint16_t port, TvsBytes cert_der, EVP_PKEY* key, bool hostile = false, bool silent = false)
      : cert_(std::move(cert_der)), key_(key), hostile_(hostile), silent_(silent) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, kTvsHost, &a.sin_addr);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 64) == 0;
    if (ok_) accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~TvsDevice() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : workers_) t.join();
    ::close(fd_);
  }
  bool ok() const { return ok_; }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      workers_.emplace_back([this, c] {
        serve(c);
        ::close(c);
      });
    }
  }

  void serve(int fd) {
    // The silent device stays silent for longer than the probe waits (2 s, then 3 s), so the
    // close the probe sees is its own, whatever the machine's load (under ASan the 5 s budget
    // could end inside the probe's second wait, and that close read as a refusal).
    const auto deadline = TvsClock::now() + (silent_ ? 20s : 5s);
    TvsBytes raw;
    const auto first = tvs_record(fd, deadline, &raw);
    if (!first || first->first != 22) return;
    trustscan::ClientHelloInfo hello;
    std::size_t used = 0;
    if (trustscan::parse_client_hello(trustscan::Bytes(raw), hello, used) != trustscan::Parse::done) return;
    const bool tls12 = hello.supported_versions.empty()
                           ? hello.legacy_version >= 0x0303
                           : std::find(hello.supported_versions.begin(), hello.supported_versions.end(), 0x0303) !=
                                 hello.supported_versions.end();
    if (!tls12) return tvs_alert(fd, 70);  // protocol_version
    if (std::find(hello.cipher_suites.begin(), hello.cipher_suites.end(), 0x002f) == hello.cipher_suites.end())
      return tvs_alert(fd, 40);  // handshake_failure
    const auto offered = [&](std::uint16_t ext) {
      return std::find(hello.extensions.begin(), hello.extensions.end(), ext) != hello.extensions.end();
    };
    TvsBytes sh = {3, 3};
    for (int i = 0; i < 32; ++i) sh.push_back(static_cast<std::uint8_t>(0x40 + i));
    sh.insert(sh.end(), {0, 0x00, 0x2f, 0});  // no session id, TLS_RSA_WITH_AES_128_CBC_SHA, null compression
    TvsBytes ext;
    if (offered(0xff01)) ext.insert(ext.end(), {0xff, 0x01, 0, 1, 0});
    if (offered(0x000f)) ext.insert(ext.end(), {0x00, 0x0f, 0, 1, 1});  // heartbeat, peer_allowed_to_send
    sh.insert(sh.end(), {static_cast<std::uint8_t>(ext.size() >> 8), static_cast<std::uint8_t>(ext.size())});
    sh.insert(sh.end(), ext.begin(), ext.end());
    TvsBytes certs = {static_cast<std::uint8_t>((cert_.size() + 3) >> 16), static_cast<std::uint8_t>((cert_.size() + 3) >> 8),
                      static_cast<std::uint8_t>(cert_.size() + 3), static_cast<std::uint8_t>(cert_.size() >> 16),
                      static_cast<std::uint8_t>(cert_.size() >> 8), static_cast<std::uint8_t>(cert_.size())};
    certs.insert(certs.end(), cert_.begin(), cert_.end());
    TvsBytes flight;
    tvs_handshake(flight, 2, sh);
    tvs_handshake(flight, 11, certs);
    tvs_handshake(flight, 14, {});
    tvs_send(fd, 22, flight);

    const auto next = tvs_record(fd, deadline);
    if (!next) return;
    if (hostile_) {
      for (int i = 0; i < 300; ++i) tvs_send(fd, 23, {0});
      return;
    }
    const auto& [type, body] = *next;
    if (silent_ && type == 20) {  // silent to an early ChangeCipherSpec and whatever follows it
      while (tvs_record(fd, deadline)) {
      }
      return;
    }
    if (type == 24 && body.size() >= 3 && body[0] == 1) {
      // Heartbleed: echo the claimed length from memory that was never sent.
      const std::size_t claimed = (std::size_t{body[1]} << 8) | body[2];
      TvsBytes reply = {2, body[1], body[2]};
      reply.resize(3 + std::min<std::size_t>(claimed, 16384) + 16, 0xab);
      tvs_send(fd, 24, reply);
      return;
    }
    if (type == 20) {
      // CCS injection: the early ChangeCipherSpec is taken in silence; the next record is
      // "decrypted" with keys nobody has.
      if (tvs_record(fd, deadline)) tvs_alert(fd, 20);  // bad_record_mac
      return;
    }
    if (type == 22 && body.size() > 6 && body[0] == 16) {
      // ROBOT: decrypt the premaster secret; a block not starting 00 02 gets another alert.
      const TvsBytes c(body.begin() + 6, body.end());
      TvsBytes m(c.size());
      std::size_t mlen = m.size();
      EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key_, nullptr);
      const bool dec = ctx && EVP_PKEY_decrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
                       EVP_PKEY_decrypt(ctx, m.data(), &mlen, c.data(), c.size()) == 1;
      EVP_PKEY_CTX_free(ctx);
      tvs_alert(fd, dec && m[0] == 0 && m[1] == 2 ? 20 : 40);
    }
  }

  TvsBytes cert_;
  EVP_PKEY* key_;
  bool hostile_ = false;
  bool silent_ = false;
  int fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

struct TvsScan {
  int code = 0;
  std::map<int, std::map<std::string, nlohmann::json>> facts;    // port -> key -> observation
  std::map<int, std::map<std::string, nlohmann::json>> results;  // port -> check -> result
};

TvsScan tvs_scan(const std::string& path, const std::string& ports, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"scan", kTvsHost, "-p", ports, "-q", "--no-creds", "-o", path};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto run = testsupport::cli(args);
  REQUIRE_MESSAGE((run.code == 0 || run.code == 1), run.err);
  TvsScan s;
  s.code = run.code;
  const auto j = nlohmann::json::parse(testsupport::read_text(path));
  for (const auto& o : j["devices"][0]["observations"])
    if (o.contains("port")) s.facts[o["port"].get<int>()][o["key"].get<std::string>()] = o;
  for (const auto& r : j["devices"][0]["results"])
    if (r.contains("port")) s.results[r["port"].get<int>()][r["check"].get<std::string>()] = r;
  return s;
}

}  // namespace

TEST_CASE("intrusive TLS probes: real OpenSSL 3 servers and an emulated vulnerable device, each verdict both ways") {
  const auto dir = testsupport::temp_path("-tlsvulns");
  const std::string d = dir + "/";
  std::filesystem::create_directories(dir);
  struct TvsCleanup {
    std::string dir;
    ~TvsCleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};
  REQUIRE(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=device -keyout " + d + "rsa.key -out " +
                       d + "rsa.pem > " + d + "openssl.log 2>&1")
                          .c_str()) == 0);
  // The emulated device's certificate (DER) and key.
  const TvsBytes der = testsupport::pem_certificate_der(d + "rsa.pem");
  REQUIRE(!der.empty());
  EVP_PKEY* key = nullptr;
  if (FILE* f = std::fopen((d + "rsa.key").c_str(), "r")) {
    key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
  }
  REQUIRE(key);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_owner(key, EVP_PKEY_free);

  auto ossl = [&](int port, std::vector<std::string> more) {
    std::vector<std::string> a = {"openssl", "s_server", "-quiet", "-www", "-no-CAfile", "-no-CApath", "-no-CAstore",
                                  "-cert", d + "rsa.pem", "-key", d + "rsa.key",
                                  "-accept", std::string(kTvsHost) + ":" + std::to_string(port)};
    a.insert(a.end(), more.begin(), more.end());
    return std::make_unique<testsupport::Process>(a, d + "server" + std::to_string(port) + ".log");
  };
  const auto refuses = ossl(14471, {});
  const auto renegotiates = ossl(14472, {"-client_renegotiation"});
  TvsDevice device(14473, der, key);
  TvsDevice hostile(14474, der, key, true);
  TvsDevice silent(14475, der, key, false, true);
  REQUIRE(device.ok());
  REQUIRE(hostile.ok());
  REQUIRE(silent.ok());
  for (const int port : {14471, 14472, 14473, 14474})
    REQUIRE_MESSAGE(testsupport::wait_for_listener_at(kTvsHost, static_cast<std::uint16_t>(port), 5s),
                    "server on " << port << " did not start: " << testsupport::read_text(d + "server" + std::to_string(port) + ".log"));

  const auto s = tvs_scan(d + "intrusive.json", "14471,14472,14473,14474", {"--safety", "safe,intrusive"});
  auto status = [](const TvsScan& sc, int port, const char* check) { return sc.results.at(port).at(check).value("status", ""); };
  auto summary = [](const TvsScan& sc, int port, const char* check) { return sc.results.at(port).at(check).value("summary", ""); };
  auto fact = [](const TvsScan& sc, int port, const char* name) {
    const auto& f = sc.facts.at(port);
    const auto it = f.find(name);
    return it == f.end() ? nlohmann::json() : it->second;
  };

  {  // Heartbleed
    for (const int port : {14471, 14472}) {
      CAPTURE(port);
      CHECK(fact(s, port, "tls.heartbleed")["value"] == false);
      CHECK(fact(s, port, "tls.heartbleed")["detail"].get<std::string>().find("unexpected_message") != std::string::npos);
      CHECK(status(s, port, "tls.heartbleed") == "pass");
    }
    const auto leak = fact(s, 14473, "tls.heartbleed");
    CHECK(leak["value"] == true);
    CHECK(leak["detail"].get<std::string>().find("a heartbeat response of 16403 bytes") != std::string::npos);
    // Only the length and 8 bytes of what leaked are kept.
    CHECK(leak["excerpt"] == "first bytes: 024000ababababab");
    CHECK(status(s, 14473, "tls.heartbleed") == "fail");
    CHECK(summary(s, 14473, "tls.heartbleed").find("CVE-2014-0160") != std::string::npos);
  }
  {  // CCS injection
    CHECK(fact(s, 14471, "tls.ccs_injection")["value"] == false);
    CHECK(status(s, 14471, "tls.ccs_injection") == "pass");
    const auto ccs = fact(s, 14473, "tls.ccs_injection");
    CHECK(ccs["value"] == true);
    CHECK(ccs["detail"].get<std::string>().find("no answer within the wait; a second ChangeCipherSpec got fatal alert bad_record_mac") !=
          std::string::npos);
    CHECK(status(s, 14473, "tls.ccs_injection") == "fail");
    CHECK(summary(s, 14473, "tls.ccs_injection").find("CVE-2014-0224") != std::string::npos);
  }
  {  // client-initiated renegotiation: OpenSSL 3 refuses it by default, -client_renegotiation accepts it
    CHECK(fact(s, 14471, "tls.client_renegotiation")["value"] == false);
    CHECK(fact(s, 14471, "tls.client_renegotiation")["detail"].get<std::string>().find("refused (OpenSSL: no renegotiation)") !=
          std::string::npos);
    CHECK(status(s, 14471, "tls.renegotiation.client") == "pass");
    CHECK(fact(s, 14472, "tls.client_renegotiation")["value"] == true);
    CHECK(status(s, 14472, "tls.renegotiation.client") == "fail");
    CHECK(summary(s, 14472, "tls.renegotiation.client").find("CVE-2011-1473") != std::string::npos);
    // The emulated device cannot finish a handshake: no conclusion, not a pass.
    CHECK(fact(s, 14473, "tls.client_renegotiation").is_null());
    CHECK(status(s, 14473, "tls.renegotiation.client") == "not_tested");
  }
  {  // ROBOT: OpenSSL answers every padding with bad_record_mac; the emulated device does not
    CHECK(fact(s, 14471, "tls.robot")["value"] == false);
    CHECK(status(s, 14471, "tls.robot") == "pass");
    const auto robot = fact(s, 14473, "tls.robot");
    CHECK(robot["value"] == true);
    CHECK(robot["detail"].get<std::string>().find("correct -> alert:bad_record_mac, wrong first bytes -> alert:handshake_failure") !=
          std::string::npos);
    CHECK(status(s, 14473, "tls.robot") == "fail");
    CHECK(summary(s, 14473, "tls.robot").find("CVE-2017-13099") != std::string::npos);
  }
  {  // hostile answers after the flight: no conclusion, never a pass
    for (const char* check : {"tls.heartbleed", "tls.ccs_injection", "tls.robot", "tls.renegotiation.client"}) {
      CAPTURE(check);
      CHECK(status(s, 14474, check) == "not_tested");
      CHECK(s.results.at(14474).at(check).value("reason", "") == "inconclusive:probe_incomplete");
    }
    CHECK(fact(s, 14474, "tls.versions")["value"] == nlohmann::json::array({"TLSv1.2"}));
  }
  {  // silence to both early ChangeCipherSpecs: CCS injection judges nothing (never a fail)
    const auto quiet = tvs_scan(d + "silent.json", "14475", {"--allow", "tls.ccs_injection"});
    CHECK(status(quiet, 14475, "tls.ccs_injection") == "not_tested");
    CHECK(fact(quiet, 14475, "tls.ccs_injection").is_null());
    CHECK(fact(quiet, 14475, "tls.versions")["value"] == nlohmann::json::array({"TLSv1.2"}));
  }
  {  // not selected: not_tested naming the class and the flags; one action allowed alone
    const auto safe = tvs_scan(d + "safe.json", "14473", {});
    for (const auto& [check, action] : std::map<std::string, std::string>{{"tls.heartbleed", "tls.heartbleed"},
                                                                           {"tls.ccs_injection", "tls.ccs_injection"},
                                                                           {"tls.robot", "tls.robot"},
                                                                           {"tls.renegotiation.client", "tls.renegotiation"}}) {
      CAPTURE(check);
      const auto& r = safe.results.at(14473).at(check);
      CHECK(r.value("status", "") == "not_tested");
      CHECK(r.value("reason", "") == "opt_in:--safety intrusive");
      CHECK(r.value("summary", "").starts_with("not selected: intrusive (--safety intrusive, --allow " + action + ")"));
    }
    CHECK(fact(safe, 14473, "tls.heartbleed").is_null());
    const auto one = tvs_scan(d + "one.json", "14473", {"--allow", "tls.heartbleed"});
    CHECK(status(one, 14473, "tls.heartbleed") == "fail");
    CHECK(status(one, 14473, "tls.ccs_injection") == "not_tested");
    CHECK(fact(one, 14473, "tls.ccs_injection").is_null());
  }
}
