#include "regenctl/bench/worker.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>

#include "regenctl/bench/worker_vu.h"

namespace regen::ctl::bench {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kTickNs = 10 * kMs;
constexpr int64_t kSweepNs = 100 * kMs;
constexpr int64_t kPublishNs = 500 * kMs;
constexpr int kMaxEvents = 256;
// A user whose request failed waits at least this long, so a dead target is not hammered in
// a tight loop.
constexpr int64_t kFailureBackoffNs = 10 * kMs;

}  // namespace

Worker::Worker(const RunPlan& plan, int index)
    : plan_(plan),
      scenario_(*plan.scenario),
      index_(index),
      stats_(plan.requests.size(), plan.check_count),
      random_(static_cast<uint64_t>(monotonic_ns()) ^ (static_cast<uint64_t>(index) << 48)) {
  const int users = scenario_.max_vus();
  for (int64_t id = index + 1; id <= users; id += plan.threads) {
    auto vu = std::make_unique<Vu>();
    vu->local = static_cast<uint32_t>(vus_.size());
    vu->id = id;
    vu->extracted.resize(scenario_.extracted.size());
    vus_.push_back(std::move(vu));
  }
  if (scenario_.open_model()) local_rate_ = scenario_.rate / plan.threads;
}

Worker::~Worker() {
  for (auto& vu : vus_) close_connection(*vu);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Result<void> Worker::run() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return Error(ErrorCode::kUnavailable, "epoll: " + error_text(errno));
  end_ns_ = plan_.start_ns + scenario_.total_duration().count();
  grace_end_ns_ = end_ns_ + scenario_.graceful_stop.count();
  next_tick_ns_ = plan_.start_ns;
  next_sweep_ns_ = plan_.start_ns + kSweepNs;
  next_publish_ns_ = plan_.start_ns + kPublishNs;
  loop();
  publish();
  return {};
}

LiveFigures Worker::live() const {
  std::lock_guard lock(live_mutex_);
  return live_;
}

void Worker::loop() {
  while (true) {
    const int64_t now = monotonic_ns();
    if (!stopping_ && (now >= end_ns_ || plan_.stop->load(std::memory_order_relaxed))) {
      // Ctrl-C ends the run now, with the usual grace for requests in flight.
      if (now < end_ns_) grace_end_ns_ = now + scenario_.graceful_stop.count();
      end_ns_ = std::min(end_ns_, now);
      stopping_ = true;
      stats_.dropped_iterations += pending_;
      pending_ = 0;
      for (auto& vu : vus_) {
        if (!vu->in_flight) deactivate(*vu);
      }
    }
    if (stopping_) {
      if (busy_ == 0) break;
      if (now >= grace_end_ns_) {
        interrupt_in_flight();
        break;
      }
    } else if (now >= plan_.start_ns) {
      if (now >= next_tick_ns_) on_tick(now);
      run_timers(now);
      if (scenario_.open_model()) on_arrivals(now);
    }
    if (now >= next_sweep_ns_) {
      sweep_timeouts(now);
      next_sweep_ns_ = now + kSweepNs;
    }
    if (now >= next_publish_ns_) {
      publish();
      next_publish_ns_ = now + kPublishNs;
    }
    wait_events(writes_due_.empty() ? next_wakeup(now) : 0);  // 0: a poll that does not wait
  }
}

// Requests on open connections are written together, after the next poll, as wrk does (it
// waits for epoll to report the socket writable): writing each one as soon as its
// predecessor's response is read trickles requests to the server while this thread is still
// busy with the others, which changes how the server batches them and so the latency
// distribution measured. The poll is non-blocking while writes wait (loop()).
void Worker::flush_writes() {
  for (std::size_t i = 0; i < writes_due_.size(); ++i) {
    Vu& vu = *vus_[writes_due_[i]];
    if (!vu.write_queued) continue;
    if (vu.in_flight && vu.fd >= 0 && !vu.connecting) write_request(vu);
  }
  writes_due_.clear();
}

int64_t Worker::next_wakeup(int64_t now) const {
  int64_t until = std::min(next_sweep_ns_, next_publish_ns_);
  if (stopping_) return std::min(until, grace_end_ns_);
  until = std::min(until, end_ns_);
  if (now < plan_.start_ns) return std::min(until, plan_.start_ns);
  if (!scenario_.open_model()) until = std::min(until, next_tick_ns_);
  if (!timers_.empty()) until = std::min(until, timers_.front().when);
  if (scenario_.open_model()) until = std::min(until, arrival_time(arrivals_issued_));
  return until;
}

void Worker::wait_events(int64_t until) {
  epoll_event events[kMaxEvents];
  // Measured again: handling the last round of events took time, and oversleeping would make
  // open-model arrivals late.
  const int64_t wait_ns = std::max<int64_t>(0, until - monotonic_ns());
  int count = -1;
  if (have_pwait2_) {
    // Nanosecond timeouts: the open model schedules arrivals finer than a millisecond.
    const timespec timeout{static_cast<time_t>(wait_ns / 1'000'000'000),
                           static_cast<long>(wait_ns % 1'000'000'000)};
    count = ::epoll_pwait2(epoll_fd_, events, kMaxEvents, &timeout, nullptr);
    if (count < 0 && errno == ENOSYS) have_pwait2_ = false;
  }
  if (!have_pwait2_) {
    count =
        ::epoll_wait(epoll_fd_, events, kMaxEvents, static_cast<int>((wait_ns + kMs - 1) / kMs));
  }
  flush_writes();
  for (int i = 0; i < count; ++i) {
    const uint64_t data = events[i].data.u64;
    const auto local = static_cast<uint32_t>(data & 0xffffffffu);
    const auto generation = static_cast<uint32_t>(data >> 32);
    if (local >= vus_.size()) continue;
    Vu& vu = *vus_[local];
    // Events for a connection closed earlier in this batch are stale.
    if (vu.fd < 0 || vu.connection_generation != generation) continue;
    on_event(vu, events[i].events);
  }
}

void Worker::on_tick(int64_t now) {
  next_tick_ns_ = now + kTickNs;
  if (scenario_.open_model()) return;
  const int target = scenario_.target_vus(Nanos(now - plan_.start_ns));
  // Users index+1, index+1+threads, ... are ours: how many of them are <= target.
  const int local = target > index_ ? (target - index_ - 1) / plan_.threads + 1 : 0;
  set_wanted(std::min(local, static_cast<int>(vus_.size())));
}

void Worker::set_wanted(int wanted) {
  for (int i = wanted_; i < wanted; ++i) {
    Vu& vu = *vus_[static_cast<std::size_t>(i)];
    if (vu.state == Vu::State::kInactive) start_iteration(vu, -1);
  }
  for (int i = wanted; i < wanted_; ++i) {
    // Thinking users stop now; busy ones at the end of their iteration (end_iteration).
    Vu& vu = *vus_[static_cast<std::size_t>(i)];
    if (vu.state == Vu::State::kWaiting) deactivate(vu);
  }
  wanted_ = wanted;
}

void Worker::deactivate(Vu& vu) {
  vu.state = Vu::State::kInactive;
  ++vu.timer_generation;
  close_connection(vu);
}

void Worker::start_iteration(Vu& vu, int64_t origin_ns) {
  vu.state = Vu::State::kBusy;
  ++vu.iter;
  vu.seq = static_cast<int64_t>(plan_.sequence->fetch_add(1, std::memory_order_relaxed));
  vu.step = 0;
  vu.origin_ns = origin_ns;
  std::fill(vu.extracted.begin(), vu.extracted.end(), std::nullopt);
  send_step(vu);
}

void Worker::send_step(Vu& vu) {
  bool sent_any = vu.step > 0;
  while (vu.step < plan_.requests.size()) {
    const PreparedRequest& request = plan_.requests[vu.step];
    if (!request.static_bytes.empty()) {
      vu.out_data = request.static_bytes.data();
      vu.out_size = request.static_bytes.size();
    } else {
      vu.out.clear();
      const RenderContext context{vu.id, vu.iter, vu.seq, {}, scenario_.vars, vu.extracted};
      std::string problem;
      if (!render_request(plan_, *request.spec, context, vu.out, body_scratch_, &problem)) {
        RequestStats& stats = stats_.requests[vu.step];
        ++stats.skipped;
        if (stats.skip_reason.empty()) stats.skip_reason = problem;
        ++vu.step;
        continue;
      }
      vu.out_data = vu.out.data();
      vu.out_size = vu.out.size();
    }
    vu.out_sent = 0;
    vu.retried = false;
    vu.parser.reset(request.keep_body, request.head);
    vu.in_flight = true;
    ++busy_;
    vu.deadline_ns = monotonic_ns() + scenario_.timeout.count();
    if (vu.fd < 0) {
      open_connection(vu);
    } else {
      vu.write_queued = true;
      writes_due_.push_back(vu.local);
    }
    return;
  }
  // Nothing could be sent: treat it as a failure so that the next attempt is not immediate.
  end_iteration(vu, monotonic_ns(), !sent_any);
}

void Worker::end_iteration(Vu& vu, int64_t now, bool failed) {
  ++stats_.iterations;
  if (stopping_) {
    deactivate(vu);
    return;
  }
  if (scenario_.open_model()) {
    if (failed) {
      schedule(vu, now + kFailureBackoffNs);
    } else {
      on_slot_free(vu);
    }
    return;
  }
  if (vu.local >= static_cast<uint32_t>(wanted_)) {
    deactivate(vu);
    return;
  }
  int64_t think = scenario_.think_min.count();
  const int64_t spread = scenario_.think_max.count() - think;
  if (spread > 0) think += static_cast<int64_t>(random_() % static_cast<uint64_t>(spread + 1));
  if (failed) think = std::max(think, kFailureBackoffNs);
  if (think == 0) {
    start_iteration(vu, -1);
  } else {
    schedule(vu, now + think);
  }
}

void Worker::schedule(Vu& vu, int64_t when) {
  vu.state = Vu::State::kWaiting;
  ++vu.timer_generation;
  timers_.push_back({when, vu.local, vu.timer_generation});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
}

void Worker::run_timers(int64_t now) {
  while (!timers_.empty() && timers_.front().when <= now) {
    const Timer timer = timers_.front();
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
    timers_.pop_back();
    Vu& vu = *vus_[timer.vu];
    if (vu.timer_generation != timer.generation || vu.state != Vu::State::kWaiting) continue;
    if (scenario_.open_model()) {
      on_slot_free(vu);
    } else if (vu.local >= static_cast<uint32_t>(wanted_)) {
      deactivate(vu);
    } else {
      start_iteration(vu, -1);
    }
  }
}

int64_t Worker::arrival_time(uint64_t k) const {
  const double offset_s =
      (static_cast<double>(k) * plan_.threads + index_) / (local_rate_ * plan_.threads);
  return plan_.start_ns + static_cast<int64_t>(offset_s * 1e9);
}

void Worker::on_arrivals(int64_t now) {
  while (true) {
    const int64_t scheduled = arrival_time(arrivals_issued_);
    if (scheduled > now || scheduled >= end_ns_) return;
    ++arrivals_issued_;
    if (!idle_slots_.empty()) {
      Vu& vu = *vus_[idle_slots_.back()];
      idle_slots_.pop_back();
      start_iteration(vu, scheduled);
    } else if (slots_opened_ < static_cast<int>(vus_.size())) {
      start_iteration(*vus_[static_cast<std::size_t>(slots_opened_++)], scheduled);
    } else {
      // Every connection is busy: the iteration waits, and its latency will show it.
      if (pending_ == 0) first_pending_ = arrivals_issued_ - 1;
      ++pending_;
      ++stats_.late_iterations;
    }
  }
}

void Worker::on_slot_free(Vu& vu) {
  if (pending_ > 0) {
    const uint64_t k = first_pending_++;
    --pending_;
    start_iteration(vu, arrival_time(k));
    return;
  }
  vu.state = Vu::State::kIdleSlot;
  idle_slots_.push_back(vu.local);
}

void Worker::interrupt_in_flight() {
  for (auto& vu : vus_) {
    if (!vu->in_flight) continue;
    ++stats_.requests[vu->step].interrupted;
    vu->in_flight = false;
    --busy_;
    deactivate(*vu);
  }
}

void Worker::publish() {
  uint64_t requests = 0;
  uint64_t failed = 0;
  for (const RequestStats& stats : stats_.requests) {
    requests += stats.requests;
    failed += stats.failed;
  }
  int active = 0;
  for (const auto& vu : vus_) {
    if (vu->state == Vu::State::kBusy || vu->state == Vu::State::kWaiting) ++active;
  }
  std::lock_guard lock(live_mutex_);
  live_.requests = requests;
  live_.failed = failed;
  live_.active_vus = active;
  live_.durations = stats_.all;
}

}  // namespace regen::ctl::bench