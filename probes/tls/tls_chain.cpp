// trustscan — the certificate chain a TLS server sent, judged on its own (tls_chain.hpp).
#include "probes/tls/tls_chain.hpp"

#include "probes/tls/ja_fingerprint.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "trustscan/parse.hpp"

#include <openssl/bio.h>

#include <arpa/inet.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <memory>

namespace trustscan {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }  // the certificates are owned elsewhere
};

std::unique_ptr<X509, X509Free> x509_of(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  return std::unique_ptr<X509, X509Free>(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

// Whether `store` holds a certificate that issued `x`: among those loaded, or (a directory of
// hashed links) among those its lookup finds by x's issuer name.
bool issuer_in_store(X509_STORE* store, X509* x) {
  bool found = false;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  for (int i = 0; i < sk_X509_OBJECT_num(objects) && !found; ++i)
    if (X509* c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) found = X509_check_issued(c, x) == X509_V_OK;
  if (found) return true;
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  X509* issuer = nullptr;
  if (ctx && X509_STORE_CTX_init(ctx.get(), store, x, nullptr) == 1 && X509_STORE_CTX_get1_issuer(&issuer, ctx.get(), x) == 1) {
    found = true;
    X509_free(issuer);
  }
  return found;
}

}  // namespace

std::string chain_error_code(int e, bool complete) {
  switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return complete ? "unknown_root" : "incomplete_chain";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "unknown_root";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "self_signed";
    case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "not_yet_valid";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return "bad_signature";
    case X509_V_ERR_INVALID_CA: return "invalid_ca";
    case X509_V_ERR_INVALID_PURPOSE: return "invalid_purpose";
    case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "path_length";
    case X509_V_ERR_CERT_REVOKED: return "revoked";
    default: return "other";
  }
}

std::string chain_pem(const std::vector<std::vector<std::uint8_t>>& chain) {
  std::string out;
  for (const auto& der : chain) {
    std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(), static_cast<int>(der.size()));
    b64.resize(static_cast<std::size_t>(std::max(n, 0)));
    out += "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
    out += "-----END CERTIFICATE-----\n";
  }
  return out;
}

std::vector<std::string> chain_sha256(const std::vector<std::vector<std::uint8_t>>& chain) {
  std::vector<std::string> out;
  for (const auto& der : chain) out.push_back(sha256_hex(std::string_view(reinterpret_cast<const char*>(der.data()), der.size())));
  return out;
}

CertificateKey certificate_key(const std::vector<std::uint8_t>& der) {
  CertificateKey k;
  const auto x = x509_of(der);
  if (!x) return k;
  k.parsed = true;
  unsigned char* spki = nullptr;
  const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x.get()), &spki);
  if (n > 0) k.spki_sha256 = sha256_hex(std::string_view(reinterpret_cast<const char*>(spki), static_cast<std::size_t>(n)));
  OPENSSL_free(spki);
  int days = 0, seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(x.get()), X509_get0_notAfter(x.get())) == 1) k.lifetime_days = days;
  if (EVP_PKEY* key = X509_get0_pubkey(x.get()); key && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char curve[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &len) == 1) {
      const std::string_view c(curve, len);
      if (c == "prime256v1" || c == "P-256") k.ec_group = 0x0017;
      if (c == "secp384r1" || c == "P-384") k.ec_group = 0x0018;
      if (c == "secp521r1" || c == "P-521") k.ec_group = 0x0019;
    }
  }
  return k;
}

TrustStore::TrustStore(const std::string& path) : path_(path) {
  if (path.empty()) return;
  std::error_code ec;
  X509_STORE* store = X509_STORE_new();
  if (!store) return;
  const bool dir = std::filesystem::is_directory(path, ec);
  if ((dir ? X509_STORE_load_path(store, path.c_str()) : X509_STORE_load_file(store, path.c_str())) != 1) {
    X509_STORE_free(store);
    return;
  }
  store_ = store;
}

TrustStore::~TrustStore() { X509_STORE_free(static_cast<X509_STORE*>(store_)); }

ChainVerdict judge_chain(const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent, const std::string& ca_file,
                         std::time_t now) {
  const TrustStore store(ca_file);
  auto v = judge_chain(chain, sent, store, now);
  v.ca_file_unreadable = !ca_file.empty() && !store.loaded();
  return v;
}

ChainVerdict judge_chain(const std::vector<std::vector<std::uint8_t>>& chain, std::size_t sent, const TrustStore& trust,
                         std::time_t now) {
  ChainVerdict v;
  v.sent = std::max(sent, chain.size());
  std::vector<std::unique_ptr<X509, X509Free>> certs;
  for (const auto& der : chain) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (!x && certs.empty()) return v;  // no leaf: nothing to judge
    if (x) certs.emplace_back(x);
  }
  if (certs.empty()) return v;
  v.parsed = true;
  X509_STORE* store = static_cast<X509_STORE*>(trust.native());

  // Completeness: from the leaf, issuer by issuer among the certificates sent (each used once).
  std::vector<bool> used(certs.size(), false);
  used[0] = true;
  X509* cur = certs[0].get();
  for (;;) {
    if (X509_check_issued(cur, cur) == X509_V_OK) {
      v.complete = true;
      break;
    }
    if (store && issuer_in_store(store, cur)) {
      v.complete = true;
      break;
    }
    X509* next = nullptr;
    for (std::size_t i = 1; i < certs.size() && !next; ++i)
      if (!used[i] && X509_check_issued(certs[i].get(), cur) == X509_V_OK) {
        used[i] = true;
        next = certs[i].get();
      }
    if (!next) break;
    cur = next;
  }

  if (!store) return v;
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < certs.size(); ++i) sk_X509_push(untrusted.get(), certs[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx || X509_STORE_CTX_init(ctx.get(), store, certs[0].get(), untrusted.get()) != 1) return v;
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, now);  // the scan's time, said explicitly
  X509_VERIFY_PARAM_set_auth_level(param, 0);  // weak keys and signatures are facts of their own
  const bool ok = X509_verify_cert(ctx.get()) == 1;
  v.verified = ok;
  if (!ok) {
    const int e = X509_STORE_CTX_get_error(ctx.get());
    v.error_code = chain_error_code(e, v.complete);
    v.error_text = X509_verify_cert_error_string(e);
    v.error_depth = X509_STORE_CTX_get_error_depth(ctx.get());
  }
  return v;
}

namespace {

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(std::clamp<long>(n, 0, 256)));
}

std::string time_text(const ASN1_TIME* t, std::optional<std::time_t>& epoch) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  epoch = ::timegm(&tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

CertificateSummary certificate_summary(const std::vector<std::uint8_t>& der) {
  CertificateSummary c;
  const auto x = x509_of(der);
  if (!x) return c;
  c.parsed = true;
  c.subject = name_text(X509_get_subject_name(x.get()));
  c.issuer = name_text(X509_get_issuer_name(x.get()));
  c.not_before = time_text(X509_get0_notBefore(x.get()), c.not_before_time);
  c.not_after = time_text(X509_get0_notAfter(x.get()), c.not_after_time);
  c.sha256 = chain_sha256({der}).front();
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && c.sans.size() < CertificateSummary::kMaxSans; ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const ASN1_IA5STRING* s = g->d.dNSName;
      c.sans.push_back("DNS:" + printable_excerpt(Bytes(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))), 255));
    } else if (g->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = g->d.iPAddress;
      const Bytes b(ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s)));
      char text[64] = {};
      if (b.size() == 4 || b.size() == 16)
        ::inet_ntop(b.size() == 4 ? AF_INET : AF_INET6, b.data(), text, sizeof text);
      c.sans.push_back(std::string("IP:") + (text[0] ? text : "?"));
    }
  }
  GENERAL_NAMES_free(names);
  return c;
}

bool certificate_names_host(const std::vector<std::uint8_t>& der, const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  const auto x = x509_of(der);
  if (!x) return false;
  unsigned char ip[16];
  if (::inet_pton(AF_INET, host.c_str(), ip) == 1 || ::inet_pton(AF_INET6, host.c_str(), ip) == 1)
    return X509_check_ip_asc(x.get(), host.c_str(), 0) == 1;
  return X509_check_host(x.get(), host.data(), host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
}

}  // namespace trustscan
