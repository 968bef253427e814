#include "regend/storage/postgres/pg_pool.h"

#include <spdlog/spdlog.h>

#include "regend/storage/postgres/pg_url.h"
#include "regend/storage/store.h"

namespace regen::storage {

PgPool::PgPool(const PgSettings& settings)
    : settings_(settings), capacity_(settings.pool_size > 0 ? settings.pool_size : 1) {}

PgPool::~PgPool() = default;

PgPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->release(std::move(connection_));
}

PgPool::Lease PgPool::acquire() {
  std::unique_ptr<PgConnection> idle;
  {
    std::unique_lock lock(mutex_);
    const bool ready = available_.wait_for(lock, settings_.connect_timeout,
                                           [this] { return !idle_.empty() || open_ < capacity_; });
    if (!ready) {
      throw StoreError(ErrorCode::kUnavailable,
                       "all " + std::to_string(capacity_) +
                           " postgres connections stayed busy for " +
                           std::to_string(settings_.connect_timeout.count()) + " ms");
    }
    if (!idle_.empty()) {
      idle = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  // This caller now owns one slot of open_: it keeps it for a replacement connection or gives
  // it back when connecting fails.
  if (idle != nullptr && idle->alive()) return Lease(this, std::move(idle), true);
  idle.reset();
  try {
    return Lease(this, open_connection(), false);
  } catch (...) {
    forget_slot();
    throw;
  }
}

std::unique_ptr<PgConnection> PgPool::open_connection() {
  {
    std::lock_guard lock(mutex_);
    const auto remaining = backoff_.remaining(ReconnectBackoff::Clock::now());
    if (remaining.count() > 0) {
      throw StoreError(ErrorCode::kUnavailable,
                       "postgres unreachable, next connection attempt in " +
                           std::to_string(remaining.count()) + " ms; last error: " + last_error_);
    }
  }
  try {
    std::unique_ptr<PgConnection> connection = PgConnection::open(settings_);
    std::lock_guard lock(mutex_);
    if (backoff_.failures() > 0) {
      spdlog::info("postgres reachable again at {}", mask_password(settings_.url));
    }
    backoff_.succeeded();
    return connection;
  } catch (const StoreError& e) {
    std::lock_guard lock(mutex_);
    if (backoff_.failures() == 0) spdlog::warn("{}; reconnecting with backoff", e.what());
    backoff_.failed(ReconnectBackoff::Clock::now());
    last_error_ = e.what();
    throw;
  }
}

void PgPool::release(std::unique_ptr<PgConnection> connection) {
  if (!connection->clean()) {
    connection.reset();
    forget_slot();
    return;
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  available_.notify_one();
}

void PgPool::forget_slot() {
  std::lock_guard lock(mutex_);
  --open_;
  available_.notify_one();
}

}  // namespace regen::storage
