// libFuzzer harness for probes/tls/tls_vulns.hpp: parse_tls_reply reads what a server sends
// after a Heartbleed request, an early ChangeCipherSpec or a ROBOT flight. Seeds in
// corpus/tls_reply/ (make_tls_reply_seeds.py): OpenSSL 3.0 s_server's unexpected_message and
// bad_record_mac alerts, a leaking heartbeat response like the emulated device's of
// tests/unit/test_tls_vulns_servers.cpp, and records before an alert.
//
// Traps on broken contract invariants: consumed within the input and at a record end, the kept
// heartbeat bytes capped, a done answer stable for every longer input, no done prefix of an
// invalid input, and the verdict helpers agreeing with the reply.
#include "probes/tls/tls_vulns.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace trustscan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes in(data, size);
  TlsReply whole;
  std::size_t used = 0;
  const Parse r = parse_tls_reply(in, whole, used);
  if (r == Parse::done) {
    if (used < 5 || used > size) __builtin_trap();
    if (!whole.alert && !whole.heartbeat_length) __builtin_trap();
    if (whole.heartbeat_prefix.size() > kHeartbeatPrefixKept) __builtin_trap();
    if (whole.heartbeat_length && whole.heartbeat_prefix.size() != std::min(*whole.heartbeat_length, kHeartbeatPrefixKept))
      __builtin_trap();
    if (whole.alert) (void)whole.alert->name();
  } else if (used != 0) {
    __builtin_trap();
  }
  if (whole.records > kTlsMaxRecords + 1 || whole.other_records > whole.records) __builtin_trap();
  if (heartbleed_leaked(whole) && (!whole.heartbeat_length || *whole.heartbeat_length <= kHeartbleedRequestBody))
    __builtin_trap();
  // A prefix chosen by the input: need_more before the done record, the same answer after it.
  const std::size_t split = size == 0 ? 0 : (data[0] * 131u + data[size - 1]) % (size + 1);
  TlsReply part;
  std::size_t part_used = 0;
  const Parse pr = parse_tls_reply(in.first(split), part, part_used);
  if (r == Parse::invalid && pr == Parse::done) __builtin_trap();
  if (r == Parse::done && split >= used &&
      (pr != Parse::done || part_used != used || part.heartbeat_length != whole.heartbeat_length ||
       part.alert.has_value() != whole.alert.has_value()))
    __builtin_trap();
  if (r == Parse::done && split < used && pr == Parse::done) __builtin_trap();
  // The ROBOT answer is one of its names whatever the status.
  for (const auto st : {Status::success, Status::io_timeout, Status::connection_closed}) {
    const auto a = robot_answer(whole, r, st);
    if (a.empty() || (a.rfind("alert:", 0) != 0 && a != "close" && a != "timeout" && a != "other")) __builtin_trap();
  }
  // The padded plaintexts for a modulus size the input chooses: always that size, 00 02 first
  // unless the variant breaks it.
  if (size >= 2) {
    const std::size_t k = 64 + data[0] % 200;
    for (const auto v : kRobotVariants) {
      const auto m = robot_plaintext(v, k, 0x0303, in);
      if (m.size() != k) __builtin_trap();
      if (v != RobotVariant::wrong_first && (m[0] != 0 || m[1] != 2)) __builtin_trap();
    }
  }
  return 0;
}
