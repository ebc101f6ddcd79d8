// trustscan — the asynchronous port-scan engine.
#include "scanner/engine/engine.hpp"

#include "scanner/engine/deadline.hpp"
#include "scanner/engine/session.hpp"
#include "scanner/engine/timing.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace trustscan {

using Clock = std::chrono::steady_clock;
namespace ip = net::ip;

namespace {

template <class Protocol>
typename Protocol::endpoint to_asio(const Endpoint& ep) {
  return typename Protocol::endpoint(to_asio_address(ep.address), ep.port);
}

// How one attempt ended, before retries are decided.
struct Attempt {
  PortState state = PortState::filtered;
  Status status = Status::connection_timeout;
  bool retryable = false;    // a timeout: try again
  bool local_error = false;  // our side ran out of something: wait and try again, uncounted
  std::chrono::microseconds rtt{0};
};

bool is_local_exhaustion(const error_code& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == net::error::try_again ||
         ec == std::errc::address_not_available;  // ephemeral ports exhausted
}

Attempt classify(const error_code& ec, bool timed_out, Clock::time_point t0) {
  Attempt a;
  a.rtt = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
  if (!ec) {
    a.state = PortState::open;
    a.status = Status::success;
  } else if (timed_out) {
    a.status = Status::connection_timeout;
    a.retryable = true;
    a.rtt = {};
  } else if (ec == net::error::connection_refused || ec == net::error::connection_reset) {
    a.state = PortState::closed;
    a.status = Status::connection_refused;
  } else if (ec == net::error::host_unreachable || ec == net::error::network_unreachable) {
    a.status = Status::unreachable;
  } else if (is_local_exhaustion(ec)) {
    a.local_error = true;
    a.status = Status::internal_error;
  } else {
    a.status = Status::internal_error;
  }
  return a;
}

net::awaitable<Attempt> tcp_attempt(const Endpoint& ep, Clock::duration timeout) {
  ip::tcp::socket sock(co_await net::this_coro::executor);
  const auto peer = to_asio<ip::tcp>(ep);
  error_code ec;
  sock.open(peer.protocol(), ec);
  const auto t0 = Clock::now();
  if (ec) co_return classify(ec, false, t0);
  bool timed_out = false;
  {
    Deadline guard(sock, timeout);
    co_await sock.async_connect(peer, net::redirect_error(net::use_awaitable, ec));
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  auto result = classify(ec, timed_out, t0);
  if (!ec) {
    // Close with RST rather than FIN: no TIME_WAIT on our side and no half-open session left on
    // a fragile device's small connection table.
    error_code ignored;
    sock.set_option(ip::tcp::socket::linger(true, 0), ignored);
    sock.close(ignored);
  }
  co_return result;
}

// A UDP endpoint is `open` only when something answers. Protocol payloads that make services
// answer belong to the service probes; here an empty datagram still draws the ICMP
// port-unreachable that proves `closed` (delivered as ECONNREFUSED on a connected socket).
net::awaitable<Attempt> udp_attempt(const Endpoint& ep, Clock::duration timeout) {
  ip::udp::socket sock(co_await net::this_coro::executor);
  const auto peer = to_asio<ip::udp>(ep);
  error_code ec;
  const auto t0 = Clock::now();
  sock.open(peer.protocol(), ec);
  if (!ec) sock.connect(peer, ec);
  if (ec) co_return classify(ec, false, t0);
  bool timed_out = false;
  {
    Deadline guard(sock, timeout);
    co_await sock.async_send(net::buffer("", 0), net::redirect_error(net::use_awaitable, ec));
    if (!ec) {
      std::array<char, 1500> buf;  // the reply itself is not kept: only its arrival matters here
      co_await sock.async_receive(net::buffer(buf), net::redirect_error(net::use_awaitable, ec));
    }
    timed_out = ec == net::error::operation_aborted && guard.expired();
  }
  auto result = classify(ec, timed_out, t0);
  if (timed_out) result.state = PortState::open_filtered;
  co_return result;
}

// One device's adaptive timing, shared by the workers: each thread scans a share of every
// device's ports, and what one thread's answers teach (the round-trip time from the one open
// port of a firewalled device) must set the other's deadlines too.
class SharedTiming {
 public:
  explicit SharedTiming(TimingLimits limits) : timing_(limits) {}
  template <class F>
  auto with(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    return f(timing_);
  }

 private:
  std::mutex mutex_;
  DeviceTiming timing_;
};

// One worker drives a share of the plan on one io_context. Worker 0 runs on the caller's
// context (which may also serve the demo device and the signal handler); the others each own a
// context on a thread of their own.
struct Worker {
  struct Device {
    std::deque<std::size_t> pending;  // job indices not started
    std::size_t inflight = 0;
    bool queued = false;              // in `ready`
    SharedTiming* timing = nullptr;   // TCP deadlines, window and retries learnt from answers
  };

  const ScanPlan& plan;
  EngineOptions opt;  // this worker's share of the limits
  EngineStats stats;
  std::vector<Device> devices;
  std::deque<std::uint32_t> ready;    // devices with pending jobs and a free slot
  std::vector<std::pair<std::size_t, PortResult>> results;  // (job index, result)
  std::size_t inflight = 0;
  std::size_t remaining = 0;
  bool stopping = false;
  std::optional<net::steady_timer> wake;  // the dispatcher sleeps on it; cancel() wakes it
  Clock::time_point allowed_at{};         // token bucket (GCRA form)

  std::size_t workers = 1;  // the device's window is split evenly between them

  Worker(const ScanPlan& p, EngineOptions o, std::size_t index, std::size_t count,
         const std::vector<std::unique_ptr<SharedTiming>>& timings)
      : plan(p), opt(o), workers(count) {
    devices.resize(plan.targets.size());
    for (std::size_t d = 0; d < devices.size(); ++d) devices[d].timing = timings[d].get();
    for (const std::size_t i : deal_jobs(plan, index, count)) {
      devices[plan.jobs[i].device].pending.push_back(i);
      ++remaining;
    }
    results.reserve(remaining);
    for (std::uint32_t d = 0; d < devices.size(); ++d) make_ready(d);
  }

  void notify() {
    if (wake) wake->cancel();
  }

  void make_ready(std::uint32_t d) {
    auto& dev = devices[d];
    if (!dev.queued && !dev.pending.empty() && dev.inflight < window_share(dev)) {
      dev.queued = true;
      ready.push_back(d);
    }
  }

  std::size_t window_share(Device& dev) const {
    return std::max<std::size_t>(1, dev.timing->with([](const DeviceTiming& t) { return t.window(); }) / workers);
  }

  net::awaitable<void> sleep_until(Clock::time_point t) {
    net::steady_timer timer(co_await net::this_coro::executor, t);
    error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  // Token bucket as a virtual schedule: each start is 1/rate after the previous one, with a
  // burst of up to rate/10 starts (at least one) when the engine was idle.
  net::awaitable<void> take_token() {
    if (opt.rate <= 0) co_return;
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / opt.rate));
    const auto burst = std::max<Clock::rep>(1, static_cast<Clock::rep>(opt.rate / 10));
    const auto now = Clock::now();
    allowed_at = std::max(allowed_at + interval, now - interval * burst);
    if (allowed_at > now) co_await sleep_until(allowed_at);
  }

  void finish(std::size_t index, const PortResult& r) {
    results.emplace_back(index, r);
    if (opt.progress) opt.progress->ports_done.fetch_add(1, std::memory_order_relaxed);
    --remaining;
    --inflight;
    --devices[plan.jobs[index].device].inflight;
    make_ready(plan.jobs[index].device);
    notify();
  }

  net::awaitable<void> run_job(std::size_t index) {
    const ScanJob& job = plan.jobs[index];
    const bool tcp = job.endpoint.transport == Transport::tcp;
    SharedTiming& timing = *devices[job.device].timing;
    PortResult r;
    r.endpoint = job.endpoint;
    int local_failures = 0;
    for (int attempt = 0; !stopping;) {
      if (attempt > 0) co_await take_token();
      ++stats.attempts;
      r.attempts = attempt + 1;
      Attempt a;  // no co_await inside ?: (g++ 12 miscompiles it, see probe_runner.cpp)
      if (tcp) {
        const auto deadline = timing.with([&](const DeviceTiming& t) { return t.deadline(attempt > 0); });
        if (deadline < opt.timeout) ++stats.adaptive_deadlines;
        a = co_await tcp_attempt(job.endpoint, deadline);
      } else {
        // UDP silence is the normal answer of an open service, not a loss: UDP keeps the fixed
        // deadline and its retries, and teaches the TCP timing nothing.
        a = co_await udp_attempt(job.endpoint, opt.timeout);
      }
      r.state = a.state;
      r.status = a.status;
      r.rtt = a.rtt;
      if (a.local_error && ++local_failures <= 50) {
        // Out of descriptors or ephemeral ports: others will finish and free some. Not a
        // property of the device, so the attempt does not count.
        ++stats.local_retries;
        co_await sleep_until(Clock::now() + std::chrono::milliseconds(20));
        continue;
      }
      const bool retry_of = attempt > 0;
      if (tcp && a.retryable) timing.with([&](DeviceTiming& t) { t.on_timeout(retry_of); });
      else if (tcp && (a.state == PortState::open || a.state == PortState::closed))
        timing.with([&](DeviceTiming& t) { t.on_answer(a.rtt, retry_of); });
      if (!a.retryable) break;
      const int left = opt.retries - attempt;
      const bool again = tcp ? timing.with([&](DeviceTiming& t) { return t.should_retry(left, job.well_known); })
                             : attempt < opt.retries;
      if (!again) break;
      ++attempt;
    }
    finish(index, r);
  }

  net::awaitable<void> dispatch() {
    auto ex = co_await net::this_coro::executor;
    wake.emplace(ex);
    while (remaining > 0 && !stopping) {
      if (inflight >= opt.max_inflight || ready.empty()) {
        wake->expires_at(Clock::time_point::max());
        error_code ec;
        co_await wake->async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      co_await take_token();
      if (stopping) break;
      const std::uint32_t d = ready.front();
      ready.pop_front();
      auto& dev = devices[d];
      dev.queued = false;
      const std::size_t index = dev.pending.front();
      dev.pending.pop_front();
      ++dev.inflight;
      ++inflight;
      stats.max_inflight_seen = std::max(stats.max_inflight_seen, inflight);
      stats.max_per_device_seen = std::max(stats.max_per_device_seen, dev.inflight);
      make_ready(d);
      net::co_spawn(ex, run_job(index), [this, index](std::exception_ptr e) {
        // run_job does not throw; if it ever does, the job is recorded as an internal error
        // instead of vanishing (co_spawn with `detached` would swallow it).
        if (e) {
          PortResult r;
          r.endpoint = plan.jobs[index].endpoint;
          r.status = Status::internal_error;
          finish(index, r);
        }
      });
    }
    // Wait for the jobs in flight (each is bounded by its deadlines) unless stopping.
    while (inflight > 0 && !stopping) {
      wake->expires_at(Clock::time_point::max());
      error_code ec;
      co_await wake->async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    wake.reset();
  }
};

}  // namespace

// Why threads at all (DESIGN.md says one io_context on one thread): a connect scan is bound by
// the kernel's work per connection (socket, handshake, close), which runs on the calling CPU.
// Splitting the plan across one context per core is the only way to use the second core; each
// worker gets an equal share of every limit, so the totals stay what the user asked for.
struct PortScanner::State {
  struct Thread {
    std::unique_ptr<Worker> worker;
    std::unique_ptr<net::io_context> io;  // destroyed before the worker (declared after it)
    std::thread thread;
  };
  const ScanPlan& plan;
  EngineOptions opt;
  std::vector<std::unique_ptr<SharedTiming>> timings;  // one per device, before the workers
  std::vector<std::unique_ptr<Worker>> local;  // worker 0, on the caller's context
  std::vector<Thread> threads;                 // workers 1..n-1
  std::size_t threads_running = 0;
  EngineStats stats;

  State(const ScanPlan& p, EngineOptions o) : plan(p), opt(o) {}
  ~State() {
    for (auto& t : threads) {
      if (t.io) t.io->stop();
      if (t.thread.joinable()) t.thread.join();
    }
  }
  std::vector<const Worker*> workers() const {
    std::vector<const Worker*> all;
    for (const auto& w : local) all.push_back(w.get());
    for (const auto& t : threads) all.push_back(t.worker.get());
    return all;
  }
};

PortScanner::PortScanner(const ScanPlan& plan, EngineOptions options)
    : state_(std::make_unique<State>(plan, options)) {
  auto& s = *state_;
  auto& o = s.opt;
  o.max_inflight = std::max<std::size_t>(1, o.max_inflight);
  o.per_device = std::max<std::size_t>(1, std::min(o.per_device, o.max_inflight));
  o.retries = std::max(0, o.retries);
  o.min_timeout = std::min(o.min_timeout, o.timeout);
  std::size_t n = o.threads != 0 ? o.threads : std::min<std::size_t>(4, std::max(1u, std::thread::hardware_concurrency()));
  // Never split a limit below one per worker, and never start a thread without work.
  n = std::max<std::size_t>(1, std::min({n, o.per_device, o.max_inflight, std::max<std::size_t>(1, plan.jobs.size() / 256)}));
  o.threads = n;
  EngineOptions share = o;
  share.max_inflight = o.max_inflight / n;
  share.per_device = o.per_device / n;
  share.rate = o.rate / static_cast<double>(n);
  const TimingLimits limits{std::chrono::duration_cast<std::chrono::microseconds>(o.min_timeout),
                            std::chrono::duration_cast<std::chrono::microseconds>(o.timeout), o.per_device};
  for (std::size_t d = 0; d < plan.targets.size(); ++d) {
    s.timings.push_back(std::make_unique<SharedTiming>(limits));
    if (d < plan.rtt_hints.size()) s.timings.back()->with([&](DeviceTiming& t) { t.seed(plan.rtt_hints[d]); });
  }
  s.local.push_back(std::make_unique<Worker>(plan, share, 0, n, s.timings));
  for (std::size_t i = 1; i < n; ++i) {
    State::Thread t;
    t.worker = std::make_unique<Worker>(plan, share, i, n, s.timings);
    t.io = std::make_unique<net::io_context>(1);
    s.threads.push_back(std::move(t));
  }
}

PortScanner::~PortScanner() = default;

net::awaitable<void> PortScanner::run() {
  auto& s = *state_;
  auto ex = co_await net::this_coro::executor;
  Worker& main = *s.local.front();
  // Each thread's worker runs its dispatcher on its own context and, when done, tells worker 0
  // through its executor (the only cross-thread step).
  s.threads_running = s.threads.size();
  for (auto& t : s.threads) {
    Worker* w = t.worker.get();
    net::io_context* io = t.io.get();
    net::co_spawn(*io, w->dispatch(), [io, ex, &s, &main](std::exception_ptr) {
      io->stop();
      net::post(ex, [&s, &main] {
        --s.threads_running;
        main.notify();
      });
    });
    t.thread = std::thread([io] { io->run(); });
  }
  co_await main.dispatch();
  // Worker 0 is done (or stopping); wait for the others without blocking this context.
  while (s.threads_running > 0) {
    main.wake.emplace(ex);
    main.wake->expires_at(Clock::time_point::max());
    error_code ec;
    co_await main.wake->async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  main.wake.reset();
  for (auto& t : s.threads)
    if (t.thread.joinable()) t.thread.join();
  s.stats.endpoints = s.plan.jobs.size();
  for (const auto& t : s.timings) s.stats.retries_skipped += t->with([](const DeviceTiming& d) { return d.retries_skipped(); });
  for (const Worker* w : s.workers()) {
    s.stats.attempts += w->stats.attempts;
    s.stats.local_retries += w->stats.local_retries;
    s.stats.adaptive_deadlines += w->stats.adaptive_deadlines;
    s.stats.max_inflight_seen += w->stats.max_inflight_seen;
    s.stats.max_per_device_seen += w->stats.max_per_device_seen;
  }
}

void PortScanner::stop() {
  auto& s = *state_;
  for (auto& w : s.local) {
    w->stopping = true;
    w->notify();
  }
  for (auto& t : s.threads) {
    Worker* w = t.worker.get();
    net::post(*t.io, [w] {
      w->stopping = true;
      w->notify();
    });
  }
}

bool PortScanner::complete() const noexcept {
  for (const Worker* w : state_->workers())
    if (w->remaining != 0) return false;
  return true;
}

std::vector<PortResult> PortScanner::results() const {
  std::vector<PortResult> out;
  for (const Worker* w : state_->workers())
    for (const auto& [index, r] : w->results) out.push_back(r);
  std::sort(out.begin(), out.end(), [](const PortResult& a, const PortResult& b) { return a.endpoint < b.endpoint; });
  return out;
}

const EngineStats& PortScanner::stats() const noexcept { return state_->stats; }
const EngineOptions& PortScanner::options() const noexcept { return state_->opt; }

void add_syn_stats(EngineStats& total, const EngineStats& syn, std::size_t late_answers) {
  total.attempts += syn.attempts;
  total.local_retries += syn.local_retries;
  total.adaptive_deadlines += syn.adaptive_deadlines;
  total.retries_skipped += syn.retries_skipped;
  total.endpoints += syn.endpoints;
  total.syn_endpoints += syn.endpoints;
  total.late_answers += late_answers;
  total.max_inflight_seen += syn.max_inflight_seen;
  total.max_per_device_seen = std::max(total.max_per_device_seen, syn.max_per_device_seen);
}

std::size_t raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 256;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  const auto cur = static_cast<std::size_t>(std::min<rlim_t>(rl.rlim_cur, 1u << 20));
  return cur > 128 ? cur - 64 : cur / 2;
}

}  // namespace trustscan
