#include <catch2/catch.hpp>

#include <filesystem>
#include <thread>
#include <vector>

#include "tests/support/process.h"
#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;

constexpr const char kCountTables[] =
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
    "table_name IN ('incidents', 'alerts', 'incident_alerts', 'timeline', 'outbox', "
    "'routing_rules', 'grouping_rules', 'rules_version', 'webhook_deliveries', "
    "'schema_migrations', 'api_tokens')";
constexpr int64_t kTables = 11;
constexpr int64_t kMigrations = 5;  // migrations/postgres/*.sql

std::string initial_sql() {
  return test::read_file(std::string(REGEN_SOURCE_DIR) + "/migrations/postgres/0001_initial.sql");
}

TEST_CASE("postgres migrate: a fresh database gets every table and every version recorded") {
  const std::string url = fresh_database();
  PgStore store(settings_for(url));
  Status status = store.migrate();
  INFO((status ? "" : status.error().message));
  REQUIRE(status.ok());
  CHECK(query_int(url, kCountTables) == kTables);
  PgResult rows = connect(url)->exec(
      "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  REQUIRE(rows.rows() == kMigrations);
  CHECK(rows.int64(0, 0) == 1);
  CHECK(rows.text(0, 1) == "0001_initial");
  CHECK(rows.int64(0, 2) > 1'600'000'000'000);
  CHECK(rows.int64(1, 0) == 2);
  CHECK(rows.text(1, 1) == "0002_api_tokens");
  CHECK(rows.int64(2, 0) == 3);
  CHECK(rows.text(2, 1) == "0003_list_indexes");
  CHECK(rows.int64(3, 0) == 4);
  CHECK(rows.text(3, 1) == "0004_check_constraints_as_comparisons");
  CHECK(rows.text(4, 1) == "0005_drop_unused_indexes");
}

TEST_CASE("postgres migrate: running it again applies nothing and succeeds") {
  const std::string url = fresh_database();
  PgStore store(settings_for(url));
  REQUIRE(store.migrate().ok());
  REQUIRE(store.migrate().ok());
  REQUIRE(PgStore(settings_for(url)).migrate().ok());
  CHECK(query_int(url, "SELECT count(*) FROM schema_migrations") == kMigrations);
  CHECK(query_int(url, "SELECT count(*) FROM grouping_rules") == 1);
}

TEST_CASE("postgres migrate: four instances migrating one database at once apply it once") {
  const std::string url = fresh_database();
  std::vector<Status> results(4);
  {
    std::vector<std::jthread> threads;
    for (Status& result : results) {
      threads.emplace_back([&url, &result] { result = PgStore(settings_for(url)).migrate(); });
    }
  }
  for (const Status& result : results) {
    INFO((result ? "" : result.error().message));
    CHECK(result.ok());
  }
  CHECK(query_int(url, "SELECT count(*) FROM schema_migrations") == kMigrations);
  CHECK(query_int(url, "SELECT count(*) FROM grouping_rules") == 1);
  CHECK(query_int(url, kCountTables) == kTables);
}

TEST_CASE("postgres migrate: a database newer than this binary is refused") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  connect(url)->exec(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (7, '0007_future', 0)");
  Status status = store->migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK(status.error().message ==
        "database schema version 7 is newer than this regend (knows up to " +
            std::to_string(kMigrations) + "); upgrade regend");
}

TEST_CASE("postgres migrate: a missing migrations directory is internal and names the path") {
  PgSettings settings = settings_for(fresh_database());
  settings.migrations_dir = "/nonexistent/regen/migrations";
  Status status = PgStore(settings).migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("/nonexistent/regen/migrations"));
}

TEST_CASE("postgres migrate: a failing migration is rolled back and named, earlier ones stay") {
  test::TempDir dir;
  dir.write("0001_initial.sql", initial_sql());
  dir.write("0002_broken.sql", "CREATE TABLE half_done (id BIGINT); SELECT no_such_function();");
  dir.write("README.md", "not a migration");
  const std::string url = fresh_database();
  PgSettings settings = settings_for(url);
  settings.migrations_dir = dir.path();

  Status status = PgStore(settings).migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("0002_broken"));
  CHECK_THAT(status.error().message, Catch::Contains("42883"));
  CHECK(query_int(url, "SELECT max(version) FROM schema_migrations") == 1);
  CHECK(query_int(url, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'") == 0);

  dir.write("0002_broken.sql", "CREATE TABLE half_done (id BIGINT);");
  REQUIRE(PgStore(settings).migrate().ok());
  CHECK(query_int(url, "SELECT max(version) FROM schema_migrations") == 2);
}

TEST_CASE("postgres migrate: a migration file without its number is refused") {
  test::TempDir dir;
  dir.write("initial.sql", initial_sql());
  PgSettings settings = settings_for(fresh_database());
  settings.migrations_dir = dir.path();
  Status status = PgStore(settings).migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("initial.sql does not start with its number"));
}

TEST_CASE("postgres migrate: without a migrations directory the embedded migrations apply") {
  const std::string url = fresh_database();
  PgSettings settings = settings_for(url);
  settings.migrations_dir.clear();
  Status status = PgStore(settings).migrate();
  INFO((status ? "" : status.error().message));
  REQUIRE(status.ok());
  CHECK(query_int(url, kCountTables) == kTables);
}

TEST_CASE("postgres migrate: an unreachable server is unavailable") {
  PgSettings settings = settings_for("postgres://regen@127.0.0.1:1/regen");
  Status status = PgStore(settings).migrate();
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kUnavailable);
  CHECK_THAT(status.error().message, Catch::Contains("cannot connect to postgres"));
}

TEST_CASE("postgres schema: the open-incident lookup uses the partial index") {
  const std::string url = fresh_database();
  migrated_store(url);
  auto db = connect(url);
  db->exec("SET enable_seqscan = off");
  PgResult plan = db->exec(
      "EXPLAIN SELECT id FROM incidents WHERE group_key = 'g1' AND status IN ('triggered', "
      "'acknowledged') AND created_at >= 0 ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE");
  std::string text;
  for (int i = 0; i < plan.rows(); ++i) text += plan.text(i, 0) + "\n";
  CHECK_THAT(text, Catch::Contains("incidents_open_by_group"));
}

}  // namespace
}  // namespace regen::storage
