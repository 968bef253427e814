#include "regenctl/bench/runner.h"

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "regenctl/bench/progress.h"
#include "regenctl/bench/run_plan.h"
#include "regenctl/bench/worker.h"

namespace regen::ctl::bench {
namespace {

// Set by SIGINT/SIGTERM: the workers end the run as if its stages were over.
std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int /*signal*/) { g_stop_requested.store(true); }

// Ctrl-C ends the run early but still prints the summary; SA_RESETHAND lets a second Ctrl-C
// kill the process as usual.
class StopSignals {
 public:
  StopSignals() {
    g_stop_requested.store(false);
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &action, &previous_int_);
    ::sigaction(SIGTERM, &action, &previous_term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &previous_int_, nullptr);
    ::sigaction(SIGTERM, &previous_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
};

// Every user holds a socket: raise the soft descriptor limit as far as the hard one allows.
Result<void> ensure_descriptors(rlim_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  if (limit.rlim_cur >= needed) return {};
  limit.rlim_cur = std::min(limit.rlim_max, needed);
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= needed) return {};
  return Error(ErrorCode::kInvalidArgument,
               "this run needs " + std::to_string(needed) + " open files for its connections, " +
                   "but the limit is " + std::to_string(limit.rlim_max) +
                   " (raise it with ulimit -n, or lower --vus / --connections)");
}

double seconds_between(const timeval& from, const timeval& to) {
  return static_cast<double>(to.tv_sec - from.tv_sec) +
         static_cast<double>(to.tv_usec - from.tv_usec) / 1e6;
}

ProgressFigures gather(const std::vector<std::unique_ptr<Worker>>& workers,
                       const Scenario& scenario, int64_t start_ns) {
  ProgressFigures figures;
  metrics::LatencyHistogram durations;
  for (const auto& worker : workers) {
    const LiveFigures live = worker->live();
    figures.requests += live.requests;
    figures.failed += live.failed;
    figures.active_vus += live.active_vus;
    durations.merge(live.durations);
  }
  if (durations.count() > 0) {
    figures.p99_ms = static_cast<double>(durations.value_at_percentile(99)) / 1e6;
  }
  figures.total = scenario.total_duration();
  figures.elapsed = std::clamp(Nanos(monotonic_ns() - start_ns), Nanos(0), figures.total);
  figures.max_vus = scenario.max_vus();
  return figures;
}

}  // namespace

Result<Results> run_scenario(const Scenario& scenario, const Target& endpoint,
                             const RunOptions& options, std::ostream& progress) {
  Result<RunPlan> made = make_run_plan(scenario, endpoint);
  if (!made) {
    return Error(ErrorCode::kUnavailable,
                 "target " + endpoint.url + " is not answering: " + made.error().message);
  }
  RunPlan& plan = made.value();
  if (Result<void> enough = ensure_descriptors(static_cast<rlim_t>(scenario.max_vus()) + 64 +
                                               static_cast<rlim_t>(options.threads) * 4);
      !enough) {
    return enough.error();
  }

  rusage usage_before{};
  ::getrusage(RUSAGE_SELF, &usage_before);
  StopSignals signals;
  std::atomic<uint64_t> sequence{0};
  plan.sequence = &sequence;
  plan.stop = &g_stop_requested;
  plan.threads = options.threads;
  plan.start_ns = monotonic_ns() + 10'000'000;  // lets every thread start before the first stage
  const std::string started_at = utc_now_rfc3339();

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < options.threads; ++i) workers.push_back(std::make_unique<Worker>(plan, i));
  std::mutex mutex;
  std::condition_variable done;
  int finished = 0;
  int64_t last_finish_ns = plan.start_ns;
  std::string failure;
  std::vector<std::thread> threads;
  for (auto& worker : workers) {
    threads.emplace_back([&, raw = worker.get()] {
      Result<void> ran = raw->run();
      std::lock_guard lock(mutex);
      if (!ran && failure.empty()) failure = ran.error().message;
      last_finish_ns = std::max(last_finish_ns, monotonic_ns());
      ++finished;
      done.notify_all();
    });
  }

  const bool terminal = options.progress == RunOptions::Progress::kTerminal;
  const Nanos interval = terminal ? Nanos(std::chrono::milliseconds(500))
                                  : plain_progress_interval(scenario.total_duration());
  uint64_t last_requests = 0;
  int64_t last_ns = plan.start_ns;
  {
    std::unique_lock lock(mutex);
    while (!done.wait_for(lock, interval, [&] { return finished == options.threads; })) {
      if (options.progress == RunOptions::Progress::kNone) continue;
      lock.unlock();
      ProgressFigures figures = gather(workers, scenario, plan.start_ns);
      const int64_t now = monotonic_ns();
      if (now > last_ns) {
        figures.requests_per_s = static_cast<double>(figures.requests - last_requests) * 1e9 /
                                 static_cast<double>(now - last_ns);
      }
      last_requests = figures.requests;
      last_ns = now;
      const std::string line = render_progress(scenario.name, figures);
      if (terminal) {
        progress << "\r\x1b[2K" << line << std::flush;
      } else {
        progress << "regenctl: bench: " << line << std::endl;
      }
      lock.lock();
    }
  }
  for (std::thread& thread : threads) thread.join();
  if (terminal) progress << "\r\x1b[2K" << std::flush;
  if (!failure.empty()) return Error(ErrorCode::kInternal, failure);

  WorkerStats total(plan.requests.size(), plan.check_count);
  for (const auto& worker : workers) total.merge(worker->stats());
  rusage usage_after{};
  ::getrusage(RUSAGE_SELF, &usage_after);
  RunFacts facts;
  facts.cpu_user_s = seconds_between(usage_before.ru_utime, usage_after.ru_utime);
  facts.cpu_system_s = seconds_between(usage_before.ru_stime, usage_after.ru_stime);
  facts.target = endpoint.url;
  facts.started_at = started_at;
  facts.duration_s =
      static_cast<double>(std::max<int64_t>(0, last_finish_ns - plan.start_ns)) / 1e9;
  facts.threads = options.threads;
  facts.duration_scale = options.duration_scale;
  facts.stopped_early = g_stop_requested.load();
  return build_results(scenario, total, facts);
}

}  // namespace regen::ctl::bench
