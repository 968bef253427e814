#include "regend/storage/store_monitor.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace regen::storage {

StoreMonitor::StoreMonitor(Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval) {}

StoreMonitor::~StoreMonitor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StoreMonitor::start() {
  check();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "regend-storemon");
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

void StoreMonitor::check() {
  Status ping = store_.ping();
  std::optional<int64_t> outbox;
  if (ping) {
    Status counted = store_.read([&outbox](ReadTx& tx) {
      outbox = tx.count_outbox(kOutboxCountLimit);
      return Status{};
    });
    if (!counted) outbox.reset();
  }
  std::lock_guard lock(mutex_);
  // Log transitions only: a down store is one warning, not one per interval.
  if (ping.ok() != health_.up || health_.checked_at == std::chrono::steady_clock::time_point{}) {
    if (ping) {
      spdlog::info("store {} is up", store_.backend());
    } else {
      spdlog::warn("store {} is down: {}", store_.backend(), ping.error().message);
    }
  }
  health_.up = ping.ok();
  health_.error = ping ? std::string() : ping.error().message;
  health_.checked_at = std::chrono::steady_clock::now();
  if (outbox) health_.outbox_pending = outbox;
}

StoreHealth StoreMonitor::health() const {
  std::lock_guard lock(mutex_);
  return health_;
}

}  // namespace regen::storage
