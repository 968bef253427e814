#pragma once
// Checkpoints the WAL of one SQLite database mostly on a thread of its own. SQLite's default is
// an automatic checkpoint inside the commit that pushes the WAL past 1000 pages: that commit
// (and every webhook waiting on it) waits while ~4 MB are copied into the database file and
// synced. Here the write connection only reports its WAL size after each commit (wal hook);
// past kCheckpointPages this thread copies the WAL into the database (PASSIVE checkpoints on
// its own connection, which never block the writer), in passes until one leaves few frames
// behind. The frames committed meanwhile are then copied by the writer after its next commit
// (a few pages: short), which lets the following transaction start the WAL over. If the WAL still
// reaches kWriterCheckpointPages, the writer checkpoints all of it inline: the WAL stays bounded.
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

class SqliteCheckpointer {
 public:
  // A background pass starts past this many WAL pages (16 MB). The same pages are rewritten
  // commit after commit (the tails of the tables and of the per-incident indexes), and a
  // checkpoint copies each page once, however many frames the WAL holds for it, so spacing
  // checkpoints 4x further than SQLite's default of 1000 writes fewer bytes per alert
  // (docs/notes/write-path-perf.md, section 4).
  static constexpr int kCheckpointPages = 4000;
  static constexpr int kWriterCheckpointPages = 16000;  // ~64 MB of WAL: the writer steps in
  // A background pass is followed by another while its predecessor left more than this many
  // frames behind (those committed while it ran), so that what the writer copies inline to
  // let the WAL restart stays short.
  static constexpr int kFinishPages = 500;
  static constexpr int kMaxPasses = 4;

  // Opens its own connection to `path` (throws SQLite::Exception when it cannot).
  explicit SqliteCheckpointer(const std::string& path);
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

  std::unique_ptr<SQLite::Database> db_;
  sqlite3* writer_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;  // the thread should run a pass
  bool finish_ = false;  // a pass ended: the writer copies what it could not
  bool stopping_ = false;
  int64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace regen::storage
