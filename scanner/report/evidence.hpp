// trustscan — the evidence bundle (`--evidence DIR`; docs/evidence.md): everything a lab archives
// for one run, with the SHA-256 of every file in a `SHA256SUMS` that `sha256sum -c` checks.
//
//   report.json  report.jsonl  report.html  summary.txt   the reports
//   findings/<finding id>.txt                           one file per result: what was judged,
//                                                       each evidence item in full (excerpts as
//                                                       a hex dump), waiver, remediation
//   observations/<device>.jsonl                         every fact about each device
//   endpoints/<device>/<port>-<transport>/<name>        what an observation of that endpoint
//                                                       attached (Evidence::attachment): the
//                                                       certificates a TLS server sent, certs.pem
//   traffic.pcap                                        the scan's traffic with the devices
//                                                       (when it could be captured)
//   SHA256SUMS
//
// Found passwords and SNMP communities are redacted unless `secrets` (--evidence-secrets).
#pragma once

#include "trustscan/report.hpp"

#include <string>

namespace trustscan {

struct EvidenceOptions {
  std::string dir;           ///< exists and is empty (the CLI makes sure before the run)
  bool secrets = false;      ///< keep found passwords in the bundle
  std::string traffic_pcap;  ///< a capture of the run's traffic to copy in, or ""
  std::string traffic_note;  ///< why there is no traffic.pcap, for the bundle's README
};

/// Writes the bundle. Throws std::runtime_error with one line on an I/O failure.
void write_evidence_bundle(const Report& report, const EvidenceOptions& options);

/// A hex dump of `bytes` (offset, 16 bytes in hex, printable ASCII), as `xxd` shows them.
std::string hex_dump(std::string_view bytes);

}  // namespace trustscan
