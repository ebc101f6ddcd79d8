// libFuzzer harness for the DNS/mDNS parser (probes/dns/dns.hpp). Every input is parsed as a UDP
// message and as a TCP stream, and its text is tried as a query name. Checked: caps, and that
// every parsed question name can be sent back through build_dns_query and parses to itself
// (names are rendered with escapes precisely so that they round-trip).
#include "probes/dns/dns.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace trustscan;

namespace {

void check_message(const DnsMessage& m) {
  if (m.questions.size() > kDnsMaxQuestions || m.answers.size() > kDnsMaxRecords ||
      m.authority.size() > kDnsMaxRecords || m.additional.size() > kDnsMaxRecords ||
      m.raw.size() > Evidence::kMaxExcerpt)
    __builtin_trap();
  for (const auto& q : m.questions) {
    const auto wire = build_dns_query(1, q.name, q.type, q.qclass, false);
    DnsMessage back;
    if (wire.empty() || parse_dns_message(wire, back) != Parse::done || back.questions.empty() ||
        back.questions[0].name != q.name)
      __builtin_trap();
  }
  for (const auto* section : {&m.answers, &m.authority, &m.additional})
    for (const auto& rr : *section)
      if (rr.txt.size() > kDnsMaxTxtStrings || rr.name.size() > 4 * kDnsMaxNameWire)
        __builtin_trap();
  (void)dns_observations(m, Endpoint{});
  (void)mdns_observations(m, Endpoint{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  DnsMessage m;
  const Parse p = parse_dns_message(in, m);
  if (p == Parse::need_more) __builtin_trap();  // datagram parser
  if (p == Parse::done) check_message(m);

  std::size_t n = 0;
  if (parse_dns_tcp_message(in, m, n) == Parse::done) {
    if (n > size || n < 14) __builtin_trap();
    check_message(m);
    if (parse_dns_tcp_message(in.first(n - 1), m, n) != Parse::need_more) __builtin_trap();
  }

  // The input as a name: whatever the builder accepts must parse back to the same wire name.
  const auto q = build_dns_query(7, as_text(in.first(std::min<std::size_t>(size, 600))), kDnsTypeA);
  if (!q.empty()) {
    DnsMessage back;
    if (parse_dns_message(q, back) != Parse::done || back.questions.size() != 1) __builtin_trap();
    if (build_dns_query(7, back.questions[0].name, kDnsTypeA) != q) __builtin_trap();
  }
  return 0;
}
