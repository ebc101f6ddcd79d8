// Parser tests for probes/http/http_auth.hpp: WWW-Authenticate challenges, Digest and Basic
// Authorization headers.
#include "probes/http/http_auth.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace trustscan;
using namespace std::literals;

namespace {

// Captured from lighttpd 1.4.69 (Debian 12), mod_auth + mod_authn_file with the plain backend,
// auth.require "method" => "digest": `printf 'GET /md5/ HTTP/1.1\r\n…' | nc 127.0.0.1 18931`,
// once with the default algorithm, once with "algorithm" => "SHA-256" and once with
// "MD5|SHA-256" (two WWW-Authenticate fields). Also in tests/fuzz/corpus/http_auth/.
constexpr std::string_view kLighttpdMd5 =
    R"(Digest realm="RT-AC1200 admin", charset="UTF-8", algorithm=MD5, nonce="6b06cefb:c9ef84f952d1e602b4e06fbc2af177bf", qop="auth")";
constexpr std::string_view kLighttpdSha256 =
    R"(Digest realm="RT-AC1200 admin", charset="UTF-8", algorithm=SHA-256, nonce="6b06cefe:4ee3bc70fd9a02cccfd32572a0c786fe0d1a033e6255c8fdb3855f2876fb989c", qop="auth")";
// lighttpd 1.4.69 Basic (tests/fuzz/corpus/http/http_admin401.bin).
constexpr std::string_view kLighttpdBasic = R"(Basic realm="admin", charset="UTF-8")";
// GStreamer RTSP server 1.22.0 GstRTSPAuth Digest (see tests/parsers/test_rtsp.cpp).
constexpr std::string_view kGstDigest = R"(Digest realm="GStreamer RTSP Server", nonce="42fbc0f98df9fabb")";

std::vector<AuthChallenge> parse_ok(std::string_view v) {
  std::vector<AuthChallenge> out;
  REQUIRE(parse_auth_challenges(as_bytes(v), out) == Parse::done);
  return out;
}

// A "hash" that records its inputs: shows exactly what the builder hashes, in which order.
struct Recorder {
  std::vector<std::string> inputs;
  DigestHashFn fn() {
    return [this](DigestAlgorithm a, std::string_view data) {
      inputs.emplace_back(std::string(to_string(a)) + "(" + std::string(data) + ")");
      return "H" + std::to_string(inputs.size());
    };
  }
};

}  // namespace

TEST_CASE("lighttpd Digest challenges: realm, nonce, qop, algorithm") {
  auto md5 = parse_ok(kLighttpdMd5);
  REQUIRE(md5.size() == 1);
  CHECK(md5[0].is("digest"));
  CHECK(*md5[0].param("realm") == "RT-AC1200 admin");
  CHECK(*md5[0].param("nonce") == "6b06cefb:c9ef84f952d1e602b4e06fbc2af177bf");
  CHECK(*md5[0].param("qop") == "auth");
  CHECK(*md5[0].param("charset") == "UTF-8");
  CHECK(md5[0].param("opaque") == nullptr);
  CHECK(digest_algorithm(md5[0]) == DigestAlgorithm::md5);

  auto sha = parse_ok(kLighttpdSha256);
  REQUIRE(sha.size() == 1);
  CHECK(digest_algorithm(sha[0]) == DigestAlgorithm::sha256);
  CHECK(sha[0].param("nonce")->size() == 9 + 64);

  auto basic = parse_ok(kLighttpdBasic);
  REQUIRE(basic.size() == 1);
  CHECK(basic[0].is("Basic"));
  CHECK(*basic[0].param("realm") == "admin");

  auto gst = parse_ok(kGstDigest);
  REQUIRE(gst.size() == 1);
  CHECK(gst[0].param("qop") == nullptr);
  CHECK(digest_algorithm(gst[0]) == DigestAlgorithm::md5);
}

TEST_CASE("several challenges in one value, token68, escapes, empty elements") {
  auto v = parse_ok(R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple")");
  REQUIRE(v.size() == 2);
  CHECK(v[0].scheme == "Newauth");
  CHECK(*v[0].param("type") == "1");
  CHECK(*v[0].param("title") == R"(Login to "apps")");
  CHECK(*v[1].param("realm") == "simple");

  v = parse_ok("Negotiate, NTLM abc+/d==, Bearer");
  REQUIRE(v.size() == 3);
  CHECK(v[0].scheme == "Negotiate");
  CHECK(v[1].token68 == "abc+/d==");
  CHECK(v[2].params.empty());

  // Mixed-case names, spaces around '=', an unquoted value with '/' and '=' (seen on cameras).
  v = parse_ok(R"(,  DIGEST Realm = "cam" , NONCE=ab/cd=,, Opaque="x",QOP="auth,auth-int")");
  REQUIRE(v.size() == 1);
  CHECK(*v[0].param("realm") == "cam");
  CHECK(*v[0].param("nonce") == "ab/cd=");
  CHECK(*v[0].param("opaque") == "x");
}

TEST_CASE("malformed and hostile values are invalid or capped") {
  std::vector<AuthChallenge> out;
  for (auto bad : {""sv, "   "sv, R"(Digest realm="unterminated)"sv, "Digest realm=\"a\r\nX: y\""sv, "\"Digest\""sv,
                   R"(Digest realm="a\)"sv, "Digest realm=\"\x01\""sv}) {
    out.clear();
    CHECK_MESSAGE(parse_auth_challenges(as_bytes(bad), out) == Parse::invalid, bad);
  }
  // Too many challenges / parameters / a huge value.
  std::string many;
  for (int i = 0; i < 40; ++i) many += "Basic realm=\"r\", ";
  out.clear();
  CHECK(parse_auth_challenges(as_bytes(many), out) == Parse::invalid);
  CHECK(out.size() <= kAuthMaxChallenges);
  std::string params = "Digest ";
  for (int i = 0; i < 40; ++i) params += "p" + std::to_string(i) + "=1, ";
  out.clear();
  CHECK(parse_auth_challenges(as_bytes(params), out) == Parse::invalid);
  const std::string huge = "Digest nonce=\"" + std::string(kAuthMaxValue + 1, 'a') + "\"";
  out.clear();
  CHECK(parse_auth_challenges(as_bytes(huge), out) == Parse::invalid);
  // Random bytes never crash and never exceed the caps.
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 200, '\0');
    for (auto& ch : junk) ch = "ab =,\"\\Digest realm"[rng() % 19];
    out.clear();
    (void)parse_auth_challenges(as_bytes(junk), out);
    CHECK(out.size() <= kAuthMaxChallenges);
  }
}

TEST_CASE("Digest with qop=auth hashes A1, A2 and the response in RFC 7616 order") {
  const auto c = parse_ok(kLighttpdMd5).at(0);
  Recorder rec;
  const auto h = build_digest_authorization(c, {"admin", "admin", "GET", "/md5/", "0a4f113b", 1}, rec.fn());
  REQUIRE(h);
  REQUIRE(rec.inputs.size() == 3);
  CHECK(rec.inputs[0] == "MD5(admin:RT-AC1200 admin:admin)");
  CHECK(rec.inputs[1] == "MD5(GET:/md5/)");
  CHECK(rec.inputs[2] == "MD5(H1:6b06cefb:c9ef84f952d1e602b4e06fbc2af177bf:00000001:0a4f113b:auth:H2)");
  CHECK(*h == R"(Digest username="admin", realm="RT-AC1200 admin", nonce="6b06cefb:c9ef84f952d1e602b4e06fbc2af177bf", )"
              R"(uri="/md5/", algorithm=MD5, response="H3", qop=auth, nc=00000001, cnonce="0a4f113b")");
}

TEST_CASE("Digest without qop (RFC 2069), -sess, opaque, and refusals") {
  const auto gst = parse_ok(kGstDigest).at(0);
  Recorder rec;
  const auto h = build_digest_authorization(gst, {"admin", "", "DESCRIBE", "rtsp://127.0.0.1:554/", "c", 2}, rec.fn());
  REQUIRE(h);
  CHECK(rec.inputs.back() == "MD5(H1:42fbc0f98df9fabb:H2)");
  CHECK(h->find("qop") == std::string::npos);
  CHECK(h->find("nc=") == std::string::npos);

  const auto sess = parse_ok(R"(Digest realm="r", nonce="n", algorithm=SHA-256-sess, qop="auth-int, auth", opaque="o\"q")").at(0);
  Recorder r2;
  const auto hs = build_digest_authorization(sess, {"u\"x", "p", "GET", "/", "cn", 0x1a}, r2.fn());
  REQUIRE(hs);
  CHECK(r2.inputs[0] == "SHA-256-sess(u\"x:r:p)");
  CHECK(r2.inputs[1] == "SHA-256-sess(H1:n:cn)");
  CHECK(r2.inputs.back() == "SHA-256-sess(H2:n:0000001a:cn:auth:H3)");
  CHECK(hs->find(R"(username="u\"x")") != std::string::npos);
  CHECK(hs->find(R"(opaque="o\"q")") != std::string::npos);
  CHECK(hs->find("algorithm=SHA-256-sess") != std::string::npos);

  Recorder r3;
  for (auto bad : {R"(Digest realm="r", nonce="n", qop="auth-int")"sv, R"(Digest realm="r", nonce="n", algorithm=SHA-512-256)"sv,
                   R"(Digest nonce="n")"sv, R"(Digest realm="r")"sv, R"(Basic realm="r")"sv})
    CHECK_FALSE(build_digest_authorization(parse_ok(bad).at(0), {"u", "p", "GET", "/", "c", 1}, r3.fn()));
  CHECK_FALSE(build_digest_authorization(gst, {"u\r\nX: y", "p", "GET", "/", "c", 1}, r3.fn()));
  CHECK(r3.inputs.empty());  // nothing hashed for a refused challenge
}

TEST_CASE("Basic: RFC 7617 example and base64 padding") {
  CHECK(build_basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}
