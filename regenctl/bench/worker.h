#pragma once
// One load-generating thread: a non-blocking epoll loop driving its share of the virtual users
// (users vu with vu % threads == index), each on its own keep-alive connection.
//
// Closed model: every 10 ms the loop compares the users wanted now (Scenario::target_vus) with
// those running; new ones start an iteration at once, surplus ones stop at their next
// iteration boundary (a thinking user stops at once). Open model: iterations are scheduled at
// fixed intervals and started on an idle connection, a new one (up to the connection budget),
// or queued until one frees up; latency then counts from the scheduled time.
//
// A request is timed from its first byte written (the connect is not counted) to its last
// byte read, except the first request of an open-model iteration, timed from its schedule.
// A connection closed by the server while idle is reopened quietly on the next request; a
// reused connection that fails before any byte of the response is retried once on a new one
// (the server closed it between requests). Any other failure (refused, reset, timeout,
// malformed response) is counted as a failed request with status 0, the iteration ends, and
// the user waits its think time (at least 10 ms) before the next.
//
// When the last stage ends no new request starts; requests in flight have the scenario's
// graceful_stop to finish, then are counted as interrupted. run() returns then.

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "regenctl/bench/response_parser.h"
#include "regenctl/bench/run_plan.h"
#include "regenctl/bench/worker_stats.h"

namespace regen::ctl::bench {

// What the progress display reads while the run goes on: refreshed by the worker about twice
// a second. Any thread.
struct LiveFigures {
  uint64_t requests = 0;
  uint64_t failed = 0;
  int active_vus = 0;
  metrics::LatencyHistogram durations;
};

class Worker {
 public:
  // `plan` must outlive the worker. `index` is in [0, plan.threads).
  Worker(const RunPlan& plan, int index);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs the scenario to its end on the calling thread. Fails (kUnavailable) only when epoll
  // itself cannot be set up.
  Result<void> run();

  // REQUIRES: run() has returned.
  const WorkerStats& stats() const { return stats_; }
  // A copy of the latest figures. Any thread.
  LiveFigures live() const;

 private:
  struct Vu;
  enum class Failure { kRetryable, kFinal };

  // Loop.
  void loop();
  int64_t next_wakeup(int64_t now) const;
  void wait_events(int64_t until);
  void on_tick(int64_t now);
  void flush_writes();
  void publish();

  // Users and iterations.
  void set_wanted(int wanted);
  void deactivate(Vu& vu);
  void start_iteration(Vu& vu, int64_t origin_ns);
  void send_step(Vu& vu);
  void end_iteration(Vu& vu, int64_t now, bool failed);
  void schedule(Vu& vu, int64_t when);
  void run_timers(int64_t now);
  void on_arrivals(int64_t now);
  void on_slot_free(Vu& vu);
  int64_t arrival_time(uint64_t k) const;

  // Connections.
  bool open_connection(Vu& vu);
  void close_connection(Vu& vu);
  void on_event(Vu& vu, uint32_t events);
  void write_request(Vu& vu);
  void read_response(Vu& vu);
  void on_response(Vu& vu);
  void fail_request(Vu& vu, const std::string& error, Failure kind);
  void sweep_timeouts(int64_t now);
  void interrupt_in_flight();

  const RunPlan& plan_;
  const Scenario& scenario_;
  const int index_;
  int epoll_fd_ = -1;
  bool have_pwait2_ = true;
  std::vector<std::unique_ptr<Vu>> vus_;  // local users, by ascending id
  int wanted_ = 0;
  int busy_ = 0;  // users with a request in flight
  WorkerStats stats_;

  // Timers: think times and back-off, at most one per user (stale entries are skipped by
  // generation).
  struct Timer {
    int64_t when;
    uint32_t vu;
    uint32_t generation;
    bool operator>(const Timer& other) const { return when > other.when; }
  };
  std::vector<Timer> timers_;  // a min-heap

  int64_t end_ns_ = 0;        // the last stage ends
  int64_t grace_end_ns_ = 0;  // in-flight requests are interrupted
  bool stopping_ = false;
  int64_t next_tick_ns_ = 0;
  int64_t next_sweep_ns_ = 0;
  int64_t next_publish_ns_ = 0;

  // Open model.
  double local_rate_ = 0;
  uint64_t arrivals_issued_ = 0;
  uint64_t first_pending_ = 0;
  uint64_t pending_ = 0;
  std::vector<uint32_t> idle_slots_;
  int slots_opened_ = 0;

  std::vector<uint32_t> writes_due_;  // users whose next request waits to be written
  std::mt19937_64 random_;
  std::string body_scratch_;

  mutable std::mutex live_mutex_;
  LiveFigures live_;
};

}  // namespace regen::ctl::bench
