#pragma once
// Checkpoints the WAL of one SQLite database mostly on a thread of its own. SQLite's default is
// an automatic checkpoint inside the commit that pushes the WAL past 1000 pages: that commit
// (and every webhook waiting on it) waits while ~4 MB are copied into the database file and
// synced. Here the write connection only reports its WAL size after each commit (wal hook);
// every WalLimits::checkpoint_pages new pages this thread copies the WAL into the database
// (PASSIVE checkpoints on its own connection, which never block the writer), in passes until
// one leaves few frames behind. Once the WAL holds restart_pages, the frames committed during
// the last pass are copied by the writer after its next commit, which lets the following
// transaction start the WAL over. That copy ends with a sync of the database file and holds up
// the commit's webhooks (10-25 ms under load), so it comes only every restart_pages, not after
// every pass. If the WAL still reaches writer_checkpoint_pages, the writer checkpoints all of it
// inline: the WAL stays bounded.
//
// Durability is unchanged: each commit still syncs the WAL (synchronous=FULL); a checkpoint
// syncs the WAL before copying and the database after.
//
// Threads: attach() and detach() on the thread that owns the write connection, before and
// after it is used; everything else is internal.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace SQLite {
class Database;
}

namespace regen::storage {

// WAL sizes in pages (4 KiB) that decide when the WAL is copied and started over.
struct WalLimits {
  // A background pass per this many new WAL pages (64 MB). The same pages are rewritten commit
  // after commit (the tails of the tables and of the per-incident indexes), and a checkpoint
  // copies each page once, however many frames the WAL holds for it: a pass every 4,000 pages
  // copied those pages 4x as often and gave ~5 % fewer alerts/s and a higher p99
  // (docs/notes/write-path-perf.md, sections 4 and 6).
  int checkpoint_pages = 16000;
  // The WAL starts over once it holds this many (128 MB) and a pass has just caught up: one
  // commit in ~180 under full load waits for the writer's copy, so p99 does not. The WAL file
  // keeps this size on disk (SqliteStore cuts a larger one back to writer_checkpoint_pages).
  int restart_pages = 32000;
  // The writer checkpoints inline at this size (256 MB), whatever the background did.
  int writer_checkpoint_pages = 64000;
};

class SqliteCheckpointer {
 public:
  // A background pass is followed by another while its predecessor left more than this many
  // frames behind (those committed while it ran), so that what the writer copies inline to
  // let the WAL restart stays short.
  static constexpr int kFinishPages = 500;
  static constexpr int kMaxPasses = 4;

  // Opens its own connection to `path` (throws SQLite::Exception when it cannot).
  explicit SqliteCheckpointer(const std::string& path, WalLimits limits = {});
  ~SqliteCheckpointer();  // stops the thread
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Takes over checkpointing for `writer` (turns its autocheckpoint off, installs the hook).
  // REQUIRES: `writer` outlives the attachment; detach() before destroying either.
  void attach(sqlite3* writer);
  void detach();

  int64_t checkpoints() const;  // completed by this thread (tests, diagnostics)

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();
  void run_passes();  // on the thread, without mutex_

  const WalLimits limits_;
  std::unique_ptr<SQLite::Database> db_;
  sqlite3* writer_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;     // the thread should run a pass
  bool caught_up_ = false;  // a pass ended: the next commit may copy what it could not
  int requested_at_ = 0;    // WAL pages when the last pass was asked for (0: since the restart)
  bool stopping_ = false;
  int64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace regen::storage
