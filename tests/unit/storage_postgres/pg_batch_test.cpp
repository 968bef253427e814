// Batched writes on PostgreSQL: array literals, rows buffered into one statement per table
// (PgConnection::defer_row), and WriteTx::prefetch with the lookups it answers afterwards.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "regend/storage/postgres/pg_array.h"
#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;

// The first key of the advisory locks PgWriteTx takes on group keys (kGroupLockClass).
constexpr int64_t kGroupLockClass = 0x52470001;

TEST_CASE("postgres arrays: any text round-trips through an array literal, NULL included") {
  auto db = connect(fresh_database());
  const std::vector<std::string_view> values = {
      "plain",    "",         "NULL",        "with \"quotes\"", "back\\slash\\", "a,b",
      "{braces}", " spaced ", "line\nbreak", "ünïcødé ✓",       "'single'"};
  PgResult result =
      db->exec("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n",
               {text_array(values)});
  REQUIRE(result.rows() == static_cast<int>(values.size()));
  for (int i = 0; i < result.rows(); ++i) {
    CHECK_FALSE(result.is_null(i, 0));
    CHECK(result.view(i, 0) == values[static_cast<std::size_t>(i)]);
  }

  std::string array = "{";
  append_array_element(array, "x");
  append_array_element(array, static_cast<const char*>(nullptr));
  append_array_element(array, "");
  array += '}';
  result = db->exec(
      "SELECT v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n", {array});
  REQUIRE(result.rows() == 3);
  CHECK_FALSE(result.boolean(0, 0));
  CHECK(result.boolean(1, 0));
  CHECK_FALSE(result.boolean(2, 0));
}

TEST_CASE("postgres arrays: quotes and backslashes are escaped at every offset") {
  // The escaping scans a word at a time: put each special byte at every offset of texts longer
  // and shorter than a word, next to each other too, and compare with the byte-by-byte rule.
  auto expected = [](std::string_view value) {
    std::string out = "{\"";
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + '"';
  };
  for (std::size_t length : {1u, 7u, 8u, 9u, 16u, 23u}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (std::string_view special : {"\"", "\\", "\"\\", "\\\""}) {
        std::string value(length, 'x');
        value.replace(at, std::min(special.size(), length - at), special.substr(0, length - at));
        std::string array = "{";
        append_array_element(array, std::string_view(value));
        CHECK(array == expected(value));
      }
    }
  }
}

TEST_CASE("postgres arrays: a NUL byte is refused as invalid, not truncated") {
  const std::vector<std::string_view> values = {std::string_view("a\0b", 3)};
  try {
    text_array(values);
    FAIL("text_array accepted a NUL byte");
  } catch (const StoreError& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}

// A parent and a child table referencing it, and a count of INSERT statements on each.
std::unique_ptr<PgConnection> connection_with_tables(const std::string& url) {
  auto db = connect(url);
  db->exec_script(
      "CREATE TABLE parent (id bigint PRIMARY KEY, name text);"
      "CREATE TABLE child (id bigserial PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent,"
      " note text);"
      "CREATE TABLE statements (tbl text);"
      "CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$"
      " BEGIN INSERT INTO statements VALUES (TG_TABLE_NAME); RETURN NULL; END $$;"
      "CREATE TRIGGER parent_statements AFTER INSERT ON parent FOR EACH STATEMENT"
      " EXECUTE FUNCTION count_statement();"
      "CREATE TRIGGER child_statements AFTER INSERT ON child FOR EACH STATEMENT"
      " EXECUTE FUNCTION count_statement();");
  return db;
}

const PgRowBatch kParents(
    "INSERT INTO parent (id, name) SELECT * FROM unnest($1::bigint[], $2::text[])", 2, 0);
const PgRowBatch kChildren(
    "INSERT INTO child (parent_id, note) SELECT * FROM unnest($1::bigint[], $2::text[])", 2, 1);

void add_parent(PgConnection& db, int64_t id, const char* name) {
  db.defer_row(kParents, std::initializer_list<PgParam>{id, name});
}
void add_child(PgConnection& db, int64_t parent_id, const std::optional<std::string>& note) {
  db.defer_row(kChildren, std::initializer_list<PgParam>{parent_id, note});
}

TEST_CASE("postgres connection: buffered rows go out as one statement per batch, in batch order") {
  auto db = connection_with_tables(fresh_database());
  db->exec("BEGIN");
  // Children first: the batches' order, not the calls', decides, so the foreign key holds.
  add_child(*db, 1, "first");
  add_parent(*db, 1, "one");
  add_child(*db, 2, std::nullopt);
  add_parent(*db, 2, "two \"quoted\"");
  add_child(*db, 1, "third");
  // The next statement sees them all.
  CHECK(db->exec("SELECT count(*) FROM child").int64(0, 0) == 3);
  db->exec("COMMIT");
  CHECK(db->exec("SELECT count(*) FROM statements WHERE tbl = 'parent'").int64(0, 0) == 1);
  CHECK(db->exec("SELECT count(*) FROM statements WHERE tbl = 'child'").int64(0, 0) == 1);
  CHECK(db->exec("SELECT name FROM parent WHERE id = 2").text(0, 0) == "two \"quoted\"");
  // Rows keep the order they were buffered in (ids from the sequence follow it).
  PgResult children = db->exec("SELECT parent_id, note FROM child ORDER BY id");
  REQUIRE(children.rows() == 3);
  CHECK(children.optional_text(0, 1) == "first");
  CHECK_FALSE(children.optional_text(1, 1));
  CHECK(children.optional_text(2, 1) == "third");
}

TEST_CASE("postgres connection: a kMayWait statement leaves buffered rows for the next one") {
  auto db = connection_with_tables(fresh_database());
  const PgStatement lookup("SELECT count(*) FROM child", PgPlanning::kCached,
                           PgBufferedRows::kMayWait);
  const PgStatement must_see("SELECT count(*) FROM child");
  db->exec("BEGIN");
  add_parent(*db, 1, "one");
  add_child(*db, 1, "a");
  CHECK(db->exec(lookup).int64(0, 0) == 0);  // ran before the buffered rows went out
  add_child(*db, 1, "b");
  CHECK(db->exec(must_see).int64(0, 0) == 2);  // sent them first
  db->exec("COMMIT");
  // The rows buffered around the kMayWait statement went out as one INSERT per table.
  CHECK(db->exec("SELECT count(*) FROM statements WHERE tbl = 'parent'").int64(0, 0) == 1);
  CHECK(db->exec("SELECT count(*) FROM statements WHERE tbl = 'child'").int64(0, 0) == 1);
}

TEST_CASE(
    "postgres connection: a buffered row that fails behind a kMayWait statement fails the "
    "COMMIT") {
  const std::string url = fresh_database();
  auto db = connection_with_tables(url);
  const PgStatement lookup("SELECT 1", PgPlanning::kCached, PgBufferedRows::kMayWait);
  db->exec("BEGIN");
  add_parent(*db, 1, "one");
  add_child(*db, 99, "orphan");  // no such parent
  CHECK(db->exec(lookup).int64(0, 0) == 1);
  CHECK_THROWS_AS(db->exec("COMMIT"), StoreError);
  auto other = connect(url);
  CHECK(other->exec("SELECT count(*) FROM parent").int64(0, 0) == 0);
}

TEST_CASE("postgres connection: buffered rows go out before a deferred statement and COMMIT") {
  auto db = connection_with_tables(fresh_database());
  const PgStatement rename("UPDATE parent SET name = $2 WHERE id = $1");
  db->exec("BEGIN");
  add_parent(*db, 1, "one");
  db->defer(rename, {1, "renamed"});  // finds the buffered row: it went out first
  add_parent(*db, 2, "two");
  CHECK(db->exec("COMMIT").command() == "COMMIT");
  CHECK(db->exec("SELECT name FROM parent WHERE id = 1").text(0, 0) == "renamed");
  CHECK(db->exec("SELECT count(*) FROM parent").int64(0, 0) == 2);
  CHECK(db->clean());
}

TEST_CASE(
    "postgres connection: discarded rows are never sent, and a failing batch fails the next "
    "statement") {
  auto db = connection_with_tables(fresh_database());
  db->exec("BEGIN");
  add_parent(*db, 1, "one");
  CHECK_FALSE(db->clean());  // rows still buffered
  db->discard_rows();
  db->exec("ROLLBACK");
  CHECK(db->clean());
  CHECK(db->exec("SELECT count(*) FROM statements").int64(0, 0) == 0);

  db->exec("BEGIN");
  add_child(*db, 99, "orphan");  // no parent 99
  CHECK_THROWS_AS(db->exec("SELECT 1"), StoreError);
  db->exec("ROLLBACK");
  CHECK(db->exec("SELECT count(*) FROM child").int64(0, 0) == 0);
}

// Stores alert "a" and an open incident of group "g"; returns the incident.
IncidentRow seed(Store& store) {
  IncidentRow incident;
  write_ok(store, [&](WriteTx& tx) {
    incident = tx.insert_incident(sample_incident("g", 1'700'000'000'000));
    AlertRow row = sample_alert("a");
    row.incident_id = incident.id;
    tx.insert_alert(row);
  });
  return incident;
}

TEST_CASE("postgres store: prefetch locks what it read, and the lookups answer from it") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  const IncidentRow incident = seed(*store);
  auto other = connect(url);
  write_ok(*store, [&](WriteTx& tx) {
    const std::vector<AlertKey> alerts = {{"prometheus", "a"}, {"prometheus", "b"}};
    const std::vector<std::string> groups = {"g", "h"};
    tx.prefetch(alerts, groups);
    // Held until commit, as find_alert's and find_open_incident's locks are.
    CHECK_THROWS_AS(other->exec("SELECT 1 FROM alerts WHERE external_id = 'a' FOR UPDATE NOWAIT"),
                    StoreError);
    CHECK_THROWS_AS(
        other->exec("SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE NOWAIT", {incident.id}),
        StoreError);
    for (const char* group : {"g", "h"}) {
      CHECK_FALSE(other
                      ->exec("SELECT pg_try_advisory_xact_lock($1::int, hashtext($2))",
                             {kGroupLockClass, group})
                      .boolean(0, 0));
    }

    std::optional<AlertRow> a = tx.find_alert("prometheus", "a");
    REQUIRE(a);
    CHECK(a->incident_id == incident.id);
    CHECK_FALSE(tx.find_alert("prometheus", "b"));
    std::optional<IncidentRow> open = tx.find_open_incident("g", ms(1'600'000'000'000));
    REQUIRE(open);
    CHECK(open->id == incident.id);
    // The newest open incident is older than this window: none qualifies.
    CHECK_FALSE(tx.find_open_incident("g", ms(1'700'000'000'001)));
    CHECK_FALSE(tx.find_open_incident("h", ms(0)));
  });
}

TEST_CASE("postgres store: lookups after prefetch see the transaction's own writes") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  const IncidentRow older = seed(*store);
  write_ok(*store, [&](WriteTx& tx) {
    const std::vector<AlertKey> alerts = {{"prometheus", "a"}, {"prometheus", "b"}};
    const std::vector<std::string> groups = {"g"};
    tx.prefetch(alerts, groups);

    AlertRow b = sample_alert("b");
    b.id = tx.insert_alert(b);
    std::optional<AlertRow> found = tx.find_alert("prometheus", "b");
    REQUIRE(found);
    CHECK(found->id == b.id);
    b.alert.title = "changed";
    tx.update_alert(b);
    CHECK(tx.find_alert("prometheus", "b")->alert.title == "changed");

    // A newer incident of the group is the open one; resolved, the older one is again.
    IncidentRow newer = tx.insert_incident(sample_incident("g", 1'700'000'001'000));
    CHECK(tx.find_open_incident("g", ms(0))->id == newer.id);
    newer.status = IncidentStatus::kResolved;
    tx.update_incident(newer);
    CHECK(tx.find_open_incident("g", ms(0))->id == older.id);
  });
  CHECK(query_int(url, "SELECT count(*) FROM alerts WHERE title = 'changed'") == 1);
}

TEST_CASE(
    "postgres store: an alert another writer stores after prefetch found none fails the "
    "insert as retryable") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  auto other = migrated_store(url);
  Status status = store->write([&](WriteTx& tx) -> Status {
    const std::vector<AlertKey> alerts = {{"prometheus", "x"}};
    tx.prefetch(alerts, {});
    // Nothing is locked for a key that has no row: the other writer is not held up.
    write_ok(*other, [](WriteTx& other_tx) { other_tx.insert_alert(sample_alert("x")); });
    if (tx.find_alert("prometheus", "x")) return Error{ErrorCode::kInternal, "saw the row"};
    tx.insert_alert(sample_alert("x"));
    return {};
  });
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kUnavailable);
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 1);
}

}  // namespace
}  // namespace regen::storage
