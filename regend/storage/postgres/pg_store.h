#pragma once
// The production backend: PostgreSQL through libpq, shared by several regend instances.
// Reads and writes run on pooled connections (one per concurrent caller); dedup and grouping stay
// atomic across instances (see pg_write_tx.h). A lost server is noticed per connection and
// reconnected with backoff; meanwhile every method answers kUnavailable, never blocks long.
//
// Threads: every method may be called from any storage thread, concurrently.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "regend/storage/postgres/pg_settings.h"
#include "regend/storage/store.h"

namespace regen::storage {

class PgPool;

class PgStore final : public Store {
 public:
  // Never connects: connections open on first use, so regend can start while its database is
  // down (migrate() then answers kUnavailable).
  explicit PgStore(PgSettings settings);
  ~PgStore() override;

  std::string_view backend() const override { return "postgres"; }
  std::string location() const override { return location_; }  // password masked

  // Runs on its own connection without statement_timeout: a migration may take long, and
  // another instance may hold the migration lock for as long as its own run.
  Status migrate() override;
  Status write(const std::function<Status(WriteTx&)>& body) override;
  // A READ ONLY, REPEATABLE READ transaction on a pooled connection: one snapshot for the
  // whole body.
  Status read(const std::function<Status(ReadTx&)>& body) override;
  Status ping() override;

 private:
  const PgSettings settings_;
  const std::string location_;
  std::unique_ptr<PgPool> pool_;
};

}  // namespace regen::storage
