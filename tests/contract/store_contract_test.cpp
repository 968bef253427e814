// The storage contract: what accepting alerts does, checked against every backend through the
// same domain logic (dedup, resolve, re-fire, routing, grouping, windows, auto-resolve,
// timeline, outbox, rollback, concurrent duplicates).

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <map>
#include <thread>

#include "regend/domain/ingestion.h"
#include "regend/ingest/group_commit_writer.h"
#include "regend/ingest/writer_pool.h"
#include "tests/contract/backends.h"

namespace regen::test {
namespace {

using domain::AlertStatus;
using domain::NormalizedAlert;
using domain::Severity;
using domain::Timestamp;
using namespace std::chrono_literals;

const Timestamp kStart = Timestamp(std::chrono::milliseconds(1'800'000'000'000));

NormalizedAlert alert(std::string id, std::string alertname,
                      AlertStatus status = AlertStatus::kFiring) {
  NormalizedAlert a;
  a.source = "prometheus";
  a.external_id = std::move(id);
  a.title = alertname;
  a.severity = Severity::kWarning;
  a.status = status;
  a.labels = {{"alertname", alertname}, {"team", "db"}};
  a.raw = "{}";
  return a;
}

// A store plus the clock and settings ingestion runs with.
class Harness {
 public:
  explicit Harness(const std::string& backend) : store_(open_empty_store(backend)) {}

  domain::SubmissionResult ingest(std::vector<NormalizedAlert> alerts,
                                  std::optional<std::string> delivery = std::nullopt) {
    std::vector<domain::Submission> one;
    one.push_back({"prometheus", std::move(alerts), std::move(delivery)});
    return apply_in_one_transaction(std::move(one)).front();
  }

  // One transaction applying `submissions` together, as the writer applies a batch.
  std::vector<domain::SubmissionResult> ingest_together(
      std::vector<std::vector<NormalizedAlert>> submissions) {
    std::vector<domain::Submission> held;
    for (auto& alerts : submissions) held.push_back({"prometheus", std::move(alerts), {}});
    return apply_in_one_transaction(std::move(held));
  }

  std::vector<domain::SubmissionResult> apply_in_one_transaction(
      std::vector<domain::Submission> submissions) {
    std::vector<const domain::Submission*> batch;
    for (const auto& submission : submissions) batch.push_back(&submission);
    std::vector<domain::SubmissionResult> results;
    Status status = store_->write([&](storage::WriteTx& tx) {
      domain::RuleSet rules = tx.load_rules();
      results = domain::apply(tx, rules, batch, now, settings);
      return Status{};
    });
    REQUIRE(status.ok());
    return results;
  }

  template <typename F>
  auto read(F f) {
    std::invoke_result_t<F, storage::WriteTx&> value{};
    Status status = store_->write([&](storage::WriteTx& tx) {
      value = f(tx);
      return Status{};
    });
    REQUIRE(status.ok());
    return value;
  }

  storage::AlertRow stored(const std::string& id) {
    auto row = read([&](storage::WriteTx& tx) { return tx.find_alert("prometheus", id); });
    REQUIRE(row);
    return *row;
  }
  std::vector<std::string> timeline_kinds(int64_t incident_id) {
    std::vector<std::string> kinds;
    for (const auto& entry :
         read([&](storage::WriteTx& tx) { return tx.list_timeline(incident_id); })) {
      kinds.push_back(entry.kind);
    }
    return kinds;
  }
  int64_t outbox() {
    return read([](storage::WriteTx& tx) { return tx.count_outbox(1000); });
  }
  storage::IncidentRow incident(int64_t id) {
    auto row = read([&](storage::WriteTx& tx) { return tx.find_incident(id); });
    REQUIRE(row);
    return *row;
  }
  void add_routing(const std::string& match, const std::string& actions) {
    read([&](storage::WriteTx& tx) {
      return tx.insert_routing_rule({"test", 10, true, match, actions}, now);
    });
  }
  void add_grouping(const std::string& match, const std::string& group_by, int64_t window_s) {
    read([&](storage::WriteTx& tx) {
      return tx.insert_grouping_rule({"test", 10, true, match, group_by, window_s}, now);
    });
  }

  storage::Store& store() { return *store_; }
  Timestamp now = kStart;
  domain::IngestionSettings settings;

 private:
  std::unique_ptr<storage::Store> store_;
};

}  // namespace

TEST_CASE("contract: a new firing alert opens an incident with timeline and outbox rows") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      auto result = h.ingest({alert("a1", "DiskFull")});
      CHECK(result.received == 1);
      CHECK(result.created == 1);
      CHECK(result.incidents_created == 1);
      storage::AlertRow row = h.stored("a1");
      REQUIRE(row.incident_id);
      CHECK(row.occurrence == 1);
      storage::IncidentRow incident = h.incident(*row.incident_id);
      CHECK(incident.title == "DiskFull");
      CHECK(incident.status == domain::IncidentStatus::kTriggered);
      CHECK(incident.incident_number >= 1);
      CHECK(h.timeline_kinds(incident.id) ==
            std::vector<std::string>{"incident_created", "alert_linked"});
      CHECK(h.outbox() == 2);
    }
  }
}

TEST_CASE("contract: submissions applied in one transaction do what they do one by one") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      NormalizedAlert retitled = alert("a1", "DiskFull");
      retitled.title = "Disk almost full";
      // Later submissions see what earlier ones wrote: a2 joins a1's incident, a1 is updated
      // and a2 resolved before the transaction has stored anything.
      auto results = h.ingest_together({{alert("a1", "DiskFull")},
                                        {alert("a2", "DiskFull"), alert("a3", "CpuHigh")},
                                        {retitled},
                                        {alert("a2", "DiskFull", AlertStatus::kResolved)}});
      REQUIRE(results.size() == 4);
      CHECK(results[0].created == 1);
      CHECK(results[0].incidents_created == 1);
      CHECK(results[1].created == 2);
      CHECK(results[1].incidents_created == 1);
      CHECK(results[2].updated == 1);
      CHECK(results[3].updated == 1);

      storage::AlertRow a1 = h.stored("a1");
      storage::AlertRow a2 = h.stored("a2");
      storage::AlertRow a3 = h.stored("a3");
      CHECK(a1.alert.title == "Disk almost full");
      CHECK(a2.alert.status == AlertStatus::kResolved);
      REQUIRE(a1.incident_id);
      CHECK(a2.incident_id == a1.incident_id);
      REQUIRE(a3.incident_id);
      CHECK(a3.incident_id != a1.incident_id);
      CHECK(h.timeline_kinds(*a1.incident_id) ==
            std::vector<std::string>{"incident_created", "alert_linked", "alert_linked",
                                     "alert_resolved"});
      CHECK(h.outbox() == 6);

      // A resolved alert firing again and a new alert of the group, together: both join the
      // incident a1 keeps open.
      results = h.ingest_together({{alert("a2", "DiskFull")}, {alert("a4", "DiskFull")}});
      CHECK(results[0].created == 1);
      CHECK(results[1].created == 1);
      CHECK(results[0].incidents_created + results[1].incidents_created == 0);
      CHECK(h.stored("a2").occurrence == 2);
      CHECK(h.stored("a2").incident_id == a1.incident_id);
      CHECK(h.stored("a4").incident_id == a1.incident_id);
    }
  }
}

TEST_CASE("contract: the outbox is counted up to the limit asked for") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.ingest({alert("a1", "DiskFull"), alert("a2", "CpuHigh"), alert("a3", "MemHigh")});
      CHECK(h.read([](storage::WriteTx& tx) { return tx.count_outbox(1000); }) == 6);
      CHECK(h.read([](storage::WriteTx& tx) { return tx.count_outbox(4); }) == 4);
      CHECK(h.read([](storage::WriteTx& tx) { return tx.count_outbox(6); }) == 6);
    }
  }
}

TEST_CASE("contract: replaying the same payload changes nothing the second time") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.ingest({alert("a1", "DiskFull"), alert("a2", "CpuHigh")});
      int64_t outbox = h.outbox();
      auto replay = h.ingest({alert("a1", "DiskFull"), alert("a2", "CpuHigh")});
      CHECK(replay.received == 2);
      CHECK(replay.created == 0);
      CHECK(replay.updated == 0);
      CHECK(replay.incidents_created == 0);
      CHECK(h.outbox() == outbox);
    }
  }
}

TEST_CASE("contract: a firing alert that changed is updated in place") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.ingest({alert("a1", "DiskFull")});
      NormalizedAlert changed = alert("a1", "DiskFull");
      changed.description = "now 99% full";
      auto result = h.ingest({changed});
      CHECK(result.updated == 1);
      CHECK(result.created == 0);
      CHECK(h.stored("a1").alert.description == "now 99% full");
    }
  }
}

TEST_CASE(
    "contract: resolving every alert records all_alerts_resolved; auto_resolve off keeps it open") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.ingest({alert("a1", "DiskFull"), alert("a2", "DiskFull")});
      int64_t incident_id = *h.stored("a1").incident_id;
      CHECK(*h.stored("a2").incident_id == incident_id);  // grouped by alertname

      h.now += 10s;
      auto first = h.ingest({alert("a1", "DiskFull", AlertStatus::kResolved)});
      CHECK(first.updated == 1);
      CHECK(h.stored("a1").alert.status == AlertStatus::kResolved);
      CHECK(h.stored("a1").alert.ended_at == h.now);
      CHECK(h.timeline_kinds(incident_id).back() == "alert_resolved");

      h.ingest({alert("a2", "DiskFull", AlertStatus::kResolved)});
      auto kinds = h.timeline_kinds(incident_id);
      CHECK(kinds.back() == "all_alerts_resolved");
      CHECK(h.incident(incident_id).status == domain::IncidentStatus::kTriggered);

      auto again = h.ingest({alert("a2", "DiskFull", AlertStatus::kResolved)});
      CHECK(again.updated == 0);
      CHECK(h.timeline_kinds(incident_id).size() == kinds.size());
    }
  }
}

TEST_CASE("contract: with auto_resolve on, the incident resolves with its last alert") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.settings.auto_resolve = true;
      h.ingest({alert("a1", "DiskFull")});
      int64_t incident_id = *h.stored("a1").incident_id;
      h.now += 1min;
      h.ingest({alert("a1", "DiskFull", AlertStatus::kResolved)});
      storage::IncidentRow incident = h.incident(incident_id);
      CHECK(incident.status == domain::IncidentStatus::kResolved);
      CHECK(incident.resolved_at == h.now);
      CHECK(h.timeline_kinds(incident_id).back() == "status_changed");
    }
  }
}

TEST_CASE("contract: a resolved alert firing again is a new occurrence, grouped again") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.settings.auto_resolve = true;
      h.ingest({alert("a1", "DiskFull")});
      int64_t first_incident = *h.stored("a1").incident_id;
      h.ingest({alert("a1", "DiskFull", AlertStatus::kResolved)});
      h.now += 1min;
      auto refire = h.ingest({alert("a1", "DiskFull")});
      CHECK(refire.created == 1);
      CHECK(refire.incidents_created == 1);  // the first incident was resolved
      storage::AlertRow row = h.stored("a1");
      CHECK(row.occurrence == 2);
      CHECK(row.alert.status == AlertStatus::kFiring);
      CHECK_FALSE(row.alert.ended_at);
      REQUIRE(row.incident_id);
      CHECK(*row.incident_id != first_incident);
      CHECK(h.incident(*row.incident_id).incident_number >
            h.incident(first_incident).incident_number);
    }
  }
}

TEST_CASE("contract: grouping joins alerts within the window and opens a new incident after it") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.ingest({alert("a1", "DiskFull")});
      h.now += 299s;
      auto inside = h.ingest({alert("a2", "DiskFull"), alert("a3", "CpuHigh")});
      CHECK(inside.incidents_created == 1);  // CpuHigh only
      CHECK(*h.stored("a2").incident_id == *h.stored("a1").incident_id);
      CHECK(*h.stored("a3").incident_id != *h.stored("a1").incident_id);
      h.now += 2s;  // 301 s after the first incident opened: outside the default 300 s window
      auto outside = h.ingest({alert("a4", "DiskFull")});
      CHECK(outside.incidents_created == 1);
      CHECK(*h.stored("a4").incident_id != *h.stored("a1").incident_id);
    }
  }
}

TEST_CASE("contract: by default, alerts without an alertname do not share an incident") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      NormalizedAlert first = alert("c1", "ignored");
      NormalizedAlert second = alert("c2", "ignored");
      first.labels = {{"region", "eu-west-1"}};
      second.labels = {{"region", "eu-west-1"}};
      auto result = h.ingest({first, second});
      CHECK(result.incidents_created == 2);
    }
  }
}

TEST_CASE("contract: a grouping rule's keys and priority decide which alerts share an incident") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.add_grouping(R"({"labels":[{"key":"team","op":"equals","value":"db"}]})", R"(["team"])",
                     600);
      auto result = h.ingest({alert("a1", "DiskFull"), alert("a2", "CpuHigh")});
      CHECK(result.incidents_created == 1);  // both team=db, grouped by team
      CHECK(*h.stored("a1").incident_id == *h.stored("a2").incident_id);
    }
  }
}

TEST_CASE("contract: routing can suppress, override severity, or skip the incident") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      h.add_routing(R"({"labels":[{"key":"alertname","op":"equals","value":"Noisy"}]})",
                    R"({"suppress":true})");
      h.add_routing(R"({"labels":[{"key":"alertname","op":"regex","value":"Disk.*"}]})",
                    R"({"severity":"critical"})");
      h.add_routing(R"({"labels":[{"key":"alertname","op":"exists"}],"severity":"info"})",
                    R"({"create_incident":false})");
      NormalizedAlert info = alert("a3", "Chatty");
      info.severity = Severity::kInfo;
      auto result = h.ingest({alert("a1", "Noisy"), alert("a2", "DiskFull"), info});
      CHECK(result.created == 3);
      CHECK(result.incidents_created == 1);
      CHECK(h.stored("a1").suppressed);
      CHECK_FALSE(h.stored("a1").incident_id);
      CHECK(h.stored("a2").alert.severity == Severity::kCritical);
      CHECK(h.incident(*h.stored("a2").incident_id).severity == Severity::kCritical);
      CHECK_FALSE(h.stored("a3").incident_id);
    }
  }
}

TEST_CASE("contract: a delivery id already applied is not applied twice") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      auto first = h.ingest({alert("a1", "DiskFull")}, "sns-message-1");
      CHECK_FALSE(first.replayed_delivery);
      NormalizedAlert changed = alert("a1", "DiskFull");
      changed.description = "changed";
      auto replay = h.ingest({changed}, "sns-message-1");
      CHECK(replay.replayed_delivery);
      CHECK(replay.updated == 0);
      CHECK(h.stored("a1").alert.description.empty());
    }
  }
}

TEST_CASE("contract: a transaction that fails writes no alert, incident, timeline or outbox row") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      Status status = h.store().write([&](storage::WriteTx& tx) {
        domain::RuleSet rules = tx.load_rules();
        domain::apply(tx, rules, {"prometheus", {alert("a1", "DiskFull")}, std::nullopt}, h.now,
                      h.settings);
        return Status(Error{ErrorCode::kInternal, "injected failure after the writes"});
      });
      CHECK_FALSE(status.ok());
      CHECK_FALSE(h.read([](storage::WriteTx& tx) { return tx.find_alert("prometheus", "a1"); }));
      CHECK(h.outbox() == 0);
      // The store still works; incident numbers may have a gap (PostgreSQL sequences do not
      // roll back) but are never reused.
      auto next = h.ingest({alert("a2", "DiskFull")});
      CHECK(next.incidents_created == 1);
      CHECK(h.incident(*h.stored("a2").incident_id).incident_number >= 1);
    }
  }
}

TEST_CASE("contract: incident numbers increase monotonically") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      int64_t last = 0;
      for (int i = 0; i < 5; ++i) {
        h.ingest({alert("a" + std::to_string(i), "Alert" + std::to_string(i))});
        int64_t number = h.incident(*h.stored("a" + std::to_string(i)).incident_id).incident_number;
        CHECK(number > last);
        last = number;
      }
    }
  }
}

TEST_CASE("contract: concurrent duplicates through the writer store one row and never fail") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      ingest::GroupCommitWriter writer(h.store(), {}, [&] { return kStart; });
      writer.start();
      std::atomic<int> ok{0};
      std::atomic<int> failed{0};
      std::atomic<int> created{0};
      std::vector<std::thread> senders;
      for (int t = 0; t < 8; ++t) {
        senders.emplace_back([&] {
          for (int i = 0; i < 25; ++i) {
            std::promise<void> done;
            bool queued = writer.submit({"prometheus", {alert("dup", "DiskFull")}, std::nullopt},
                                        [&](Result<domain::SubmissionResult> result) {
                                          if (result) {
                                            ++ok;
                                            created += static_cast<int>(result.value().created);
                                          } else {
                                            ++failed;
                                          }
                                          done.set_value();
                                        });
            REQUIRE(queued);
            done.get_future().wait();
          }
        });
      }
      for (std::thread& sender : senders) sender.join();
      writer.stop();
      CHECK(ok == 200);
      CHECK(failed == 0);
      CHECK(created == 1);
      CHECK(h.stored("dup").occurrence == 1);
    }
  }
}

TEST_CASE("contract: several writers side by side group and store as one writer would") {
  // Requests carry two alerts of different groups, so most span the groups of two writers and
  // their transactions wait on each other's group locks (on PostgreSQL, now and then deadlock).
  // A request answered kUnavailable is sent again, as webhook senders retry a 503.
  constexpr int kSenders = 6;
  constexpr int kRequests = 15;
  constexpr int kGroups = 5;
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      ingest::WriterPool pool(h.store(), 3, {}, [&] { return kStart; });
      pool.start();
      std::atomic<int> incidents_created{0};
      std::atomic<int> created{0};
      std::atomic<int> gave_up{0};
      std::atomic<int> resent{0};  // answered kUnavailable (a deadlock retried and lost again)
      auto group = [](int n) { return "Group" + std::to_string(n % kGroups); };
      auto id = [](int sender, int request, char which) {
        return "s" + std::to_string(sender) + "-" + std::to_string(request) + which;
      };
      std::vector<std::thread> senders;
      for (int t = 0; t < kSenders; ++t) {
        senders.emplace_back([&, t] {
          for (int i = 0; i < kRequests; ++i) {
            for (int attempt = 0;; ++attempt) {
              std::promise<Result<domain::SubmissionResult>> done;
              domain::Submission submission{
                  "prometheus",
                  {alert(id(t, i, 'a'), group(i)), alert(id(t, i, 'b'), group(i + t + 1))},
                  std::nullopt};
              if (!pool.submit(std::move(submission), [&](Result<domain::SubmissionResult> r) {
                    done.set_value(std::move(r));
                  })) {
                ++gave_up;
                break;
              }
              Result<domain::SubmissionResult> result = done.get_future().get();
              if (result) {
                created += static_cast<int>(result.value().created);
                incidents_created += static_cast<int>(result.value().incidents_created);
                break;
              }
              if (result.error().code != ErrorCode::kUnavailable || attempt == 20) {
                ++gave_up;
                break;
              }
              ++resent;
            }
          }
        });
      }
      for (std::thread& sender : senders) sender.join();
      pool.stop();
      INFO(resent << " requests sent again after kUnavailable");
      CHECK(gave_up == 0);
      CHECK(created == kSenders * kRequests * 2);
      CHECK(incidents_created == kGroups);
      // Every alert stored once, in the one incident of its group.
      std::map<std::string, int64_t> incident_of_group;
      for (int t = 0; t < kSenders; ++t) {
        for (int i = 0; i < kRequests; ++i) {
          for (auto [which, n] : {std::pair{'a', i}, std::pair{'b', i + t + 1}}) {
            storage::AlertRow row = h.stored(id(t, i, which));
            CHECK(row.occurrence == 1);
            REQUIRE(row.incident_id);
            auto [entry, inserted] = incident_of_group.emplace(group(n), *row.incident_id);
            CHECK(entry->second == *row.incident_id);
          }
        }
      }
      CHECK(incident_of_group.size() == kGroups);
    }
  }
}

TEST_CASE("contract: a rule added while the writer runs applies to the next alert") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      Harness h(backend);
      ingest::GroupCommitWriter writer(h.store(), {}, [&] { return kStart; });
      writer.start();
      auto submit = [&](NormalizedAlert a) {
        std::promise<Result<domain::SubmissionResult>> done;
        REQUIRE(writer.submit({"prometheus", {std::move(a)}, std::nullopt},
                              [&](Result<domain::SubmissionResult> r) { done.set_value(r); }));
        return done.get_future().get();
      };
      CHECK(submit(alert("a1", "Noisy")).value().incidents_created == 1);
      h.add_routing(R"({"labels":[{"key":"alertname","op":"equals","value":"Noisy"}]})",
                    R"({"suppress":true})");
      CHECK(submit(alert("a2", "Noisy")).value().incidents_created == 0);
      CHECK(h.stored("a2").suppressed);
      writer.stop();
    }
  }
}

}  // namespace regen::test
