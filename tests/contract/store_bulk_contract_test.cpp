// The storage contract for bulk loading (benchmark data sets), on every backend: ids and
// incident numbers continue after the rows already stored and before the rows inserted later,
// every column comes back as written, and a seeded data set is consistent (counts, links,
// timelines, statuses).

#include <catch2/catch.hpp>

#include <set>

#include "regend/admin/seed_data.h"
#include "tests/contract/store_fixture.h"

namespace regen::test {
namespace {

using domain::AlertStatus;
using domain::IncidentStatus;
using domain::Severity;
using storage::AlertRow;
using storage::IncidentRow;
using storage::ReadTx;
using storage::WriteTx;

// More rows than one multi-row statement takes on either backend (64 on SQLite, 1000 on
// PostgreSQL), so full groups and the remainder both run.
constexpr int kIncidents = 150;
constexpr int kAlerts = 2100;

AlertRow full_alert(int i, int64_t incident_id) {
  AlertRow row = alert_row("prometheus", "fp-" + std::to_string(i),
                           i % 3 == 0 ? AlertStatus::kResolved : AlertStatus::kFiring,
                           i % 2 == 0 ? Severity::kCritical : Severity::kInfo, 1'000'000 + i);
  row.alert.title = "Disk \"full\" on db-" + std::to_string(i);
  row.alert.description = "line one\nline two";
  row.alert.labels = {{"alertname", "DiskFull"}, {"host", "db-" + std::to_string(i)}};
  row.alert.annotations = {{"summary", "ünïcode ✓"}};
  row.alert.raw = R"({"fingerprint":"fp-)" + std::to_string(i) + R"("})";
  if (i % 4 == 0) row.alert.started_at = at_ms(999'000 + i);
  if (i % 3 == 0) row.alert.ended_at = at_ms(2'000'000 + i);
  if (i % 5 == 0) row.acknowledged_at = at_ms(1'500'000 + i);
  row.updated_at = at_ms(1'200'000 + i);
  row.occurrence = 1 + i % 2;
  row.suppressed = i % 7 == 0;
  row.incident_id = incident_id;
  return row;
}

bool same(const AlertRow& a, const AlertRow& b) {
  return a.id == b.id && a.alert == b.alert && a.received_at == b.received_at &&
         a.updated_at == b.updated_at && a.occurrence == b.occurrence &&
         a.suppressed == b.suppressed && a.incident_id == b.incident_id &&
         a.acknowledged_at == b.acknowledged_at;
}

bool same(const IncidentRow& a, const IncidentRow& b) {
  return a.id == b.id && a.incident_number == b.incident_number && a.title == b.title &&
         a.severity == b.severity && a.status == b.status && a.summary == b.summary &&
         a.commander == b.commander && a.group_key == b.group_key && a.created_at == b.created_at &&
         a.updated_at == b.updated_at && a.acknowledged_at == b.acknowledged_at &&
         a.resolved_at == b.resolved_at;
}

storage::PageRequest first(int64_t limit) {
  storage::PageRequest page;
  page.limit = limit;
  return page;
}

// Writes a whole seeded data set in transactions of `chunk` incidents.
admin::SeedCounts seed(storage::Store& store, const admin::SeedPlan& plan, int64_t chunk) {
  admin::SeedGenerator generator(plan);
  admin::SeedCounts written;
  while (!generator.done()) {
    Status status = store.write([&](WriteTx& tx) -> Status {
      written += generator.write_next(tx, chunk);
      return {};
    });
    INFO((status ? "" : status.error().message));
    REQUIRE(status.ok());
  }
  return written;
}

}  // namespace

TEST_CASE("contract bulk: rows get ascending ids and numbers, and read back as written") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const IncidentRow before = f.write([](WriteTx& tx) {
        return tx.insert_incident(
            incident_row("before", Severity::kInfo, IncidentStatus::kTriggered, 500));
      });

      std::vector<IncidentRow> incidents;
      for (int i = 0; i < kIncidents; ++i) {
        IncidentRow row = incident_row("bulk " + std::to_string(i), Severity::kWarning,
                                       IncidentStatus::kAcknowledged, 1000 + i);
        row.summary = i % 2 == 0 ? "" : "summary " + std::to_string(i);
        if (i % 3 == 0) row.commander = "alice";
        if (i % 4 == 0) row.group_key = "g1|alertname=8:DiskFull";
        row.acknowledged_at = at_ms(1100 + i);
        if (i % 5 == 0) row.resolved_at = at_ms(1200 + i);
        incidents.push_back(row);
      }
      std::vector<AlertRow> alerts;
      f.write([&](WriteTx& tx) {
        tx.bulk_insert_incidents(incidents);
        for (int i = 0; i < kAlerts; ++i) alerts.push_back(full_alert(i, incidents[i % 10].id));
        tx.bulk_insert_alerts(alerts);
      });
      for (std::size_t i = 0; i < incidents.size(); ++i) {
        CHECK(incidents[i].id > (i == 0 ? before.id : incidents[i - 1].id));
        CHECK(incidents[i].incident_number == before.incident_number + 1 + static_cast<int>(i));
      }
      for (std::size_t i = 1; i < alerts.size(); ++i) CHECK(alerts[i].id > alerts[i - 1].id);

      f.read([&](ReadTx& tx) {
        for (std::size_t i :
             {std::size_t{0}, std::size_t{63}, std::size_t{64}, incidents.size() - 1}) {
          std::optional<IncidentRow> stored = tx.find_incident(incidents[i].id);
          REQUIRE(stored);
          CHECK(same(*stored, incidents[i]));
        }
        for (std::size_t i : {std::size_t{0}, std::size_t{5}, std::size_t{999}, std::size_t{1000},
                              alerts.size() - 1}) {
          std::optional<AlertRow> stored = tx.find_alert_by_id(alerts[i].id);
          REQUIRE(stored);
          CHECK(same(*stored, alerts[i]));
        }
        CHECK(tx.list_incidents({}, first(1)).total == kIncidents + 1);
        CHECK(tx.list_alerts({}, first(1)).total == kAlerts);
      });

      // Rows inserted one at a time afterwards take the next ids and numbers.
      f.write([&](WriteTx& tx) {
        IncidentRow after = tx.insert_incident(
            incident_row("after", Severity::kInfo, IncidentStatus::kTriggered, 9000));
        CHECK(after.id > incidents.back().id);
        CHECK(after.incident_number == incidents.back().incident_number + 1);
        CHECK(tx.insert_alert(alert_row("generic", "after", AlertStatus::kFiring, Severity::kInfo,
                                        9000)) > alerts.back().id);
      });
    }
  }
}

TEST_CASE("contract bulk: links and timeline entries are listed like ingestion's") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      std::vector<IncidentRow> incidents = {
          incident_row("one", Severity::kCritical, IncidentStatus::kTriggered, 1000)};
      std::vector<AlertRow> alerts;
      std::vector<storage::AlertLink> links;
      std::vector<storage::TimelineEntry> timeline;
      f.write([&](WriteTx& tx) {
        tx.bulk_insert_incidents(incidents);
        for (int i = 0; i < 130; ++i) alerts.push_back(full_alert(i, incidents[0].id));
        tx.bulk_insert_alerts(alerts);
        for (int i = 0; i < 130; ++i) {
          links.push_back(
              {.incident_id = incidents[0].id,
               .alert_id = alerts[i].id,
               .occurrence = 1,
               .linked_at = at_ms(2000 + i),
               .resolved_at = i % 2 == 0 ? std::optional(at_ms(3000 + i)) : std::nullopt});
          timeline.push_back({.id = 0,
                              .incident_id = incidents[0].id,
                              .kind = "alert_linked",
                              .actor = "system",
                              .payload_json = R"({"n":)" + std::to_string(i) + "}",
                              .at = at_ms(2000 + i)});
        }
        tx.bulk_insert_links(links);
        tx.bulk_append_timeline(timeline);
        CHECK(tx.count_unresolved_links(incidents[0].id) == 65);
      });
      f.read([&](ReadTx& tx) {
        storage::Page<AlertRow> linked = tx.list_incident_alerts(incidents[0].id, 10);
        CHECK(linked.total == 130);
        REQUIRE(linked.rows.size() == 10);
        CHECK(linked.rows[0].id == alerts.back().id);  // most recently linked first
        std::vector<storage::TimelineEntry> entries = tx.list_timeline(incidents[0].id);
        REQUIRE(entries.size() == 130);
        CHECK(entries.front().payload_json == R"({"n":0})");
        CHECK(entries.back().payload_json == R"({"n":129})");
        CHECK(entries.front().id < entries.back().id);
      });
    }
  }
}

TEST_CASE("contract bulk: a seeded data set is consistent and looks like production") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const admin::SeedPlan plan{.incidents = 500,
                                 .alerts = 5000,
                                 .seed = 7,
                                 .now = at_ms(1'800'000'000'000),
                                 .run_salt = 0};
      const admin::SeedCounts written = seed(f.store(), plan, 120);
      CHECK(written.incidents == 500);
      CHECK(written.alerts == 5000);
      CHECK(written.links >= 5000);
      CHECK(written.timeline_entries > written.links);

      f.read([&](ReadTx& tx) {
        CHECK(tx.list_incidents({}, first(1)).total == 500);
        CHECK(tx.list_alerts({}, first(1)).total == 5000);
        int64_t by_status = 0;
        for (IncidentStatus status : {IncidentStatus::kTriggered, IncidentStatus::kAcknowledged,
                                      IncidentStatus::kResolved, IncidentStatus::kCanceled}) {
          storage::IncidentFilter filter;
          filter.statuses = {status};
          const int64_t count = tx.list_incidents(filter, first(1)).total;
          CHECK(count > 0);
          by_status += count;
        }
        CHECK(by_status == 500);
        const auto all = tx.list_incidents({}, first(500));
        int64_t linked = 0;
        int64_t entries = 0;
        std::set<std::string> titles;
        for (const IncidentRow& incident : all.rows) {
          CHECK(incident.created_at < plan.now);
          CHECK(incident.created_at > plan.now - std::chrono::days(31));
          titles.insert(incident.title);
          const auto alerts = tx.list_incident_alerts(incident.id, 1000);
          linked += alerts.total;
          for (const AlertRow& alert : alerts.rows) {
            CHECK(alert.incident_id == incident.id);
            if (!domain::is_open(incident.status))
              CHECK(alert.alert.status == AlertStatus::kResolved);
          }
          const auto timeline = tx.list_timeline(incident.id);
          REQUIRE_FALSE(timeline.empty());
          CHECK(timeline.front().kind == "incident_created");
          CHECK(std::is_sorted(timeline.begin(), timeline.end(),
                               [](const auto& a, const auto& b) { return a.at < b.at; }));
          entries += static_cast<int64_t>(timeline.size());
        }
        CHECK(linked == 5000);
        CHECK(entries == written.timeline_entries);
        CHECK(titles.size() > 50);
      });

      // The same plan gives the same data set, whatever the transaction size.
      StoreFixture again(backend);
      seed(again.store(), plan, 333);
      auto newest = [](StoreFixture& fixture) {
        return fixture.read([](ReadTx& tx) {
          std::vector<std::string> rows;
          for (const auto& row : tx.list_alerts({}, first(20)).rows) {
            rows.push_back(row.alert.external_id + " " + row.alert.title);
          }
          return rows;
        });
      };
      CHECK(newest(f) == newest(again));
    }
  }
}

}  // namespace regen::test
