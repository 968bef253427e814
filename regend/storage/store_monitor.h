#pragma once
// Pings the store on its own thread at a fixed interval and keeps the last answer, so status
// (and readiness) read the store's state without ever waiting on the database themselves: a
// hung PostgreSQL must not stall the control thread's signals, drain or watchdog.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "regend/storage/store.h"

namespace regen::storage {

struct StoreHealth {
  bool up = false;
  std::string error;  // the last failure, when !up
  std::chrono::steady_clock::time_point checked_at{};
  // Counted with each successful ping (metrics), up to StoreMonitor::kOutboxCountLimit.
  std::optional<int64_t> outbox_pending;
};

class StoreMonitor {
 public:
  // The outbox is counted up to here: enough to see a backlog, and a bounded read each ping
  // (a full count grew with the table: 7-12 ms a second at 140,000 rows on PostgreSQL).
  static constexpr int64_t kOutboxCountLimit = 10000;

  // `store` must outlive the monitor. The first ping runs before start() returns.
  StoreMonitor(Store& store, std::chrono::milliseconds interval);
  ~StoreMonitor();  // stops the thread

  void start();
  StoreHealth health() const;  // any thread

 private:
  void check();

  Store& store_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  StoreHealth health_;
  std::thread thread_;
};

}  // namespace regen::storage
