// Prepared statements and deferred (pipelined) statements: what PgConnection promises about
// them, and what a failing deferred statement does to a write and to the writer's requests.

#include <catch2/catch.hpp>

#include <future>

#include "regend/ingest/group_commit_writer.h"
#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;

// A table of this connection only, refusing v <= 0.
std::unique_ptr<PgConnection> connection_with_table() {
  auto db = connect(fresh_database());
  db->exec("CREATE TEMP TABLE t (v int CHECK (v > 0))");
  return db;
}

const PgStatement kInsertV("INSERT INTO t (v) VALUES ($1)");
const PgStatement kPlusOne("SELECT $1::int + 1");

int64_t prepared_here(PgConnection& db, const PgStatement& statement) {
  return db.exec("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", {statement.name()})
      .int64(0, 0);
}

TEST_CASE("postgres connection: a statement is prepared once per connection, again on a new one") {
  const std::string url = fresh_database();
  auto first = connect(url);
  CHECK(prepared_here(*first, kPlusOne) == 0);
  CHECK(first->exec(kPlusOne, {1}).int64(0, 0) == 2);
  CHECK(first->exec(kPlusOne, {41}).int64(0, 0) == 42);
  CHECK(prepared_here(*first, kPlusOne) == 1);

  // A reconnect is a new PgConnection: it prepares the statement on its own session.
  auto second = connect(url);
  CHECK(prepared_here(*second, kPlusOne) == 0);
  CHECK(second->exec(kPlusOne, {2}).int64(0, 0) == 3);
  CHECK(prepared_here(*second, kPlusOne) == 1);
}

TEST_CASE("postgres connection: prepared statements may keep a generic plan") {
  auto db = connect(fresh_database());
  CHECK(db->exec("SELECT current_setting('plan_cache_mode')").text(0, 0) == "auto");
}

const PgStatement kPlusTwo("SELECT $1::int + 2", PgPlanning::kPerExecution);

TEST_CASE("postgres connection: a statement planned per execution is never prepared") {
  auto db = connection_with_table();
  CHECK(db->exec(kPlusTwo, {1}).int64(0, 0) == 3);
  CHECK(db->exec(kPlusTwo, {40}).int64(0, 0) == 42);
  CHECK(prepared_here(*db, kPlusTwo) == 0);
  db->exec("BEGIN");
  db->defer(kInsertV, {1});
  CHECK(db->exec(kPlusTwo, {2}).int64(0, 0) == 4);  // behind a deferred statement
  CHECK(db->exec("COMMIT").command() == "COMMIT");
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 1);
}

TEST_CASE("postgres connection: a statement behind a failed deferred one throws that failure") {
  auto db = connection_with_table();
  db->exec("BEGIN");
  db->defer(kInsertV, {-1});
  CHECK_THROWS_WITH(db->exec(kInsertV, {5}), Catch::Contains("SQLSTATE 23514"));
  CHECK(db->exec("COMMIT").command() == "ROLLBACK");
  CHECK(db->clean());
  db->exec("BEGIN");
  db->defer(kInsertV, {-1});
  CHECK_THROWS_WITH(db->exec(kPlusTwo, {1}), Catch::Contains("SQLSTATE 23514"));
  CHECK(db->exec("ROLLBACK").command() == "ROLLBACK");
  CHECK(db->clean());
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 0);
}

TEST_CASE("postgres connection: a statement prepared in a rolled-back transaction stays usable") {
  auto db = connection_with_table();
  db->exec("BEGIN");
  db->exec(kInsertV, {1});
  db->exec("ROLLBACK");
  db->exec(kInsertV, {2});
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 1);
}

TEST_CASE("postgres connection: deferred statements run in order before the next statement") {
  auto db = connection_with_table();
  db->exec("BEGIN");
  for (int v = 1; v <= 300; ++v) db->defer(kInsertV, {v});  // past the read-back bound too
  CHECK(db->exec("SELECT count(*), max(v) FROM t").int64(0, 0) == 300);
  db->defer(kInsertV, {301});
  CHECK(db->exec("COMMIT").command() == "COMMIT");
  CHECK(db->clean());
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 301);
}

TEST_CASE("postgres connection: a failed deferred statement throws from the next statement") {
  auto db = connection_with_table();
  db->exec("BEGIN");
  db->defer(kInsertV, {1});
  db->defer(kInsertV, {-1});
  db->defer(kInsertV, {2});
  try {
    db->exec("SELECT count(*) FROM t");
    FAIL("the deferred failure was not reported");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kInternal);
    CHECK_THAT(e.what(), Catch::Contains("SQLSTATE 23514"));
  }
  // The transaction is aborted: COMMIT rolls it back.
  CHECK(db->exec("COMMIT").command() == "ROLLBACK");
  CHECK(db->clean());
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 0);
}

TEST_CASE("postgres connection: a ROLLBACK behind a failed deferred statement still runs") {
  auto db = connection_with_table();
  db->exec("BEGIN");
  db->defer(kInsertV, {-1});
  CHECK_THROWS_WITH(db->exec("ROLLBACK"), Catch::Contains("SQLSTATE 23514"));
  CHECK(db->clean());
  db->exec("BEGIN");
  db->defer(kInsertV, {3});
  CHECK(db->exec("COMMIT").command() == "COMMIT");
  CHECK(db->exec("SELECT count(*) FROM t").int64(0, 0) == 1);
}

TEST_CASE("postgres store: a failed deferred write throws from the next read and rolls back") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  bool thrown_by_read = false;
  Status status = store->write([&](WriteTx& tx) -> Status {
    tx.insert_alert(sample_alert("a"));
    tx.link_alert(12345, 67890, 1, ms(0));  // no such incident or alert
    try {
      tx.count_unresolved_links(1);  // reads links: the buffered rows go out first
    } catch (const StoreError&) {
      thrown_by_read = true;
      throw;
    }
    return {};
  });
  CHECK(thrown_by_read);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInternal);
  CHECK_THAT(status.error().message, Catch::Contains("SQLSTATE 23503"));
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 0);
  write_ok(*store, [](WriteTx& tx) { tx.insert_alert(sample_alert("b")); });
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 1);
}

domain::Submission submission(const std::string& id, const std::string& title) {
  domain::NormalizedAlert alert;
  alert.source = "generic";
  alert.external_id = id;
  alert.title = title;
  alert.raw = "{}";
  return {"generic", {alert}, std::nullopt};
}

TEST_CASE("postgres writer: alerts of one group in one transaction join one incident") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  domain::Submission grouped = submission("first", "disk full");
  grouped.alerts[0].labels = {{"alertname", "DiskFull"}};
  grouped.alerts.push_back(grouped.alerts[0]);
  grouped.alerts[1].external_id = "second";
  domain::Submission other = submission("third", "cpu");
  other.alerts[0].labels = {{"alertname", "CpuHigh"}};
  domain::Submission again = submission("fourth", "disk full again");
  again.alerts[0].labels = {{"alertname", "DiskFull"}};

  ingest::GroupCommitWriter writer(*store, ingest::WriterSettings{}, [] { return ms(1000); });
  std::vector<std::promise<Result<domain::SubmissionResult>>> done(3);
  // All queued before the writer starts: its first batch carries them all.
  int i = 0;
  for (domain::Submission* s : {&grouped, &other, &again}) {
    auto& promise = done[i++];
    REQUIRE(writer.submit(std::move(*s), [&promise](Result<domain::SubmissionResult> r) {
      promise.set_value(std::move(r));
    }));
  }
  writer.start();
  for (auto& promise : done) CHECK(promise.get_future().get().ok());
  writer.stop();

  CHECK(writer.stats().batches.load() == 1);
  CHECK(query_int(url, "SELECT count(*) FROM incidents") == 2);
  CHECK(query_int(url, "SELECT count(*) FROM incident_alerts") == 4);
  CHECK(query_int(url,
                  "SELECT count(*) FROM incident_alerts l JOIN incidents i ON i.id = l.incident_id "
                  "WHERE i.group_key LIKE '%DiskFull%'") == 3);
}

TEST_CASE("postgres writer: a failing deferred statement fails its request, not the others") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  // The outbox insert is deferred: this trigger makes it fail for one alert only.
  connect(url)->exec_script(
      "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "IF NEW.payload::text LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned outbox event'; "
      "END IF; RETURN NEW; END $$; "
      "CREATE TRIGGER refuse_poison BEFORE INSERT ON outbox FOR EACH ROW "
      "EXECUTE FUNCTION refuse_poison();");

  ingest::GroupCommitWriter writer(*store, ingest::WriterSettings{}, [] { return ms(1000); });
  std::promise<Result<domain::SubmissionResult>> good;
  std::promise<Result<domain::SubmissionResult>> poisoned;
  // Both are queued before the writer starts: its first batch carries the two of them.
  REQUIRE(writer.submit(submission("good", "fine"),
                        [&](Result<domain::SubmissionResult> r) { good.set_value(std::move(r)); }));
  REQUIRE(writer.submit(submission("bad", "poison"), [&](Result<domain::SubmissionResult> r) {
    poisoned.set_value(std::move(r));
  }));
  writer.start();
  Result<domain::SubmissionResult> good_result = good.get_future().get();
  Result<domain::SubmissionResult> poisoned_result = poisoned.get_future().get();
  writer.stop();

  CHECK(good_result.ok());
  REQUIRE_FALSE(poisoned_result.ok());
  CHECK(poisoned_result.error().code == ErrorCode::kInternal);
  CHECK_THAT(poisoned_result.error().message, Catch::Contains("poisoned outbox event"));
  CHECK(writer.stats().committed_requests.load() == 1);
  CHECK(writer.stats().failed_requests.load() == 1);
  // Nothing of the failed request was committed; all of the other one was.
  CHECK(query_int(url, "SELECT count(*) FROM alerts WHERE external_id = 'bad'") == 0);
  CHECK(query_int(url, "SELECT count(*) FROM alerts WHERE external_id = 'good'") == 1);
  CHECK(query_int(url, "SELECT count(*) FROM incidents") == 1);
  CHECK(query_int(url, "SELECT count(*) FROM incident_alerts") == 1);
  CHECK(query_int(url, "SELECT count(*) FROM timeline") == 2);
  CHECK(query_int(url, "SELECT count(*) FROM outbox") == 2);
}

}  // namespace
}  // namespace regen::storage
