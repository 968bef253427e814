#pragma once
// The embedded default backend: one SQLite file in WAL mode with synchronous=FULL, so a commit
// is on disk before any webhook hears 200. One write connection (the group-commit writer is the
// only writer) and a small pool of read-only connections: in WAL mode reads run concurrently
// with each other and with the write transaction, each on its own snapshot.
//
// Threads: every method may be called from any storage thread; writes serialize on the write
// connection, reads wait for a free reader.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "regend/storage/sqlite/sqlite_checkpointer.h"
#include "regend/storage/store.h"

namespace SQLite {
class Database;
}

namespace regen::storage {

class SqliteStore final : public Store {
 public:
  static constexpr std::size_t kReaders = 4;
  static constexpr int kWriterCacheKiB = 16 * 1024;     // page cache of the write connection
  static constexpr int64_t kWalFrameBytes = 4096 + 24;  // a page and its frame header

  // Opens (creating if needed) the database file. Throws StoreError when it cannot be opened.
  // `limits`: when the WAL is checkpointed and started over (tests make them small).
  explicit SqliteStore(std::string path, WalLimits limits = {});
  ~SqliteStore() override;

  std::string_view backend() const override { return "sqlite"; }
  std::string location() const override { return path_; }
  Status migrate() override;
  Status write(const std::function<Status(WriteTx&)>& body) override;
  // Waits up to the busy timeout for a free reader (kUnavailable after that).
  Status read(const std::function<Status(ReadTx&)>& body) override;
  Status ping() override;

  class Tx;

 private:
  class Reader;
  class ReaderLease;

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<SQLite::Database> writer_;
  std::unique_ptr<Tx> tx_;  // prepared statements live as long as the write connection
  // Checkpoints the WAL off the write path; attached to writer_ until the destructor.
  std::unique_ptr<SqliteCheckpointer> checkpointer_;

  std::vector<std::unique_ptr<Reader>> readers_;
  std::mutex readers_mutex_;
  std::condition_variable reader_freed_;
  std::vector<Reader*> free_readers_;  // guarded by readers_mutex_
};

}  // namespace regen::storage
