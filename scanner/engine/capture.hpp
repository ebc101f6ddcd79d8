// trustscan — live capture during a scan (`scan --capture IFACE --capture-for SECONDS`): the
// device's own traffic in the scan window (while it boots, checks for updates, syncs time) is
// recorded with libpcap to a temporary pcap and analysed by the replay pipeline, so its
// observations join the scan's in one report.
#pragma once

#include "trustscan/types.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct pcap;
struct pcap_dumper;

namespace trustscan {

/// The name of the local interface that has address `local` ("lo" for 127.0.0.1), or "".
std::string interface_with_address(const Address& local);

class LiveCapture {
 public:
  /// Opens IFACE (throws InputError with one line: no such interface, no permission) and starts
  /// recording the traffic of `hosts` (a BPF host filter; all traffic when empty or very long)
  /// to a temporary file, on a thread of its own.
  LiveCapture(const std::string& iface, const std::vector<Address>& hosts);
  ~LiveCapture();
  LiveCapture(const LiveCapture&) = delete;
  LiveCapture& operator=(const LiveCapture&) = delete;

  /// Stops recording (waits for the thread) and returns the capture file's path. Idempotent.
  std::string stop();
  std::uint64_t packets() const noexcept { return packets_.load(); }

 private:
  void run();

  pcap* handle_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::string path_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> packets_{0};
  std::thread thread_;
};

}  // namespace trustscan
