// trustscan — live capture (capture.hpp).
#include "scanner/engine/capture.hpp"

#include "scanner/engine/targets.hpp"

#include <pcap/pcap.h>

#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace trustscan {

namespace {

constexpr int kSnapLen = 65535;
constexpr std::size_t kMaxFilterHosts = 256;     // beyond this, capture everything and let replay filter
constexpr std::uint64_t kMaxCaptureBytes = 1u << 30;  // the temporary file never grows past 1 GiB

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

struct DumpState {
  pcap_dumper* dumper;
  std::atomic<std::uint64_t>* packets;
  std::uint64_t bytes = 0;
};

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* st = reinterpret_cast<DumpState*>(user);
  if (st->bytes + h->caplen > kMaxCaptureBytes) return;
  st->bytes += h->caplen + 16;
  pcap_dump(reinterpret_cast<u_char*>(st->dumper), h, bytes);
  st->packets->fetch_add(1);
}

}  // namespace

LiveCapture::LiveCapture(const std::string& iface, const std::vector<Address>& hosts) {
  char err[PCAP_ERRBUF_SIZE] = {};
  handle_ = pcap_create(iface.c_str(), err);
  if (!handle_) throw InputError("cannot capture on '" + iface + "': " + one_line(err));
  pcap_set_snaplen(handle_, kSnapLen);
  pcap_set_promisc(handle_, 0);
  pcap_set_immediate_mode(handle_, 1);
  pcap_set_timeout(handle_, 100);
  if (const int rc = pcap_activate(handle_); rc < 0) {
    std::string why = rc == PCAP_ERROR_NO_SUCH_DEVICE    ? "no such interface"
                      : rc == PCAP_ERROR_PERM_DENIED     ? "permission denied (capturing needs root or CAP_NET_RAW)"
                                                         : one_line(pcap_geterr(handle_));
    pcap_close(handle_);
    handle_ = nullptr;
    throw InputError("cannot capture on '" + iface + "': " + why);
  }
  if (!hosts.empty() && hosts.size() <= kMaxFilterHosts) {
    std::string filter;
    for (const auto& h : hosts) filter += (filter.empty() ? "" : " or ") + std::string("host ") + h.to_string();
    bpf_program prog{};
    if (pcap_compile(handle_, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
      pcap_setfilter(handle_, &prog);
      pcap_freecode(&prog);
    }
  }
  char tmpl[] = "/tmp/trustscan-capture-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) {
    pcap_close(handle_);
    handle_ = nullptr;
    throw std::runtime_error("cannot create a temporary capture file");
  }
  ::close(fd);
  path_ = tmpl;
  dumper_ = pcap_dump_open(handle_, path_.c_str());
  if (!dumper_) {
    const std::string why = one_line(pcap_geterr(handle_));
    pcap_close(handle_);
    handle_ = nullptr;
    ::unlink(path_.c_str());
    throw std::runtime_error("cannot write the capture file: " + why);
  }
  thread_ = std::thread([this] { run(); });
}

void LiveCapture::run() {
  DumpState st{dumper_, &packets_};
  while (!stopping_.load()) {
    const int n = pcap_dispatch(handle_, -1, on_packet, reinterpret_cast<u_char*>(&st));
    if (n == PCAP_ERROR || n == PCAP_ERROR_BREAK) break;
  }
  pcap_dump_flush(dumper_);
}

std::string LiveCapture::stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    pcap_breakloop(handle_);
    thread_.join();
  }
  if (dumper_) {
    pcap_dump_close(dumper_);
    dumper_ = nullptr;
  }
  if (handle_) {
    pcap_close(handle_);
    handle_ = nullptr;
  }
  return path_;
}

LiveCapture::~LiveCapture() {
  stop();
  if (!path_.empty()) ::unlink(path_.c_str());
}

std::string interface_with_address(const Address& local) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  std::string name;
  for (const ifaddrs* i = list; i && name.empty(); i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    if (!local.v6 && i->ifa_addr->sa_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if (std::memcmp(&a->sin_addr, local.bytes.data(), 4) == 0) name = i->ifa_name;
    } else if (local.v6 && i->ifa_addr->sa_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (std::memcmp(&a->sin6_addr, local.bytes.data(), 16) == 0) name = i->ifa_name;
    }
  }
  ::freeifaddrs(list);
  return name;
}

}  // namespace trustscan
