// Several writers: each submission goes to the writer of its incident group once the writers
// have loaded the rules, every submission is answered, and the queue bound is shared out.
// (The contract suite checks what several writers store, on every backend.)

#include "regend/ingest/writer_pool.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "regend/storage/sqlite/sqlite_store.h"
#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace regen::ingest {
namespace {

domain::Submission submission(const std::string& id, const std::string& alertname) {
  domain::NormalizedAlert alert;
  alert.source = "prometheus";
  alert.external_id = id;
  alert.title = alertname;
  alert.raw = "{}";
  if (!alertname.empty()) alert.labels = {{"alertname", alertname}};
  return {"prometheus", {alert}, std::nullopt};
}

// Submits and waits for the answer.
Result<domain::SubmissionResult> submit_and_wait(WriterPool& pool, domain::Submission s) {
  std::promise<Result<domain::SubmissionResult>> done;
  REQUIRE(pool.submit(std::move(s),
                      [&done](Result<domain::SubmissionResult> r) { done.set_value(r); }));
  auto future = done.get_future();
  REQUIRE(future.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return future.get();
}

}  // namespace

TEST_CASE("writer pool: alerts of one group go to one writer, groups spread over the writers") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  WriterPool pool(store, 4, {}, [] { return domain::Timestamp{}; });
  pool.start();
  REQUIRE(pool.size() == 4);
  // The router learns the rules (the seeded default groups by alertname) from the writers.
  REQUIRE(submit_and_wait(pool, submission("first", "Warmup")).ok());

  std::set<std::size_t> used;
  for (int group = 0; group < 40; ++group) {
    const std::string name = "Group" + std::to_string(group);
    const std::size_t writer = pool.writer_for(submission("a" + std::to_string(group), name));
    for (int alert = 0; alert < 5; ++alert) {
      CHECK(pool.writer_for(submission(name + "-" + std::to_string(alert), name)) == writer);
    }
    used.insert(writer);
  }
  CHECK(used.size() == 4);
  // Alerts that join no group (no alertname) are spread by their own key.
  std::set<std::size_t> ungrouped;
  for (int i = 0; i < 40; ++i)
    ungrouped.insert(pool.writer_for(submission("u" + std::to_string(i), "")));
  CHECK(ungrouped.size() == 4);
  pool.stop();
}

TEST_CASE("writer pool: concurrent submissions are all answered and grouped once per group") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  WriterPool pool(store, 3, {}, [] { return domain::Timestamp{}; });
  pool.start();
  std::atomic<int> ok{0};
  std::atomic<int> incidents{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 6; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto result =
            submit_and_wait(pool, submission("s" + std::to_string(t) + "-" + std::to_string(i),
                                             "Group" + std::to_string(i % 5)));
        if (result.ok()) {
          ++ok;
          incidents += static_cast<int>(result.value().incidents_created);
        }
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  pool.stop();
  CHECK(ok == 120);
  CHECK(incidents == 5);
  uint64_t committed = 0;
  for (std::size_t i = 0; i < pool.size(); ++i) committed += pool.stats(i).committed_requests;
  CHECK(committed == 120);
  CHECK(pool.queue_depth() == 0);
}

TEST_CASE("writer pool: the queue bound is shared out between the writers") {
  test::TempDir dir;
  storage::SqliteStore store(dir.file("regen.db"));
  REQUIRE(store.migrate().ok());
  WriterSettings settings;
  settings.max_queued_requests = 3;  // two writers: 2 each, rounded up
  WriterPool pool(store, 2, settings, [] { return domain::Timestamp{}; });
  // Not started: nothing leaves the queues.
  std::vector<std::size_t> accepted(2);
  for (int i = 0; i < 40; ++i) {
    domain::Submission s = submission("q" + std::to_string(i), "");
    const std::size_t writer = pool.writer_for(s);
    if (pool.submit(std::move(s), [](Result<domain::SubmissionResult>) {})) ++accepted[writer];
  }
  CHECK(accepted == std::vector<std::size_t>{2, 2});
  CHECK(pool.queue_depth() == 4);
  CHECK(pool.stats(0).refused_requests + pool.stats(1).refused_requests == 36);
  pool.start();
  REQUIRE(test::wait_until([&] { return pool.queue_depth() == 0; }, std::chrono::seconds(30)));
  pool.stop();
}

}  // namespace regen::ingest
