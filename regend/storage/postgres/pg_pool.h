#pragma once
// A small blocking pool of PostgreSQL connections, opened lazily, one per caller at a time.
// A connection found broken (closed by the server, a connection error during a statement, a
// transaction left open) is dropped when returned and re-opened on a later acquire, with the
// shared ReconnectBackoff: while it runs, acquire fails fast with kUnavailable.
//
// Threads: acquire() from any thread; a Lease is used by the thread holding it.
// The pool must outlive its leases.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "regend/storage/postgres/pg_backoff.h"
#include "regend/storage/postgres/pg_connection.h"
#include "regend/storage/postgres/pg_settings.h"

namespace regen::storage {

class PgPool {
 public:
  explicit PgPool(const PgSettings& settings);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Exclusive use of one connection; gives it back (or drops it when broken) on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& connection() const { return *connection_; }
    // True when the connection served an earlier lease: a connection error on its first
    // statement may only mean the server dropped it while idle.
    bool reused() const { return reused_; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PgConnection> connection, bool reused)
        : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
    PgPool* pool_;
    std::unique_ptr<PgConnection> connection_;
    bool reused_;
  };

  // Waits up to connect_timeout for a free connection, opening one when the pool is not full.
  // Throws StoreError(kUnavailable) when none frees up in time, when connecting fails, or when
  // the reconnect backoff has not yet elapsed.
  Lease acquire();

 private:
  std::unique_ptr<PgConnection> open_connection();
  void release(std::unique_ptr<PgConnection> connection);
  void forget_slot();

  const PgSettings settings_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // most recently used last
  std::size_t open_ = 0;                             // idle + leased + being opened
  ReconnectBackoff backoff_;
  std::string last_error_;
};

}  // namespace regen::storage
