#include "regend/storage/sqlite/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

#include "regend/storage/migrations.h"
#include "regend/storage/sqlite/sqlite_checkpointer.h"
#include "regend/storage/sqlite/sqlite_reads.h"
#include "regend/storage/sqlite/sqlite_tx.h"
#include "regend/storage/sqlite/sqlite_wal_vfs.h"

namespace regen::storage {
namespace {

constexpr std::chrono::milliseconds kBusyTimeout{5000};

// Disk full, I/O errors and a database locked for too long are conditions to retry, not bugs.
ErrorCode classify(const SQLite::Exception& e) {
  switch (e.getErrorCode() & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return ErrorCode::kUnavailable;
    default:
      return ErrorCode::kInternal;
  }
}

// Switching a new file to WAL needs a moment of exclusive access, and SQLite answers
// SQLITE_BUSY there without consulting the busy handler while another connection is
// doing the same (several regend or test stores opening one fresh file). Those pragmas
// are idempotent, so they are retried with a short backoff up to the busy timeout.
void configure(SQLite::Database& db, std::chrono::milliseconds budget) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      // WAL lets readers proceed during a write; synchronous=FULL makes every commit durable
      // before the writer answers any webhook.
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
      db.exec("PRAGMA foreign_keys = ON");
      return;
    } catch (const SQLite::Exception& e) {
      int code = e.getErrorCode() & 0xFF;
      bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
      if (!busy || std::chrono::steady_clock::now() + pause > deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// SQLite gives every pager, including the short-lived one of each ephemeral table, an initial
// bulk page-cache allocation (20 pages, ~90 KB). A CHECK (x IN ('a','b','c')) builds an
// ephemeral table on every INSERT and UPDATE of its row, so each alert written allocated and
// freed that bulk, and glibc returned it to the kernel (madvise) and faulted it back in each
// time: ~1 madvise and ~10 page faults per alert. Pages are allocated one by one without it.
// Memory statistics are off: SQLite otherwise takes a process-wide mutex around every one of
// its allocations to count them (dozens per alert written), and regend never reads the counts.
// Process-wide, and only possible before SQLite initializes; a later call changes nothing.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

// NOMUTEX: a connection never serves two threads at once here (the writer is used under
// write_mutex_, a reader by the holder of its lease), so SQLite's own lock around every call on
// it (bind, step, reset: dozens per alert) would only be taken and released for nothing.
// `vfs`: empty for SQLite's default.
std::unique_ptr<SQLite::Database> open(const std::string& path, const std::string& vfs = {}) {
  configure_library();
  auto db = std::make_unique<SQLite::Database>(
      path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, 0, vfs);
  db->setBusyTimeout(static_cast<int>(kBusyTimeout.count()));
  configure(*db, kBusyTimeout);
  return db;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Resets a transaction's statements when it leaves scope, whichever way: declared after the
// SQLite::Transaction, it runs before that one's ROLLBACK.
template <typename Tx>
class ResetStatements {
 public:
  explicit ResetStatements(Tx& tx) : tx_(tx) {}
  ~ResetStatements() { tx_.reset_statements(); }
  ResetStatements(const ResetStatements&) = delete;
  ResetStatements& operator=(const ResetStatements&) = delete;

 private:
  Tx& tx_;
};

// Runs `body` in a transaction on `db`, whose statements `tx` holds: commits when it returns
// ok, rolls back otherwise; every failure becomes a Status.
template <typename Tx, typename Interface>
Status run_transaction(SQLite::Database& db, SQLite::TransactionBehavior behavior, Tx& tx,
                       const std::function<Status(Interface&)>& body) {
  try {
    SQLite::Transaction transaction(db, behavior);
    ResetStatements reset(tx);
    Status status = body(tx);
    if (!status) return status;
    // A SELECT still stepping would keep the connection's read transaction open past COMMIT.
    tx.reset_statements();
    transaction.commit();
    return {};
  } catch (const SQLite::Exception& e) {
    return Error{classify(e), std::string("sqlite: ") + e.what()};
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("sqlite transaction threw: ") + e.what()};
  } catch (...) {
    return Error{ErrorCode::kInternal, "sqlite transaction threw a non-standard exception"};
  }
}

}  // namespace

// A read-only connection and its cached read statements.
class SqliteStore::Reader {
 public:
  explicit Reader(const std::string& path) : db_(open(path)), tx_(*db_) {
    // A read transaction must never write, whatever a statement asks.
    db_->exec("PRAGMA query_only = ON");
  }
  SQLite::Database& db() { return *db_; }
  SqliteReads<ReadTx>& tx() { return tx_; }

 private:
  std::unique_ptr<SQLite::Database> db_;
  SqliteReads<ReadTx> tx_;
};

// Exclusive use of one free reader for as long as it lives.
class SqliteStore::ReaderLease {
 public:
  // Throws StoreError(kUnavailable) when no reader frees up within the busy timeout.
  explicit ReaderLease(SqliteStore& store) : store_(store) {
    std::unique_lock lock(store_.readers_mutex_);
    if (!store_.reader_freed_.wait_for(lock, kBusyTimeout,
                                       [&] { return !store_.free_readers_.empty(); })) {
      throw StoreError(ErrorCode::kUnavailable, "sqlite: every reader stayed busy");
    }
    reader_ = store_.free_readers_.back();
    store_.free_readers_.pop_back();
  }
  ~ReaderLease() {
    {
      std::lock_guard lock(store_.readers_mutex_);
      store_.free_readers_.push_back(reader_);
    }
    store_.reader_freed_.notify_one();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;

  Reader& reader() { return *reader_; }

 private:
  SqliteStore& store_;
  Reader* reader_ = nullptr;
};

SqliteStore::SqliteStore(std::string path, WalLimits limits) : path_(std::move(path)) {
  try {
    // Its WAL writes are gathered into one per commit (sqlite_wal_vfs.h); synchronous=FULL,
    // which that needs, is set by configure().
    writer_ = open(path_, buffered_wal_vfs());
    for (std::size_t i = 0; i < kReaders; ++i) {
      readers_.push_back(std::make_unique<Reader>(path_));
      free_readers_.push_back(readers_.back().get());
    }
  } catch (const SQLite::Exception& e) {
    throw StoreError(ErrorCode::kUnavailable,
                     "cannot open SQLite database " + path_ + ": " + e.what());
  }
  // The writer's page cache holds the pages every batch rewrites: the tails of the tables and
  // of each incident's range in the per-incident indexes (about 1,000 pages with a hundred
  // incidents open). At SQLite's default of 2 MB (500 pages) it evicted and read them back
  // from the WAL on every commit. Allocated as pages are first used.
  writer_->exec("PRAGMA cache_size = -" + std::to_string(kWriterCacheKiB));
  // The WAL file keeps the largest size it ever reached; a large transaction (a bench seed)
  // leaves hundreds of MB. At each restart SQLite now cuts it back to the most the limits let
  // it reach in normal running (it stays near restart_pages), so the steady state neither
  // truncates nor re-grows it.
  writer_->exec(
      "PRAGMA journal_size_limit = " +
      std::to_string(static_cast<int64_t>(limits.writer_checkpoint_pages) * kWalFrameBytes));
  tx_ = std::make_unique<Tx>(*writer_);
  try {
    checkpointer_ = std::make_unique<SqliteCheckpointer>(path_, limits);
  } catch (const SQLite::Exception& e) {
    throw StoreError(ErrorCode::kUnavailable,
                     "cannot open SQLite database " + path_ + ": " + e.what());
  }
  checkpointer_->attach(writer_->getHandle());
}

SqliteStore::~SqliteStore() { checkpointer_->detach(); }

Status SqliteStore::migrate() {
  std::lock_guard lock(write_mutex_);
  try {
    writer_->exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    std::vector<Migration> migrations = embedded_migrations("sqlite");
    int known = migrations.empty() ? 0 : migrations.back().version;
    // EXCLUSIVE: a second regend starting on the same file waits here instead of racing.
    SQLite::Transaction check(*writer_, SQLite::TransactionBehavior::EXCLUSIVE);
    int64_t current =
        writer_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt64();
    if (current > known) {
      return Error{ErrorCode::kInternal, "database schema version " + std::to_string(current) +
                                             " is newer than this regend (knows up to " +
                                             std::to_string(known) + "); upgrade regend"};
    }
    for (const Migration& migration : migrations) {
      if (migration.version <= current) continue;
      writer_->exec(std::string(migration.sql));
      SQLite::Statement record(*writer_,
                               "INSERT INTO schema_migrations (version, name, applied_at) "
                               "VALUES (?1, ?2, ?3)");
      record.bind(1, migration.version);
      record.bind(2, std::string(migration.name));
      record.bind(3, static_cast<int64_t>(now_ms()));
      record.exec();
      spdlog::info("sqlite: applied migration {}", migration.name);
    }
    check.commit();
  } catch (const SQLite::Exception& e) {
    return Error{classify(e), std::string("migration failed: ") + e.what()};
  }
  return {};
}

Status SqliteStore::write(const std::function<Status(WriteTx&)>& body) {
  std::lock_guard lock(write_mutex_);
  tx_->begin();
  // IMMEDIATE takes the write lock up front: no deadlock-prone upgrade from a read lock.
  return run_transaction(*writer_, SQLite::TransactionBehavior::IMMEDIATE, *tx_, body);
}

Status SqliteStore::read(const std::function<Status(ReadTx&)>& body) {
  try {
    ReaderLease lease(*this);
    // DEFERRED takes no lock until the first read, which fixes the snapshot in the WAL.
    return run_transaction(lease.reader().db(), SQLite::TransactionBehavior::DEFERRED,
                           lease.reader().tx(), body);
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  }
}

Status SqliteStore::ping() {
  try {
    ReaderLease lease(*this);
    lease.reader().db().execAndGet("SELECT 1");
    return {};
  } catch (const SQLite::Exception& e) {
    return Error{ErrorCode::kUnavailable, std::string("sqlite: ") + e.what()};
  } catch (const StoreError& e) {
    return Error{e.code(), e.what()};
  }
}

}  // namespace regen::storage
