#pragma once
// The embedded default backend: one SQLite file in WAL mode with synchronous=FULL, so a commit
// is on disk before any webhook hears 200. One write connection (the group-commit writer is the
// only writer) and one connection for pings and reads.

#include <memory>
#include <mutex>
#include <string>

#include "regend/storage/store.h"

namespace SQLite {
class Database;
}

namespace regen::storage {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file. Throws StoreError when it cannot be opened.
  explicit SqliteStore(std::string path);
  ~SqliteStore() override;

  std::string_view backend() const override { return "sqlite"; }
  std::string location() const override { return path_; }
  Status migrate() override;
  Status write(const std::function<Status(WriteTx&)>& body) override;
  Status ping() override;

  class Tx;

 private:
  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<SQLite::Database> writer_;
  std::unique_ptr<Tx> tx_;  // prepared statements live as long as the write connection
  std::mutex read_mutex_;
  std::unique_ptr<SQLite::Database> reader_;
};

}  // namespace regen::storage
