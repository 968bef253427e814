// SQLite-specific guarantees beneath the shared contract: migrations (idempotent, locked,
// refusing a newer schema), durability settings, and the append-only timeline in the schema.

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "regend/storage/migrations.h"
#include "regend/storage/sqlite/sqlite_checkpointer.h"
#include "regend/storage/sqlite/sqlite_store.h"
#include "tests/support/process.h"

namespace regen::storage {
namespace {

int64_t schema_version(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt64();
}

// One column of every row `sql` returns, joined with `separator` (EXPLAIN's opcodes, a query
// plan's details, index names).
std::string column_of_rows(SQLite::Database& db, const std::string& sql, int column,
                           const std::string& separator) {
  SQLite::Statement statement(db, sql);
  std::string all;
  while (statement.executeStep()) all += statement.getColumn(column).getString() + separator;
  return all;
}

// A migrated database in a temporary directory, and a connection of the test's own to it.
struct MigratedDatabase {
  test::TempDir dir;
  SqliteStore store{dir.file("regen.db")};
  bool migrated = store.migrate().ok();
  SQLite::Database db{dir.file("regen.db"), SQLite::OPEN_READWRITE};
};

}  // namespace

TEST_CASE("sqlite: migrate creates the schema and a second run changes nothing") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  int64_t version = schema_version(dir.file("regen.db"));
  CHECK(version == embedded_migrations("sqlite").back().version);
  REQUIRE(store.migrate().ok());
  CHECK(schema_version(dir.file("regen.db")) == version);
  SQLite::Database db(dir.file("regen.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM grouping_rules").getInt64() == 1);
}

TEST_CASE("sqlite: several stores migrating the same file at once are safe") {
  test::TempDir dir;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      SqliteStore store(dir.file("regen.db"));
      if (!store.migrate().ok()) ++failures;
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
  SQLite::Database db(dir.file("regen.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM grouping_rules").getInt64() == 1);
}

TEST_CASE("sqlite: a database newer than the binary refuses to start with a clear message") {
  test::TempDir dir;
  {
    SqliteStore store(dir.file("regen.db"));
    REQUIRE(store.migrate().ok());
  }
  {
    SQLite::Database db(dir.file("regen.db"), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  }
  SqliteStore store(dir.file("regen.db"));
  Status status = store.migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("newer than this regend") != std::string::npos);
}

TEST_CASE("sqlite: the database file is in WAL mode") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  // journal_mode=WAL is persistent in the file, so another connection sees it.
  SQLite::Database db(dir.file("regen.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(store.ping().ok());
}

TEST_CASE("sqlite: the schema refuses to update or delete timeline entries") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  REQUIRE(store
              .write([](WriteTx& tx) {
                IncidentRow incident;
                incident.title = "t";
                incident = tx.insert_incident(incident);
                tx.append_timeline({0, incident.id, "note", "system", "{}", {}});
                return Status{};
              })
              .ok());
  SQLite::Database db(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(db.exec("UPDATE timeline SET kind = 'edited'"), Catch::Contains("append-only"));
  CHECK_THROWS_WITH(db.exec("DELETE FROM timeline"), Catch::Contains("append-only"));
  CHECK(db.execAndGet("SELECT kind FROM timeline").getString() == "note");
}

// Migration 0004: SQLite codes CHECK (x IN (3+ constants)) as a temporary index built on every
// insert; the comparisons that replace them must build none and refuse exactly the same values.
TEST_CASE("sqlite: inserting alerts and incidents builds no temporary index and checks values") {
  MigratedDatabase fixture;
  REQUIRE(fixture.migrated);
  SQLite::Database& db = fixture.db;
  auto opcodes = [&](const std::string& sql) {
    return column_of_rows(db, "EXPLAIN " + sql, 1, " ");
  };
  const std::string insert_incident =
      "INSERT INTO incidents (incident_number, title, severity, status, created_at, updated_at) "
      "VALUES (1, 't', 'critical', 'triggered', 0, 0)";
  const std::string insert_alert =
      "INSERT INTO alerts (source, external_id, title, severity, status, received_at, "
      "updated_at) VALUES ('generic', 'a', 't', 'info', 'firing', 0, 0)";
  CHECK(opcodes(insert_incident).find("OpenEphemeral") == std::string::npos);
  CHECK(opcodes(insert_alert).find("OpenEphemeral") == std::string::npos);
  CHECK(opcodes("UPDATE incidents SET status = 'resolved'").find("OpenEphemeral") ==
        std::string::npos);

  db.exec(insert_incident);
  db.exec(insert_alert);
  for (const char* status : {"acknowledged", "resolved", "canceled"}) {
    CHECK_NOTHROW(db.exec(std::string("UPDATE incidents SET status = '") + status + "'"));
  }
  CHECK_THROWS_WITH(db.exec("UPDATE incidents SET status = 'open'"), Catch::Contains("CHECK"));
  CHECK_THROWS_WITH(db.exec("UPDATE incidents SET severity = 'high'"), Catch::Contains("CHECK"));
  CHECK_THROWS_WITH(db.exec("UPDATE alerts SET severity = 'Critical'"), Catch::Contains("CHECK"));
  CHECK_THROWS_WITH(db.exec("UPDATE alerts SET status = 'pending'"), Catch::Contains("CHECK"));
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

// Migration 0005: a new alert is written into the indexes the reads use and no other; each
// unused index keyed by incident cost a page per alert under load spread over many incidents.
TEST_CASE("sqlite: a new alert updates only the indexes that reads use") {
  MigratedDatabase fixture;
  REQUIRE(fixture.migrated);
  auto indexes = [&](const std::string& table) {
    // Sorted, one per line: pragma_index_list's order is not the creation order.
    return column_of_rows(
        fixture.db, "SELECT name FROM pragma_index_list('" + table + "') ORDER BY name", 0, "\n");
  };
  CHECK(indexes("alerts") ==
        "alerts_by_received\nalerts_by_source_received\nalerts_by_status_received\n"
        "sqlite_autoindex_alerts_1\n");
  CHECK(indexes("incident_alerts") ==
        "incident_alerts_by_alert\nsqlite_autoindex_incident_alerts_1\n");
  // The read that used to have the dropped index at hand uses the primary key.
  CHECK_THAT(column_of_rows(fixture.db,
                            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM incident_alerts "
                            "WHERE incident_id = 1 AND resolved_at IS NULL",
                            3, "; "),
             Catch::Contains("sqlite_autoindex_incident_alerts_1 (incident_id=?)"));
}

TEST_CASE("sqlite: a store on an unopenable path fails with kUnavailable") {
  CHECK_THROWS_AS(SqliteStore("/proc/regen-no-such-dir/regen.db"), StoreError);
}

}  // namespace regen::storage

namespace regen::storage {

TEST_CASE(
    "sqlite: after a write the store holds no lock: others can write and the WAL checkpoints") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  REQUIRE(store
              .write([](WriteTx& tx) {
                tx.find_alert("prometheus", "absent");  // a stepped SELECT, as ingestion does
                tx.rules_version();
                IncidentRow incident;
                incident.title = "t";
                tx.insert_incident(incident);
                return Status{};
              })
              .ok());
  SQLite::Database other(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  other.setBusyTimeout(0);  // fail at once if the store still holds anything
  CHECK_NOTHROW(other.exec("UPDATE rules_version SET version = version + 1"));
  SQLite::Statement checkpoint(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(checkpoint.executeStep());
  CHECK(checkpoint.getColumn(0).getInt() == 0);  // 0 = not blocked by a reader
  // And the store keeps working after the outside write.
  CHECK(store
            .write([](WriteTx& tx) {
              tx.rules_version();
              return Status{};
            })
            .ok());
}

}  // namespace regen::storage

namespace regen::storage {

TEST_CASE("sqlite: after reads, however they end, no snapshot is left: the WAL checkpoints") {
  test::TempDir dir;
  SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  REQUIRE(store
              .write([](WriteTx& tx) {
                AlertRow alert;
                alert.alert.source = "prometheus";
                alert.alert.external_id = "a1";
                alert.alert.raw = "{}";
                tx.insert_alert(alert);
                IncidentRow incident;
                incident.title = "t";
                tx.insert_incident(incident);
                tx.insert_incident(incident);
                return Status{};
              })
              .ok());
  // Each body leaves a SELECT stopped on a row, never stepped to its end.
  auto partial_reads = [](ReadTx& tx) {
    CHECK(tx.find_alert("prometheus", "a1"));
    CHECK(tx.find_incident_by_number(1));
    CHECK(tx.list_grouping_rules().size() == 1);
  };
  CHECK(store
            .read([&](ReadTx& tx) {
              partial_reads(tx);
              return Status{};
            })
            .ok());
  Status refused = store.read([&](ReadTx& tx) {
    partial_reads(tx);
    return Status(Error{ErrorCode::kNotFound, "refused"});
  });
  CHECK(refused.error().code == ErrorCode::kNotFound);
  Status threw = store.read([&](ReadTx& tx) -> Status {
    partial_reads(tx);
    throw std::runtime_error("boom");
  });
  CHECK(threw.error().code == ErrorCode::kInternal);
  // New WAL frames, then a checkpoint that must not find any reader still on an old snapshot.
  REQUIRE(store
              .write([](WriteTx& tx) {
                IncidentRow incident;
                incident.title = "later";
                tx.insert_incident(incident);
                return Status{};
              })
              .ok());
  SQLite::Database other(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  other.setBusyTimeout(0);
  SQLite::Statement checkpoint(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(checkpoint.executeStep());
  CHECK(checkpoint.getColumn(0).getInt() == 0);  // 0 = not blocked by a reader
  CHECK(store.ping().ok());
}

}  // namespace regen::storage

namespace regen::storage {

// Small limits, so that a few MB of commits go through several checkpoints and restarts.
constexpr WalLimits kSmallWal{
    .checkpoint_pages = 200, .restart_pages = 800, .writer_checkpoint_pages = 1600};
constexpr std::uintmax_t kWalFrameBytes = SqliteStore::kWalFrameBytes;

// Inserts `count` alerts of ~4 KB each (about a WAL page each), named "<prefix>-<n>".
void insert_large_alerts(WriteTx& tx, const std::string& prefix, int count) {
  const std::string raw = "{\"padding\":\"" + std::string(4000, 'x') + "\"}";
  for (int i = 0; i < count; ++i) {
    AlertRow alert;
    alert.alert.source = "generic";
    alert.alert.external_id = prefix + "-" + std::to_string(i);
    alert.alert.title = "t";
    alert.alert.raw = raw;
    tx.insert_alert(alert);
  }
}

// Commits `commits` transactions of 25 such alerts and returns the largest size the WAL file
// reached after a commit.
std::uintmax_t commit_large_alerts(SqliteStore& store, const std::string& path, int first,
                                   int commits) {
  std::uintmax_t largest_wal = 0;
  for (int c = first; c < first + commits; ++c) {
    REQUIRE(store
                .write([&](WriteTx& tx) {
                  insert_large_alerts(tx, std::to_string(c), 25);
                  return Status{};
                })
                .ok());
    std::error_code ec;
    largest_wal = std::max(largest_wal, std::filesystem::file_size(path + "-wal", ec));
  }
  return largest_wal;
}

TEST_CASE("sqlite: a long run of commits keeps the WAL bounded and every row durable") {
  test::TempDir dir;
  const std::string path = dir.file("regen.db");
  // Rows worth three times the hard bound: without checkpoints the WAL would hold all of it.
  constexpr int kCommits = 3 * kSmallWal.writer_checkpoint_pages / 25;
  {
    SqliteStore store(path, kSmallWal);
    REQUIRE(store.migrate().ok());
    const std::uintmax_t largest_wal = commit_large_alerts(store, path, 0, kCommits);
    // Restarts once it holds restart_pages and a pass has caught up; the writer steps in at
    // writer_checkpoint_pages whatever the background did (its copy waits a commit or two when
    // a background pass holds the checkpoint lock at that moment).
    CHECK(largest_wal < 2 * kSmallWal.writer_checkpoint_pages * kWalFrameBytes);
  }
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM alerts").getInt64() == kCommits * 25);
}

TEST_CASE("sqlite: after a transaction larger than the limits, the WAL file shrinks back") {
  test::TempDir dir;
  const std::string path = dir.file("regen.db");
  SqliteStore store(path, kSmallWal);
  REQUIRE(store.migrate().ok());
  // One transaction of ~2,500 pages: the WAL file must hold all of it.
  REQUIRE(store
              .write([&](WriteTx& tx) {
                insert_large_alerts(tx, "big", 2500);
                return Status{};
              })
              .ok());
  std::error_code ec;
  const std::uintmax_t after_big = std::filesystem::file_size(path + "-wal", ec);
  REQUIRE(after_big > 2000 * kWalFrameBytes);
  // Small commits until the WAL has been checkpointed and started over at least once: cut
  // back to writer_checkpoint_pages then, it may grow again by what the background lets
  // through, but never back to the big transaction's size.
  const std::uintmax_t largest_after =
      commit_large_alerts(store, path, 0, 2 * kSmallWal.writer_checkpoint_pages / 25);
  CHECK(largest_after < after_big);
  CHECK(std::filesystem::file_size(path + "-wal", ec) < after_big);
}

}  // namespace regen::storage
