#include "regend/storage/sqlite/sqlite_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

namespace regen::storage {
namespace {
constexpr int kNice = 10;  // of the checkpointer thread
}  // namespace

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, WalLimits limits)
    : limits_(limits), db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE)) {
  // A checkpoint needs no lock the writer holds; a busy wait only covers another process's
  // exclusive checkpoint or recovery.
  db_->setBusyTimeout(1000);
  // A connection learns that the database is in WAL mode, and opens the WAL, on its first
  // read. Before that a checkpoint on it does nothing and reports success: every pass of this
  // thread copied nothing, and the writer's inline copy did all the work (found in session 6:
  // this thread had written 0 bytes under load).
  db_->exec("SELECT count(*) FROM sqlite_master");
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "regend-ckpt");
    // Below the writer and the io threads when they share a core: a pass then yields to them in
    // short slices instead of holding up a commit (capacity's p99 9.6 -> 8.2 ms). It needs
    // under a tenth of a saturated core, which a nice of 10 still gets. Best effort: a failure
    // only leaves the default.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kNice);
    run();
  });
}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SqliteCheckpointer::attach(sqlite3* writer) {
  writer_ = writer;
  sqlite3_wal_autocheckpoint(writer_, 0);
  sqlite3_wal_hook(writer_, &SqliteCheckpointer::on_commit, this);
}

void SqliteCheckpointer::detach() {
  if (writer_ == nullptr) return;
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  sqlite3_wal_autocheckpoint(writer_, limits_.checkpoint_pages);
  writer_ = nullptr;
}

int SqliteCheckpointer::on_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto& checkpointer = *static_cast<SqliteCheckpointer*>(self);
  bool finish = false;
  bool ask = false;
  {
    std::lock_guard lock(checkpointer.mutex_);
    const WalLimits& limits = checkpointer.limits_;
    // Fewer pages than at the last request: the WAL has started over.
    if (wal_pages < checkpointer.requested_at_) checkpointer.requested_at_ = 0;
    // Right after a pass, what is left to copy is what was committed while it ran: short.
    const bool just_caught_up = std::exchange(checkpointer.caught_up_, false);
    finish = (just_caught_up && wal_pages >= limits.restart_pages) ||
             wal_pages >= limits.writer_checkpoint_pages;
    if (!finish && !checkpointer.wanted_ &&
        wal_pages - checkpointer.requested_at_ >= limits.checkpoint_pages) {
      checkpointer.wanted_ = ask = true;
      checkpointer.requested_at_ = wal_pages;
    }
  }
  if (finish) {
    // Between two write transactions nothing can add frames: this copies what the background
    // pass could not (the commits made while it ran), after which the next transaction starts
    // the WAL over from its beginning. A background pass alone never gets there while commits
    // keep coming, and the WAL would only grow.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (ask) {
    checkpointer.wake_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || wanted_; });
    if (stopping_) return;
    lock.unlock();
    run_passes();
    lock.lock();
    wanted_ = false;
    caught_up_ = true;  // past restart_pages, the writer copies the rest after its next commit
    ++checkpoints_;
  }
}

// Each pass copies the frames committed before it started; the next one copies those
// committed while it ran, fewer each time since a page is copied once however often it was
// rewritten. Stops when a pass left little behind, or at kMaxPasses under a writer that keeps
// pace with it.
void SqliteCheckpointer::run_passes() {
  int previously_copied = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    int log_frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_->getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                             &log_frames, &copied);
    if (rc != SQLITE_OK) {
      if (rc != SQLITE_BUSY) {
        spdlog::warn("sqlite: background checkpoint failed: {}", sqlite3_errstr(rc));
      }
      return;
    }
    // Frames this pass had to copy: up to the end of the WAL it saw, past what the previous
    // pass had copied. A small number means the writer's own copy will be short too.
    if (log_frames - previously_copied <= kFinishPages) return;
    previously_copied = copied;
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
}

int64_t SqliteCheckpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

}  // namespace regen::storage
