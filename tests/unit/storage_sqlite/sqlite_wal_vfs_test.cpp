// The write connection's WAL writes are gathered (sqlite_wal_vfs.h): fewer writes reach the
// kernel, and every commit is in the files before write() returns.

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include "regend/storage/sqlite/sqlite_store.h"
#include "regend/storage/sqlite/sqlite_wal_vfs.h"
#include "tests/support/process.h"

namespace regen::storage {
namespace {

AlertRow alert(const std::string& external_id) {
  AlertRow row;
  row.alert.source = "prometheus";
  row.alert.external_id = external_id;
  row.alert.title = "DiskFull on " + external_id;
  row.alert.status = domain::AlertStatus::kFiring;
  row.alert.labels = {{"alertname", "DiskFull"}, {"instance", external_id}};
  row.alert.raw = std::string(400, 'x');
  row.received_at = row.updated_at =
      domain::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  return row;
}

// What a crash right now would leave: the database and its WAL as the kernel has them, opened
// by a connection of SQLite's own VFS, which recovers the WAL.
int64_t alerts_in_copy(const test::TempDir& dir, int copy) {
  namespace fs = std::filesystem;
  const fs::path target = fs::path(dir.path()) / ("copy" + std::to_string(copy));
  fs::create_directories(target);
  fs::copy_file(dir.file("regen.db"), target / "regen.db");
  fs::copy_file(dir.file("regen.db-wal"), target / "regen.db-wal");
  SQLite::Database db((target / "regen.db").string(), SQLite::OPEN_READWRITE);
  return db.execAndGet("SELECT count(*) FROM alerts").getInt64();
}

}  // namespace

TEST_CASE(
    "sqlite: the writer's WAL writes are gathered, and a commit is in the files when "
    "write() returns") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  const BufferedWalCounts before = buffered_wal_counts();
  constexpr int kCommits = 8;
  constexpr int kAlertsPerCommit = 60;
  for (int commit = 0; commit < kCommits; ++commit) {
    Status status = store.write([&](WriteTx& tx) {
      for (int i = 0; i < kAlertsPerCommit; ++i) {
        tx.insert_alert(alert("c" + std::to_string(commit) + "-" + std::to_string(i)));
      }
      return Status{};
    });
    REQUIRE(status.ok());
    CHECK(alerts_in_copy(dir, commit) == (commit + 1) * kAlertsPerCommit);
  }
  const BufferedWalCounts after = buffered_wal_counts();
  const uint64_t received = after.writes_received - before.writes_received;
  const uint64_t issued = after.writes_issued - before.writes_issued;
  INFO("WAL writes received " << received << ", issued " << issued);
  // Two writes per frame, a dozen frames and more per commit; one write per 64 KiB issued.
  CHECK(received >= kCommits * 20);
  CHECK(issued * 5 <= received);
}

}  // namespace regen::storage
