// The write queue is bounded: while the writer is stuck in a commit, submissions beyond
// max_queued_requests are refused at once (the handler answers 503), and everything queued is
// still committed and answered once the store moves again.

#include "regend/ingest/group_commit_writer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "regend/storage/sqlite/sqlite_store.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace regen::ingest {
namespace {

domain::Submission submission(const std::string& id) {
  domain::NormalizedAlert alert;
  alert.source = "generic";
  alert.external_id = id;
  alert.title = "t";
  alert.raw = "{}";
  return {"generic", {alert}, std::nullopt};
}

}  // namespace

TEST_CASE("writer: a full queue refuses new submissions at once and drains when the store moves") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());

  // Another connection holds the write lock: the writer's first batch waits inside write().
  SQLite::Database blocker(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  blocker.exec("BEGIN IMMEDIATE");

  WriterSettings settings;
  settings.max_queued_requests = 2;
  GroupCommitWriter writer(store, settings, [] { return domain::Timestamp{}; });
  writer.start();

  std::vector<std::promise<bool>> outcomes(3);
  auto submit = [&](int i) {
    return writer.submit(submission("q" + std::to_string(i)),
                         [&outcomes, i](Result<domain::SubmissionResult> result) {
                           outcomes[i].set_value(result.ok());
                         });
  };
  REQUIRE(submit(0));
  // The writer has taken the first request and is blocked committing it.
  REQUIRE(test::wait_until([&] { return writer.stats().queue_depth.load() == 0; }));
  REQUIRE(submit(1));
  REQUIRE(submit(2));
  CHECK(writer.stats().queue_depth.load() == 2);
  CHECK_FALSE(writer.submit(submission("refused"), [](Result<domain::SubmissionResult>) {
    FAIL("a refused submission must never be answered");
  }));
  CHECK(writer.stats().refused_requests.load() == 1);

  blocker.exec("COMMIT");
  for (auto& outcome : outcomes) {
    auto future = outcome.get_future();
    REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    CHECK(future.get());
  }
  writer.stop();
}

TEST_CASE("writer: requests queued while a transaction is built join that transaction") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  // The writer's first batch waits for the write lock; everything submitted meanwhile is
  // queued, and the transaction that finally runs takes it along instead of leaving it for a
  // second commit.
  SQLite::Database blocker(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  blocker.exec("BEGIN IMMEDIATE");
  std::vector<std::size_t> batches;
  WriterSettings settings;
  settings.on_commit = [&batches](std::chrono::steady_clock::duration, std::size_t requests) {
    batches.push_back(requests);
  };
  GroupCommitWriter writer(store, settings, [] { return domain::Timestamp{}; });
  writer.start();

  std::vector<std::promise<bool>> outcomes(4);
  auto submit = [&](int i) {
    return writer.submit(submission("join" + std::to_string(i)),
                         [&outcomes, i](Result<domain::SubmissionResult> result) {
                           outcomes[i].set_value(result.ok() && result.value().created == 1);
                         });
  };
  REQUIRE(submit(0));
  REQUIRE(test::wait_until([&] { return writer.stats().queue_depth.load() == 0; }));
  for (int i = 1; i < 4; ++i) REQUIRE(submit(i));
  blocker.exec("COMMIT");
  for (auto& outcome : outcomes) {
    auto future = outcome.get_future();
    REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    CHECK(future.get());
  }
  writer.stop();
  CHECK(batches == std::vector<std::size_t>{4});
}

TEST_CASE("writer: a batch never takes more than max_batch_alerts, however many are queued") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  SQLite::Database blocker(dir.file("regen.db"), SQLite::OPEN_READWRITE);
  blocker.exec("BEGIN IMMEDIATE");
  std::vector<std::size_t> batches;
  WriterSettings settings;
  settings.max_batch_alerts = 2;
  settings.on_commit = [&batches](std::chrono::steady_clock::duration, std::size_t requests) {
    batches.push_back(requests);
  };
  GroupCommitWriter writer(store, settings, [] { return domain::Timestamp{}; });
  writer.start();
  std::atomic<int> answered{0};
  auto submit = [&](int i) {
    return writer.submit(submission("cap" + std::to_string(i)),
                         [&answered](Result<domain::SubmissionResult> result) {
                           if (result.ok()) ++answered;
                         });
  };
  REQUIRE(submit(0));
  REQUIRE(test::wait_until([&] { return writer.stats().queue_depth.load() == 0; }));
  for (int i = 1; i < 5; ++i) REQUIRE(submit(i));
  blocker.exec("COMMIT");
  REQUIRE(test::wait_until([&] { return answered.load() == 5; }, std::chrono::seconds(30)));
  writer.stop();
  for (std::size_t requests : batches) CHECK(requests <= 2);
}

}  // namespace regen::ingest
