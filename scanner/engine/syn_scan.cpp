// trustscan — the SYN scan (see syn_scan.hpp).
#include "scanner/engine/syn_scan.hpp"

#include "probes/wire/packet.hpp"
#include "scanner/engine/syn_reply.hpp"
#include "scanner/engine/timing.hpp"
#include "scanner/report/manifest.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tins/ip.h>
#include <tins/ipv6.h>
#include <tins/tcp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>

namespace trustscan {

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kSynSnapLen = 256;                    // IP + TCP with options, or ICMP(v6) quoting them
constexpr int kSynCaptureBuffer = 16 * 1024 * 1024;  // answers of a fast scan wait here for the loop
constexpr std::size_t kSynSendBatch = 256;          // probes sent between two reads of the capture

std::string syn_errno_text(int e) { return std::strerror(e); }

// A packet with our own source port: the probe, and the RST that ends an open port's handshake.
// IPv4 or IPv6 as the addresses are (libtins computes the TCP checksum over the right
// pseudo-header).
std::vector<std::uint8_t> tcp_segment(const Address& from, std::uint16_t sport, const Address& to,
                                      std::uint16_t dport, std::uint32_t seq, bool rst) {
  Tins::TCP tcp(dport, sport);
  tcp.seq(seq);
  if (rst) {
    tcp.set_flag(Tins::TCP::RST, 1);
    tcp.window(0);
  } else {
    tcp.set_flag(Tins::TCP::SYN, 1);
    tcp.window(1024);
    tcp.mss(to.v6 ? 1440 : 1460);  // devices that drop option-less SYNs exist; nmap sends MSS too
  }
  if (to.v6) {
    Tins::IPv6 ip6(Tins::IPv6Address(to.bytes.data()), Tins::IPv6Address(from.bytes.data()));
    ip6.hop_limit(64);
    ip6 /= tcp;
    return ip6.serialize();
  }
  Tins::IP ip(Tins::IPv4Address(htonl(to.v4_value())), Tins::IPv4Address(htonl(from.v4_value())));
  ip.ttl(64);
  ip /= tcp;
  return ip.serialize();
}

// A raw socket that sends whole IP packets: IPPROTO_RAW implies IP_HDRINCL, and on IPv6 (Linux
// 4.5 and later) IPV6_HDRINCL.
int open_raw_socket(std::string& why, int family = AF_INET) {
  const int fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    const int e = errno;
    why = e == EPERM || e == EACCES ? "a raw socket needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep)"
                                    : "raw socket: " + syn_errno_text(e);
  }
  return fd;
}

}  // namespace

bool syn_scan_available(std::string& why) {
  const int fd = open_raw_socket(why);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

struct SynScanner::State {
  struct Job {
    std::uint32_t device = 0;
    std::uint16_t port = 0;
    bool well_known = false;
    bool done = false;
    std::uint8_t attempts = 0;  // probes sent
    Clock::time_point sent;     // of the latest probe
    PortResult result;
  };
  struct Device {
    Address address;
    Address local;  // our source address towards it
    DeviceTiming timing;
    std::deque<std::uint32_t> pending;
    std::size_t inflight = 0;
    bool queued = false;
  };
  struct Timeout {
    Clock::time_point at;
    std::uint32_t job;
    std::uint8_t attempt;
    bool operator>(const Timeout& o) const noexcept { return at > o.at; }
  };

  EngineOptions opt;
  SynKey key;
  std::uint16_t lport = 0;
  int reserve_fd = -1;  // a TCP socket bound to lport: no other program gets the port meanwhile
  int raw_fd = -1;
  int raw6_fd = -1;  // IPv6 targets only
  pcap_t* capture = nullptr;
  std::uint32_t linktype = 0;
  std::vector<Address> locals;
  std::vector<Device> devices;
  std::vector<Job> jobs;
  std::unordered_map<std::uint64_t, std::uint32_t> job_of;  // (address << 16 | port) -> job
  std::deque<std::uint32_t> ready;                          // devices with pending jobs and room
  std::priority_queue<Timeout, std::vector<Timeout>, std::greater<>> timeouts;
  std::size_t inflight = 0;
  std::size_t remaining = 0;
  std::size_t late = 0;
  Clock::time_point allowed_at{};
  EngineStats stats;

  ~State() {
    if (capture) pcap_close(capture);
    if (raw_fd >= 0) ::close(raw_fd);
    if (raw6_fd >= 0) ::close(raw6_fd);
    if (reserve_fd >= 0) ::close(reserve_fd);
  }

  std::map<Address, std::uint32_t> device_of;  // address -> device index

  static std::uint64_t slot(std::uint32_t device, std::uint16_t port) noexcept {
    return static_cast<std::uint64_t>(device) << 16 | port;
  }

  void make_ready(std::uint32_t d) {
    auto& dev = devices[d];
    if (!dev.queued && !dev.pending.empty() && dev.inflight < dev.timing.window()) {
      dev.queued = true;
      ready.push_back(d);
    }
  }

  // Sends one segment; false when the kernel has no room for it now (try again later).
  bool send(const std::vector<std::uint8_t>& frame, const Address& to, int& error) {
    ssize_t n = -1;
    if (to.v6) {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      std::memcpy(&sa.sin6_addr, to.bytes.data(), 16);
      n = ::sendto(raw6_fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    } else {
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_addr.s_addr = htonl(to.v4_value());
      n = ::sendto(raw_fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    }
    error = n < 0 ? errno : 0;
    return n >= 0 || (error != EAGAIN && error != EWOULDBLOCK && error != ENOBUFS);
  }

  // Token bucket as a virtual schedule (the connect scan's rule): when the next probe may go.
  Clock::time_point next_token(Clock::time_point now) const {
    if (opt.rate <= 0) return now;
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / opt.rate));
    const auto burst = std::max<Clock::rep>(1, static_cast<Clock::rep>(opt.rate / 10));
    return std::max(allowed_at + interval, now - interval * burst);
  }

  void decide(std::uint32_t j, PortState state, Status status, std::chrono::microseconds rtt) {
    auto& job = jobs[j];
    job.done = true;
    job.result.state = state;
    job.result.status = status;
    job.result.rtt = rtt;
    job.result.attempts = job.attempts;
    --remaining;
    --inflight;
    if (opt.progress) opt.progress->ports_done.fetch_add(1, std::memory_order_relaxed);
    auto& dev = devices[job.device];
    --dev.inflight;
    make_ready(job.device);
  }

  // Sends attempt number `job.attempts + 1` of job j. False: no room in the kernel now.
  bool probe(std::uint32_t j, Clock::time_point now) {
    auto& job = jobs[j];
    auto& dev = devices[job.device];
    const auto seq = syn_cookie(key, dev.local, lport, dev.address, job.port);
    int error = 0;
    if (!send(tcp_segment(dev.local, lport, dev.address, job.port, seq, false), dev.address, error)) {
      ++stats.local_retries;
      return false;
    }
    ++stats.attempts;
    ++job.attempts;
    job.sent = now;
    if (error != 0) {  // the kernel refused it outright: no route, a local firewall
      decide(j, PortState::filtered,
             error == EHOSTUNREACH || error == ENETUNREACH ? Status::unreachable : Status::internal_error, {});
      return true;
    }
    const auto deadline = dev.timing.deadline(job.attempts > 1);
    if (deadline < opt.timeout) ++stats.adaptive_deadlines;
    timeouts.push({now + deadline, j, job.attempts});
    return true;
  }

  void answer(const SynReply& r, Clock::time_point now) {
    const auto dev_it = device_of.find(r.device);
    if (dev_it == device_of.end()) return;
    const auto it = job_of.find(slot(dev_it->second, r.port));
    if (it == job_of.end()) return;
    const std::uint32_t j = it->second;
    auto& job = jobs[j];
    if (r.answer == SynAnswer::syn_ack) {
      // End the half-open handshake at once (the kernel's own RST may be filtered locally).
      int error = 0;
      const auto& dev = devices[job.device];
      send(tcp_segment(dev.local, lport, dev.address, job.port, syn_cookie(key, dev.local, lport, dev.address, job.port) + 1,
                       true),
           dev.address, error);
    }
    const PortState state = r.answer == SynAnswer::syn_ack ? PortState::open
                            : r.answer == SynAnswer::rst   ? PortState::closed
                                                           : PortState::filtered;
    const Status status = r.answer == SynAnswer::syn_ack ? Status::success
                          : r.answer == SynAnswer::rst   ? Status::connection_refused
                                                         : Status::unreachable;
    if (job.attempts == 0) return;  // not probed yet: a reply to a probe of another run
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - job.sent);
    if (job.done) {
      // An answer after the job was given up as filtered (or a duplicate): the answer wins over
      // silence, and a filter's ICMP does not undo a SYN-ACK.
      if (job.result.status == Status::connection_timeout) {
        ++late;
        job.result.state = state;
        job.result.status = status;
        job.result.rtt = rtt;
      }
      return;
    }
    devices[job.device].timing.on_answer(rtt, job.attempts > 1);
    decide(j, state, status, rtt);
  }

  void read_answers(Clock::time_point now) {
    for (int batch = 0; batch < 64; ++batch) {
      pcap_pkthdr* header = nullptr;
      const u_char* data = nullptr;
      const int rc = pcap_next_ex(capture, &header, &data);
      if (rc != 1) return;  // 0: nothing waiting (non-blocking), <0: error or end
      const Bytes frame(data, std::min<std::size_t>(header->caplen, kSynSnapLen));
      for (const auto& local : locals)
        if (const auto r = read_syn_reply(linktype, frame, key, local, lport)) {
          answer(*r, now);
          break;
        }
    }
  }

  void expire(Clock::time_point now) {
    while (!timeouts.empty() && timeouts.top().at <= now) {
      const Timeout t = timeouts.top();
      timeouts.pop();
      auto& job = jobs[t.job];
      if (job.done || job.attempts != t.attempt) continue;  // answered, or a later probe is out
      auto& dev = devices[job.device];
      const bool retry_of = job.attempts > 1;
      dev.timing.on_timeout(retry_of);
      const int left = opt.retries - (job.attempts - 1);
      if (dev.timing.should_retry(left, job.well_known) && probe(t.job, now)) continue;
      decide(t.job, PortState::filtered, Status::connection_timeout, {});
    }
  }
};

SynScanner::SynScanner(std::unique_ptr<State> state) : state_(std::move(state)) {}
SynScanner::~SynScanner() = default;

std::unique_ptr<SynScanner> SynScanner::open(const ScanPlan& plan, const EngineOptions& options, std::string& why) {
  auto s = std::make_unique<State>();
  s->opt = options;
  s->opt.per_device = std::max<std::size_t>(1, options.syn_per_device);
  s->opt.max_inflight = std::max<std::size_t>(1, options.syn_max_inflight);
  s->opt.min_timeout = std::min(options.min_timeout, options.timeout);
  const TimingLimits limits{std::chrono::duration_cast<std::chrono::microseconds>(s->opt.min_timeout),
                            std::chrono::duration_cast<std::chrono::microseconds>(s->opt.timeout),
                            s->opt.per_device};
  std::vector<bool> scanned(plan.targets.size(), false);
  for (const auto& job : plan.jobs) scanned.at(job.device) = true;
  for (std::size_t t = 0; t < plan.targets.size(); ++t) {
    const Address& address = plan.targets[t].address;
    State::Device d{address, {}, DeviceTiming(limits), {}, 0, false};
    if (t < plan.rtt_hints.size()) d.timing.seed(plan.rtt_hints[t]);
    if (scanned[t]) {
      const auto local = source_address_for(address);
      if (!local || local->v6 != address.v6) {
        why = "no route to " + address.to_string();
        return nullptr;
      }
      s->device_of.emplace(address, static_cast<std::uint32_t>(t));
      d.local = *local;
      if (std::find(s->locals.begin(), s->locals.end(), *local) == s->locals.end()) s->locals.push_back(*local);
    }
    s->devices.push_back(std::move(d));
  }
  s->jobs.reserve(plan.jobs.size());
  for (const auto& job : plan.jobs) {
    if (job.endpoint.transport != Transport::tcp) {
      why = "the SYN scan takes TCP ports only";
      return nullptr;
    }
    State::Job j;
    j.device = job.device;
    j.port = job.endpoint.port;
    j.well_known = job.well_known;
    j.result.endpoint = job.endpoint;
    const auto index = static_cast<std::uint32_t>(s->jobs.size());
    s->job_of.emplace(State::slot(static_cast<std::uint32_t>(job.device), job.endpoint.port), index);
    s->devices[job.device].pending.push_back(index);
    s->jobs.push_back(j);
  }
  s->remaining = s->jobs.size();

  s->raw_fd = open_raw_socket(why);
  if (s->raw_fd < 0) return nullptr;
  const int sndbuf = 4 * 1024 * 1024;
  ::setsockopt(s->raw_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  if (std::any_of(s->locals.begin(), s->locals.end(), [](const Address& a) { return a.v6; })) {
    s->raw6_fd = open_raw_socket(why, AF_INET6);
    if (s->raw6_fd < 0) return nullptr;
    ::setsockopt(s->raw6_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  }
  // The source port: one of the kernel's own ephemeral ports, held by a bound (not listening,
  // not connected) socket for the whole scan, so no connection of another program uses it and
  // the kernel still answers our SYN-ACKs with RST.
  // With IPv6 targets it is a dual-stack socket bound to [::], which holds the port on both.
  if (s->raw6_fd >= 0) {
    s->reserve_fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int v6only = 0;
    sockaddr_in6 any6{};
    any6.sin6_family = AF_INET6;
    socklen_t len = sizeof any6;
    if (s->reserve_fd < 0 || ::setsockopt(s->reserve_fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0 ||
        ::bind(s->reserve_fd, reinterpret_cast<sockaddr*>(&any6), sizeof any6) != 0 ||
        ::getsockname(s->reserve_fd, reinterpret_cast<sockaddr*>(&any6), &len) != 0) {
      why = "no local port for the SYN scan: " + syn_errno_text(errno);
      return nullptr;
    }
    s->lport = ntohs(any6.sin6_port);
  } else {
    s->reserve_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    socklen_t len = sizeof any;
    if (s->reserve_fd < 0 || ::bind(s->reserve_fd, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
        ::getsockname(s->reserve_fd, reinterpret_cast<sockaddr*>(&any), &len) != 0) {
      why = "no local port for the SYN scan: " + syn_errno_text(errno);
      return nullptr;
    }
    s->lport = ntohs(any.sin_port);
  }

  // The answers: every interface ("any", Linux cooked), incoming only, our port or ICMP errors.
  char err[PCAP_ERRBUF_SIZE] = {};
  s->capture = pcap_create("any", err);
  if (!s->capture) {
    why = std::string("capture: ") + err;
    return nullptr;
  }
  pcap_set_snaplen(s->capture, kSynSnapLen);
  pcap_set_promisc(s->capture, 0);
  pcap_set_immediate_mode(s->capture, 1);
  pcap_set_buffer_size(s->capture, kSynCaptureBuffer);
  if (const int rc = pcap_activate(s->capture); rc < 0) {
    why = rc == PCAP_ERROR_PERM_DENIED ? "a capture needs CAP_NET_RAW (run as root, or setcap cap_net_raw+ep)"
                                       : std::string("capture: ") + pcap_geterr(s->capture);
    return nullptr;
  }
  pcap_setdirection(s->capture, PCAP_D_IN);
  // ip6[40]: the ICMPv6 type, right after an IPv6 header without extension headers.
  const std::string filter = "(tcp dst port " + std::to_string(s->lport) +
                             ") or (icmp and icmp[0] == 3) or (icmp6 and ip6[40] == 1)";
  bpf_program prog{};
  if (pcap_compile(s->capture, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
      pcap_setfilter(s->capture, &prog) != 0) {
    why = std::string("capture filter: ") + pcap_geterr(s->capture);
    pcap_freecode(&prog);
    return nullptr;
  }
  pcap_freecode(&prog);
  if (pcap_setnonblock(s->capture, 1, err) != 0) {
    why = std::string("capture: ") + err;
    return nullptr;
  }
  s->linktype = static_cast<std::uint32_t>(pcap_datalink(s->capture));
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&s->key), sizeof s->key) != 1) {
    why = "no random key for the SYN cookies";
    return nullptr;
  }
  for (std::uint32_t d = 0; d < s->devices.size(); ++d) s->make_ready(d);
  return std::unique_ptr<SynScanner>(new SynScanner(std::move(s)));
}

void SynScanner::run(const std::atomic<bool>& stop) {
  auto& s = *state_;
  const int fd = pcap_get_selectable_fd(s.capture);
  while (s.remaining > 0 && !stop.load(std::memory_order_relaxed)) {
    auto now = Clock::now();
    s.read_answers(now);
    s.expire(now);
    // Send while the windows, the in-flight limit and the rate allow, a batch at a time.
    bool kernel_full = false;
    Clock::time_point wait_for_token = Clock::time_point::max();
    for (std::size_t sent = 0; sent < kSynSendBatch && !s.ready.empty() && s.inflight < s.opt.max_inflight;) {
      const auto token = s.next_token(now);
      if (token > now) {
        wait_for_token = token;
        break;
      }
      const std::uint32_t d = s.ready.front();
      s.ready.pop_front();
      auto& dev = s.devices[d];
      dev.queued = false;
      if (dev.pending.empty() || dev.inflight >= dev.timing.window()) continue;  // the window shrank
      const std::uint32_t j = dev.pending.front();
      ++dev.inflight;
      ++s.inflight;
      if (!s.probe(j, now)) {
        --dev.inflight;
        --s.inflight;
        kernel_full = true;
        s.make_ready(d);
        break;
      }
      dev.pending.pop_front();
      s.allowed_at = s.opt.rate > 0 ? token : now;
      s.stats.max_inflight_seen = std::max(s.stats.max_inflight_seen, s.inflight);
      s.stats.max_per_device_seen = std::max(s.stats.max_per_device_seen, dev.inflight);
      s.make_ready(d);
      ++sent;
    }
    if (s.remaining == 0) break;
    // Sleep until an answer arrives, the next deadline passes or a probe may go.
    now = Clock::now();
    auto until = s.timeouts.empty() ? now + std::chrono::milliseconds(50) : s.timeouts.top().at;
    if (!s.ready.empty() && s.inflight < s.opt.max_inflight)
      until = std::min(until, kernel_full ? now + std::chrono::milliseconds(1) : wait_for_token);
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    pollfd p{fd, POLLIN, 0};
    const int ms = static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, 50));
    ::poll(&p, 1, until <= now ? 0 : std::max(ms, 1));
  }
  for (const auto& d : s.devices) s.stats.retries_skipped += d.timing.retries_skipped();
  s.stats.endpoints = s.jobs.size();
}

bool SynScanner::complete() const noexcept { return state_->remaining == 0; }

std::vector<PortResult> SynScanner::results() const {
  std::vector<PortResult> out;
  for (const auto& j : state_->jobs)
    if (j.done) out.push_back(j.result);
  std::sort(out.begin(), out.end(), [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });
  return out;
}

const EngineStats& SynScanner::stats() const noexcept { return state_->stats; }
std::size_t SynScanner::late_answers() const noexcept { return state_->late; }

}  // namespace trustscan
