// trustscan — a TLS client's records after its hello (tls_client_stream.hpp).
#include "probes/tls/tls_client_stream.hpp"

#include "probes/tls/tls.hpp"  // kTlsMaxRecordLength

namespace trustscan {

TlsClientRecords walk_tls_client_records(Bytes in) noexcept {
  TlsClientRecords r;
  std::size_t pos = 0;
  while (pos < in.size() && r.records < TlsClientRecords::kMaxRecords) {
    if (in.size() - pos < 5) {
      r.truncated = true;
      break;
    }
    const std::uint8_t type = in[pos];
    const std::size_t len = (std::size_t{in[pos + 3]} << 8) | in[pos + 4];
    if (type < 20 || type > 24 || in[pos + 1] != 0x03 || len > kTlsMaxRecordLength) {
      r.invalid = true;
      break;
    }
    if (in.size() - pos - 5 < len) {
      r.truncated = true;
      break;
    }
    const Bytes body = in.subspan(pos + 5, len);
    ++r.records;
    pos += 5 + len;
    if (type == 22) {
      ++r.handshake_records;
    } else if (type == 20) {
      r.change_cipher_spec = true;
    } else if (type == 21) {
      r.alert = true;
      r.alert_encrypted = r.change_cipher_spec;
      if (!r.alert_encrypted && body.size() >= 2) {
        r.alert_level = body[0];
        r.alert_description = body[1];
      }
      break;
    } else if (type == 23) {
      ++r.application_data_records;
      r.application_data_bytes += len;
    }
  }
  return r;
}

}  // namespace trustscan
