#include <catch2/catch.hpp>

#include <stdexcept>

#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;

int64_t written_rows(const std::string& url) {
  return query_int(url,
                   "SELECT (SELECT count(*) FROM alerts) + (SELECT count(*) FROM incidents) + "
                   "(SELECT count(*) FROM outbox) + (SELECT count(*) FROM webhook_deliveries)");
}

// Writes one of everything, then leaves as `finish` says.
Status write_then(Store& store, const std::function<Status()>& finish) {
  return store.write([&](WriteTx& tx) -> Status {
    tx.insert_alert(sample_alert("a"));
    const int64_t incident = tx.insert_incident(sample_incident("g", 1000)).id;
    tx.enqueue_outbox({"incident_created", incident, "{}", ms(1000)});
    tx.record_delivery("cloudwatch", "m1", ms(1000));
    return finish();
  });
}

TEST_CASE("postgres store: a body returning an error rolls back everything it wrote") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  Status status = write_then(*store, [] { return Error{ErrorCode::kConflict, "no"}; });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kConflict);
  CHECK(status.error().message == "no");
  CHECK(written_rows(url) == 0);
  REQUIRE(write_then(*store, [] { return Status(); }).ok());
  CHECK(written_rows(url) == 4);
}

TEST_CASE("postgres store: a body that throws rolls back and answers internal") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  Status status = write_then(*store, []() -> Status { throw std::runtime_error("boom"); });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("boom"));
  CHECK(written_rows(url) == 0);
}

TEST_CASE("postgres store: a StoreError thrown by the body keeps its code") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  Status status = write_then(
      *store, []() -> Status { throw StoreError(ErrorCode::kUnavailable, "try later"); });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kUnavailable);
  CHECK(status.error().message == "try later");
  CHECK(written_rows(url) == 0);
}

TEST_CASE("postgres store: a constraint violation is internal and names its SQLSTATE") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  Status status = store->write([](WriteTx& tx) -> Status {
    tx.insert_alert(sample_alert("a"));
    tx.link_alert(12345, 67890, 1, ms(0));
    return {};
  });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("SQLSTATE 23503"));
  CHECK(written_rows(url) == 0);
  REQUIRE(store->ping().ok());
}

TEST_CASE("postgres store: a statement error swallowed by the body fails the commit") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  Status status = store->write([](WriteTx& tx) -> Status {
    tx.insert_alert(sample_alert("a"));
    AlertRow orphan = sample_alert("b");
    orphan.incident_id = 12345;  // no such incident
    try {
      tx.insert_alert(orphan);  // buffered: its failure throws from the next statement
      tx.find_incident(1);      // a statement that must see buffered rows sends them first
    } catch (const StoreError&) {
    }
    return {};
  });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("rolled back at COMMIT"));
  CHECK(written_rows(url) == 0);
}

TEST_CASE("postgres store: text with a NUL byte is refused as invalid, not truncated") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  AlertRow row = sample_alert("a");
  row.alert.title = std::string("before\0after", 12);
  Status status = store->write([&](WriteTx& tx) -> Status {
    tx.insert_alert(row);
    return {};
  });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInvalidArgument);
  CHECK(written_rows(url) == 0);
}

TEST_CASE("postgres schema: timeline entries cannot be updated, deleted or truncated") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  write_ok(*store, [](WriteTx& tx) {
    const int64_t incident = tx.insert_incident(sample_incident("g", 1000)).id;
    tx.append_timeline({0, incident, "incident_created", "system", "{}", ms(1000)});
  });
  auto db = connect(url);
  for (const char* sql : {"UPDATE timeline SET actor = 'mallory'", "DELETE FROM timeline",
                          "DELETE FROM timeline WHERE id < 0", "TRUNCATE timeline"}) {
    INFO(sql);
    try {
      db->exec(sql);
      FAIL("the schema accepted it");
    } catch (const StoreError& e) {
      CHECK(e.code() == ErrorCode::kInternal);
      CHECK_THAT(e.what(), Catch::Contains("timeline entries are append-only"));
    }
  }
  CHECK(query_int(url, "SELECT count(*) FROM timeline WHERE actor = 'system'") == 1);
}

TEST_CASE("postgres connection: a statement over statement_timeout is unavailable") {
  PgSettings settings = settings_for(server().url());
  settings.statement_timeout = std::chrono::milliseconds(100);
  auto db = PgConnection::open(settings);
  try {
    db->exec("SELECT pg_sleep(5)");
    FAIL("pg_sleep(5) finished despite the timeout");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("57014"));
  }
  CHECK(db->clean());
  CHECK(db->exec("SELECT 1").int64(0, 0) == 1);
}

TEST_CASE("postgres connection: a serialization failure is unavailable") {
  auto db = connect(server().url());
  try {
    db->exec(
        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$");
    FAIL("no error");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("40001"));
  }
}

}  // namespace
}  // namespace regen::storage
