#pragma once
// Reconnect backoff: after a failed connection attempt none is made for 100 ms, doubling with
// every consecutive failure up to 5 s; one success resets it. Callers in the backoff window
// fail fast instead of waiting. Not thread-safe: the pool calls it under its lock.

#include <algorithm>
#include <chrono>

namespace regen::storage {

class ReconnectBackoff {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirst{100};
  static constexpr std::chrono::milliseconds kMax{5000};

  // How long until the next attempt may be made; zero when it may be made now.
  std::chrono::milliseconds remaining(Clock::time_point now) const {
    if (now >= next_attempt_) return std::chrono::milliseconds(0);
    return std::chrono::ceil<std::chrono::milliseconds>(next_attempt_ - now);
  }

  void failed(Clock::time_point now) {
    delay_ = failures_ == 0 ? kFirst : std::min(delay_ * 2, kMax);
    ++failures_;
    next_attempt_ = now + delay_;
  }

  void succeeded() {
    failures_ = 0;
    delay_ = std::chrono::milliseconds(0);
    next_attempt_ = Clock::time_point();
  }

  int failures() const { return failures_; }

 private:
  int failures_ = 0;
  std::chrono::milliseconds delay_{0};
  Clock::time_point next_attempt_{};
};

}  // namespace regen::storage
