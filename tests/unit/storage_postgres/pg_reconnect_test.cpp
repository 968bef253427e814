#include <catch2/catch.hpp>

#include "tests/support/wait.h"
#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;
using test::wait_until;

// Restarts the shared server when a test leaves early, so later test cases find it running.
struct RestartOnExit {
  ~RestartOnExit() {
    if (!server().running()) server().start();
  }
};

Status find_alert(Store& store, const std::string& external_id) {
  return store.read([&](ReadTx& tx) -> Status {
    if (!tx.find_alert("prometheus", external_id)) return Error{ErrorCode::kNotFound, external_id};
    return {};
  });
}

Status insert_alert(Store& store, const std::string& external_id) {
  return store.write([&](WriteTx& tx) -> Status {
    tx.insert_alert(sample_alert(external_id));
    return {};
  });
}

TEST_CASE("postgres store: while the server is down calls are unavailable, then it reconnects") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  REQUIRE(store->ping().ok());
  REQUIRE(insert_alert(*store, "before").ok());

  RestartOnExit restart;
  server().stop();
  Status ping = store->ping();
  REQUIRE_FALSE(ping.ok());
  CHECK(ping.error().code == ErrorCode::kUnavailable);
  Status write = insert_alert(*store, "during");
  REQUIRE_FALSE(write.ok());
  CHECK(write.error().code == ErrorCode::kUnavailable);
  Status read = find_alert(*store, "before");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kUnavailable);
  CHECK(store->migrate().error().code == ErrorCode::kUnavailable);

  server().start();
  CHECK(wait_until([&] { return store->ping().ok(); }, std::chrono::seconds(15)));
  CHECK(insert_alert(*store, "after").ok());
  CHECK(find_alert(*store, "before").ok());
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 2);
}

TEST_CASE("postgres store: pooled connections cut by a restart are replaced without an error") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  REQUIRE(insert_alert(*store, "before").ok());
  {
    RestartOnExit restart;
    server().stop();
    server().start();
  }
  // The pooled connection died with the old server; the first write still succeeds.
  Status status = insert_alert(*store, "after");
  INFO((status ? "" : status.error().message));
  CHECK(status.ok());
}

TEST_CASE("postgres store: a read on a pooled connection cut by a restart succeeds") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  REQUIRE(insert_alert(*store, "before").ok());
  {
    RestartOnExit restart;
    server().stop();
    server().start();
  }
  Status status = find_alert(*store, "before");
  INFO((status ? "" : status.error().message));
  CHECK(status.ok());
}

TEST_CASE("postgres store: during reconnect backoff calls fail fast without connecting") {
  PgSettings settings = settings_for("postgres://regen@127.0.0.1:1/regen");
  PgStore store(settings);
  Status first = store.ping();
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == ErrorCode::kUnavailable);
  CHECK_THAT(first.error().message, Catch::Contains("cannot connect to postgres"));
  Status second = store.ping();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::kUnavailable);
  CHECK_THAT(second.error().message, Catch::Contains("next connection attempt in"));
  Status write = store.write([](WriteTx&) -> Status { return {}; });
  REQUIRE_FALSE(write.ok());
  CHECK(write.error().code == ErrorCode::kUnavailable);
  Status read = store.read([](ReadTx&) -> Status { return {}; });
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace regen::storage
