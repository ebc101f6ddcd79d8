// libFuzzer harness for the BER codec and SNMP parser (probes/snmp/snmp.hpp). Every input goes to the
// message parser, the BER validator and TLV reader, and the OID codec. Checked: caps, that a done
// message is well-formed BER, and that an OID the encoder accepts decodes again.
#include "probes/snmp/snmp.hpp"

#include <cstddef>
#include <cstdint>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  SnmpResponse r;
  const Parse p = parse_snmp_message(in, r);
  if (p == Parse::need_more) __builtin_trap();  // datagram parser
  if (p == Parse::done) {
    if (!ber::validate(in) || r.varbinds.size() > kSnmpMaxVarbinds ||
        r.varbind_count < r.varbinds.size() || r.raw.size() > Evidence::kMaxExcerpt ||
        (r.version != kSnmpV1 && r.version != kSnmpV2c))
      __builtin_trap();
    for (const auto& vb : r.varbinds)
      if (vb.value.size() > 3 * kSnmpMaxValue) __builtin_trap();
    (void)snmp_observations(r, Endpoint{});
    SnmpResponse r2;
    if (parse_snmp_response(in, r2) == Parse::done && r2.request_id != r.request_id)
      __builtin_trap();
  }
  (void)ber::validate(in, size % 70);
  ber::Tlv t;
  if (ber::read_tlv(in, t) == Parse::done && (t.size > size || t.value.size() > ber::kMaxSize))
    __builtin_trap();
  std::string s;
  (void)ber::decode_oid(in, s);
  std::int64_t i = 0;
  (void)ber::decode_integer(in, i);
  std::vector<std::uint8_t> oid;
  if (ber::encode_oid(as_text(in), oid)) {
    if (!ber::decode_oid(oid, s)) __builtin_trap();
    std::vector<std::uint8_t> again;
    if (!ber::encode_oid(s, again) || again != oid) __builtin_trap();
  }
  return 0;
}
