#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <numeric>
#include <thread>
#include <vector>

#include "regend/domain/ingestion.h"
#include "tests/support/wait.h"
#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;
using test::wait_until;

// True once some backend of the database at `url` waits for a lock (row or advisory).
bool someone_waits_for_a_lock(const std::string& url) {
  return query_int(url,
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'") > 0;
}

// What grouping does for an alert of group "g": joins its open incident, or opens one. Returns
// the incident's id.
int64_t open_or_join_group(WriteTx& tx) {
  std::optional<IncidentRow> open = tx.find_open_incident("g", ms(0));
  if (open) return open->id;
  return tx.insert_incident(sample_incident("g", 1000)).id;
}

// A writer of its own (as another regend instance would be) running `body` in one write
// transaction on a thread; `status` receives the outcome. `url` must outlive the thread.
std::jthread write_from_other_instance(const std::string& url, Status& status,
                                       std::function<Status(WriteTx&)> body) {
  return std::jthread([&url, &status, body = std::move(body)] {
    PgStore instance(settings_for(url));
    status = instance.write(body);
  });
}

TEST_CASE("postgres store: eight instances inserting one new alert store one row, losers retry") {
  const std::string url = fresh_database();
  migrated_store(url);
  constexpr int kWriters = 8;
  std::atomic<int> looked{0};
  std::vector<Status> results(kWriters, Status());
  {
    std::vector<std::jthread> threads;
    for (Status& result : results) {
      threads.emplace_back([&] {
        PgStore store(settings_for(url));  // one regend instance each
        result = store.write([&](WriteTx& tx) -> Status {
          if (tx.find_alert("prometheus", "same").has_value())
            return Error{ErrorCode::kInternal, "seen"};
          // Everyone has looked (and found nothing) before anyone inserts.
          ++looked;
          wait_until([&] { return looked.load() == kWriters; });
          tx.insert_alert(sample_alert("same"));
          return {};
        });
      });
    }
  }
  int won = 0;
  for (const Status& result : results) {
    if (result.ok()) {
      ++won;
      continue;
    }
    INFO(result.error().message);
    CHECK(result.error().code == ErrorCode::kUnavailable);
    // Deferred, the insert fails at the COMMIT ("COMMIT failed: ...").
    CHECK_THAT(result.error().message,
               Catch::EndsWith("concurrent insert of the same alert; retry"));
  }
  CHECK(won == 1);
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 1);

  PgStore loser(settings_for(url));
  write_ok(loser, [](WriteTx& tx) {
    std::optional<AlertRow> found = tx.find_alert("prometheus", "same");
    REQUIRE(found.has_value());
    found->occurrence = 2;
    tx.update_alert(*found);
  });
  CHECK(query_int(url, "SELECT occurrence FROM alerts") == 2);
}

TEST_CASE("postgres store: concurrent writers get distinct incident numbers without gaps") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  std::mutex mutex;
  std::vector<int64_t> numbers;
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 10; ++i) {
          Status status = store->write([&](WriteTx& tx) -> Status {
            int64_t number = tx.insert_incident(sample_incident("g", i)).incident_number;
            std::lock_guard lock(mutex);
            numbers.push_back(number);
            return {};
          });
          if (!status) ++failures;
        }
      });
    }
  }
  CHECK(failures == 0);
  std::sort(numbers.begin(), numbers.end());
  std::vector<int64_t> expected(40);
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(numbers == expected);
}

TEST_CASE("postgres store: two writers updating one alert serialize on its row") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  write_ok(*store, [](WriteTx& tx) { tx.insert_alert(sample_alert("a")); });
  auto bump = [](WriteTx& tx) {
    std::optional<AlertRow> row = tx.find_alert("prometheus", "a");
    if (!row) throw StoreError(ErrorCode::kInternal, "alert vanished");
    ++row->occurrence;
    tx.update_alert(*row);
  };
  std::atomic<bool> first_holds{false};
  std::atomic<bool> release{false};
  Status first, second;
  {
    std::jthread holder([&] {
      first = store->write([&](WriteTx& tx) -> Status {
        bump(tx);
        first_holds = true;
        wait_until([&] { return release.load(); });
        return {};
      });
    });
    REQUIRE(wait_until([&] { return first_holds.load(); }));
    std::jthread waiter([&] {
      second = store->write([&](WriteTx& tx) -> Status {
        bump(tx);
        return {};
      });
    });
    CHECK(wait_until([&] { return someone_waits_for_a_lock(url); }));
    release = true;
  }
  CHECK(first.ok());
  CHECK(second.ok());
  CHECK(query_int(url, "SELECT occurrence FROM alerts") == 3);
}

// The second writer of a group waits for the first one's group lock until its commit, then
// joins the incident the first one opened. The first writer looks its group up twice (two
// alerts of one group in a batch): the lock it already holds is not taken again.
TEST_CASE("postgres store: two writers grouping into one new incident create it once") {
  const std::string url = fresh_database();
  migrated_store(url);
  std::atomic<bool> first_done{false};
  std::atomic<bool> release{false};
  int64_t created = 0, joined = 0, second_id = 0;
  Status first, second;
  {
    std::jthread creator = write_from_other_instance(url, first, [&](WriteTx& tx) -> Status {
      created = open_or_join_group(tx);
      joined = open_or_join_group(tx);
      first_done = true;
      wait_until([&] { return release.load(); });
      return {};
    });
    REQUIRE(wait_until([&] { return first_done.load(); }));
    CHECK(query_int(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") ==
          1);
    std::jthread joiner = write_from_other_instance(url, second, [&](WriteTx& tx) -> Status {
      second_id = open_or_join_group(tx);
      return {};
    });
    CHECK(wait_until([&] { return someone_waits_for_a_lock(url); }));
    release = true;
  }
  CHECK(first.ok());
  CHECK(second.ok());
  CHECK(joined == created);
  CHECK(second_id == created);
  CHECK(query_int(url, "SELECT count(*) FROM incidents") == 1);
}

// Ingestion of one firing alert of group "DiskFull" (or its resolution), as the writer runs it.
domain::Submission disk_full(const std::string& id, domain::AlertStatus status) {
  domain::NormalizedAlert alert;
  alert.source = "prometheus";
  alert.external_id = id;
  alert.title = "disk full";
  alert.status = status;
  alert.labels = {{"alertname", "DiskFull"}};
  alert.raw = "{}";
  return {"prometheus", {alert}, std::nullopt};
}

Status ingest(Store& store, const domain::Submission& submission) {
  return store.write([&](WriteTx& tx) -> Status {
    domain::apply(tx, tx.load_rules(), submission, ms(2000), {.auto_resolve = true});
    return {};
  });
}

// Another writer (another regend writer or instance) is linking a new firing alert to the
// incident while this one resolves the incident's only alert: the resolution must wait for it
// and count its link, or the incident would be resolved with a firing alert in it.
TEST_CASE("postgres writer: resolving an incident's last alert counts a link being added to it") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  REQUIRE(ingest(*store, disk_full("x", domain::AlertStatus::kFiring)).ok());
  const int64_t incident = query_int(url, "SELECT id FROM incidents");

  // The other writer, mid-transaction: it has locked the incident (as its open-incident lookup
  // does) and linked alert y to it, and has not committed.
  auto other = connect(url);
  other->exec("BEGIN");
  other->exec("SELECT id FROM incidents WHERE id = $1 FOR UPDATE", {incident});
  const int64_t y =
      other
          ->exec(
              "INSERT INTO alerts (source, external_id, title, severity, status, received_at, "
              "updated_at, incident_id) VALUES ('prometheus', 'y', 't', 'warning', 'firing', "
              "0, 0, $1) RETURNING id",
              {incident})
          .int64(0, 0);
  other->exec(
      "INSERT INTO incident_alerts (incident_id, alert_id, occurrence, linked_at) "
      "VALUES ($1, $2, 1, 0)",
      {incident, y});

  Status resolved;
  {
    std::jthread resolver(
        [&] { resolved = ingest(*store, disk_full("x", domain::AlertStatus::kResolved)); });
    CHECK(wait_until([&] { return someone_waits_for_a_lock(url); }));
    other->exec("COMMIT");
  }
  REQUIRE(resolved.ok());
  CHECK(query_int(url, "SELECT count(*) FROM timeline WHERE kind = 'alert_resolved'") == 1);
  CHECK(query_int(url, "SELECT count(*) FROM timeline WHERE kind = 'all_alerts_resolved'") == 0);
  CHECK(query_int(url, "SELECT count(*) FROM incidents WHERE status = 'triggered'") == 1);
}

// The open-incident prefetch locks the newest open incident of each group; one resolved by
// another transaction while the prefetch waited for its row is passed over for the next newest
// open one, which is then the group's open incident.
TEST_CASE("postgres store: the open-incident prefetch skips an incident resolved while it waited") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  int64_t older = 0, newer = 0;
  write_ok(*store, [&](WriteTx& tx) {
    older = tx.insert_incident(sample_incident("g", 1000)).id;
    newer = tx.insert_incident(sample_incident("g", 2000)).id;
  });
  auto other = connect(url);
  other->exec("BEGIN");
  other->exec("UPDATE incidents SET status = 'resolved' WHERE id = $1", {newer});

  std::optional<IncidentRow> found;
  Status status;
  {
    std::jthread prefetcher([&] {
      status = store->write([&](WriteTx& tx) -> Status {
        const std::vector<std::string> groups = {"g"};
        tx.prefetch({}, groups);
        found = tx.find_open_incident("g", ms(0));
        return {};
      });
    });
    CHECK(wait_until([&] { return someone_waits_for_a_lock(url); }));
    other->exec("COMMIT");
  }
  REQUIRE(status.ok());
  REQUIRE(found.has_value());
  CHECK(found->id == older);
}

TEST_CASE("postgres store: more writers than pooled connections all complete") {
  const std::string url = fresh_database();
  PgSettings settings = settings_for(url);
  settings.pool_size = 2;
  migrated_store(url);
  PgStore store(settings);
  std::atomic<int> failures{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 5; ++i) {
          Status status = store.write([&](WriteTx& tx) -> Status {
            tx.insert_alert(sample_alert(std::to_string(t) + "-" + std::to_string(i)));
            return {};
          });
          if (!status) ++failures;
        }
      });
    }
  }
  CHECK(failures == 0);
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 40);
  // The pool's two connections, and the one this query runs on. Waited for: the migration's
  // connection, closed before the writes, stays listed until its backend has exited, which a
  // loaded machine may delay; a connection the pool leaked would stay for good.
  CHECK(wait_until([&] {
    return query_int(url,
                     "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND application_name = 'regend'") <= 3;
  }));
}

TEST_CASE(
    "postgres store: a caller finding every connection busy past connect_timeout is unavailable") {
  const std::string url = fresh_database();
  PgSettings settings = settings_for(url);
  settings.pool_size = 1;
  settings.connect_timeout = std::chrono::milliseconds(300);
  migrated_store(url);
  PgStore store(settings);
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  Status held;
  {
    std::jthread holder([&] {
      held = store.write([&](WriteTx&) -> Status {
        holding = true;
        wait_until([&] { return release.load(); });
        return {};
      });
    });
    REQUIRE(wait_until([&] { return holding.load(); }));
    const auto started = std::chrono::steady_clock::now();
    Status busy = store.ping();
    const auto waited = std::chrono::steady_clock::now() - started;
    release = true;
    REQUIRE_FALSE(busy.ok());
    CHECK(busy.error().code == ErrorCode::kUnavailable);
    CHECK_THAT(busy.error().message, Catch::Contains("busy"));
    CHECK(waited >= std::chrono::milliseconds(250));
  }
  CHECK(held.ok());
  CHECK(store.ping().ok());
}

}  // namespace
}  // namespace regen::storage
