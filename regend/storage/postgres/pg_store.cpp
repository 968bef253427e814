#include "regend/storage/postgres/pg_store.h"

#include "regend/storage/postgres/pg_migrations.h"
#include "regend/storage/postgres/pg_pool.h"
#include "regend/storage/postgres/pg_reads.h"
#include "regend/storage/postgres/pg_url.h"
#include "regend/storage/postgres/pg_write_tx.h"

namespace regen::storage {
namespace {

// A connection the server closed while it sat in the pool fails its first statement. That is
// no reason to fail the caller: one fresh connection gets a second chance.
PgPool::Lease acquire_and_run(PgPool& pool, const char* sql) {
  for (int attempt = 0;; ++attempt) {
    PgPool::Lease lease = pool.acquire();
    try {
      lease.connection().exec(sql);
      return lease;
    } catch (const StoreError& e) {
      if (attempt > 0 || !lease.reused() || e.code() != ErrorCode::kUnavailable) throw;
    }
  }
}

template <typename Tx, typename Interface>
Status run_body(PgConnection& db, const std::function<Status(Interface&)>& body) {
  Tx tx(db);
  try {
    return body(tx);
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("transaction threw: ") + e.what()};
  } catch (...) {
    return Error{ErrorCode::kInternal, "transaction threw a non-standard exception"};
  }
}

void rollback(PgConnection& db) {
  db.discard_rows();
  try {
    db.exec("ROLLBACK");
  } catch (const StoreError&) {
    // Lost connection: the server rolled back, and the pool drops the connection.
  }
}

// Runs `body` on a Tx over `db`, then commits or rolls back. REQUIRES: BEGIN ran on `db`.
template <typename Tx, typename Interface>
Status run_transaction(PgConnection& db, const std::function<Status(Interface&)>& body) {
  Status status = run_body<Tx>(db, body);
  if (!status) {
    rollback(db);
    return status;
  }
  PgResult result = [&] {
    try {
      return db.exec("COMMIT");
    } catch (const StoreError& e) {
      throw StoreError(e.code(), std::string("COMMIT failed: ") + e.what());
    }
  }();
  // PostgreSQL answers COMMIT of a transaction that hit an error with ROLLBACK, not an error:
  // the body caught a StoreError and still returned ok.
  if (result.command() != "COMMIT") {
    return Error{ErrorCode::kInternal,
                 "transaction was rolled back at COMMIT: a statement failed inside the "
                 "transaction and its error was not returned"};
  }
  return {};
}

}  // namespace

PgStore::PgStore(PgSettings settings)
    : settings_(std::move(settings)),
      location_(mask_password(settings_.url)),
      pool_(std::make_unique<PgPool>(settings_)) {}

PgStore::~PgStore() = default;

Status PgStore::migrate() {
  std::vector<PgMigration> migrations;
  if (settings_.migrations_dir.empty()) {
    migrations = embedded_pg_migrations();
  } else {
    auto read = read_migrations(settings_.migrations_dir);
    if (!read) return read.error();
    migrations = std::move(read.value());
  }
  PgSettings dedicated = settings_;
  dedicated.statement_timeout = std::chrono::milliseconds(0);
  std::unique_ptr<PgConnection> connection;
  try {
    connection = PgConnection::open(dedicated);
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  }
  return apply_migrations(*connection, migrations);
}

Status PgStore::write(const std::function<Status(WriteTx&)>& body) {
  try {
    PgPool::Lease lease = acquire_and_run(*pool_, "BEGIN");
    return run_transaction<PgWriteTx>(lease.connection(), body);
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  }
}

Status PgStore::read(const std::function<Status(ReadTx&)>& body) {
  try {
    PgPool::Lease lease =
        acquire_and_run(*pool_, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    return run_transaction<PgReadTx>(lease.connection(), body);
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  }
}

Status PgStore::ping() {
  try {
    PgPool::Lease lease = acquire_and_run(*pool_, "SELECT 1");
    return {};
  } catch (const StoreError& e) {
    return Error{ErrorCode::kUnavailable, std::string("postgres ping failed: ") + e.what()};
  }
}

}  // namespace regen::storage
