// The storage contract for lists at scale, on every backend: totals counted up to a bound and
// flagged when they stop there, filters with several values per column (one query per
// combination, merged) paging exactly like the one list they stand for, lists leaving the raw
// payload out, and totals that a short page proves without counting.

#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

#include "tests/contract/store_fixture.h"

namespace regen::test {
namespace {

using domain::AlertStatus;
using domain::IncidentStatus;
using domain::Severity;
using storage::AlertRow;
using storage::IncidentRow;
using storage::PageRequest;
using storage::ReadTx;
using storage::WriteTx;

constexpr IncidentStatus kStatuses[] = {IncidentStatus::kTriggered, IncidentStatus::kAcknowledged,
                                        IncidentStatus::kResolved, IncidentStatus::kCanceled};
constexpr Severity kSeverities[] = {Severity::kCritical, Severity::kWarning, Severity::kInfo};

PageRequest page_of(int64_t limit, int64_t offset = 0, int64_t count_limit = 0) {
  PageRequest page;
  page.limit = limit;
  page.offset = offset;
  page.count_limit = count_limit;
  return page;
}

// 120 incidents cycling through statuses and severities; some share a creation time, so the id
// breaks ties. Returns them as stored.
std::vector<IncidentRow> seed_incidents(StoreFixture& f) {
  return f.write([](WriteTx& tx) {
    std::vector<IncidentRow> rows;
    for (int i = 0; i < 120; ++i) {
      rows.push_back(
          tx.insert_incident(incident_row("incident " + std::to_string(i), kSeverities[i % 3],
                                          kStatuses[i % 4], 1000 + (i / 2) * 10)));
    }
    return rows;
  });
}

// What a filtered, newest-first list must hold: the rows matching `keep`, by (created_at, id)
// descending.
std::vector<int64_t> expected(std::vector<IncidentRow> rows, auto keep) {
  std::erase_if(rows, [&](const IncidentRow& row) { return !keep(row); });
  std::sort(rows.begin(), rows.end(), [](const IncidentRow& a, const IncidentRow& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
  return ids(rows);
}

bool contains(const auto& list, const auto& value) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

}  // namespace

TEST_CASE("contract lists: totals stop at the count limit and say that they did") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      seed_incidents(f);
      f.write([](WriteTx& tx) {
        for (int i = 0; i < 30; ++i) {
          tx.insert_alert(alert_row("generic", "a" + std::to_string(i), AlertStatus::kFiring,
                                    Severity::kInfo, 1000 + i));
        }
      });
      f.read([](ReadTx& tx) {
        storage::IncidentFilter all;
        auto exact = tx.list_incidents(all, page_of(5));
        CHECK(exact.total == 120);
        CHECK(exact.total_exact);
        auto bounded = tx.list_incidents(all, page_of(5, 0, 100));
        CHECK(bounded.total == 100);
        CHECK_FALSE(bounded.total_exact);
        CHECK(bounded.rows.size() == 5);
        auto at_limit = tx.list_incidents(all, page_of(5, 0, 120));
        CHECK(at_limit.total == 120);
        CHECK(at_limit.total_exact);

        storage::IncidentFilter open;
        open.statuses = {IncidentStatus::kTriggered, IncidentStatus::kAcknowledged};
        CHECK(tx.list_incidents(open, page_of(5, 0, 100)).total == 60);
        CHECK(tx.list_incidents(open, page_of(5, 0, 100)).total_exact);
        CHECK(tx.list_incidents(open, page_of(5, 0, 59)).total == 59);
        CHECK_FALSE(tx.list_incidents(open, page_of(5, 0, 59)).total_exact);

        auto alerts = tx.list_alerts({}, page_of(3, 0, 10));
        CHECK(alerts.total == 10);
        CHECK_FALSE(alerts.total_exact);
        CHECK(tx.list_alerts({}, page_of(3, 0, 30)).total_exact);
      });
    }
  }
}

TEST_CASE("contract lists: several values per filter page exactly like one merged list") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const std::vector<IncidentRow> rows = seed_incidents(f);
      storage::IncidentFilter filter;
      filter.statuses = {IncidentStatus::kTriggered, IncidentStatus::kResolved,
                         IncidentStatus::kCanceled};
      filter.severities = {Severity::kCritical, Severity::kInfo};
      filter.created_after = at_ms(1100);
      const std::vector<int64_t> want = expected(rows, [&](const IncidentRow& row) {
        return contains(filter.statuses, row.status) && contains(filter.severities, row.severity) &&
               row.created_at >= at_ms(1100);
      });
      REQUIRE(want.size() > 20);

      f.read([&](ReadTx& tx) {
        // By offset.
        std::vector<int64_t> by_offset;
        for (int64_t offset = 0; offset < static_cast<int64_t>(want.size()) + 7; offset += 7) {
          auto page = tx.list_incidents(filter, page_of(7, offset));
          CHECK(page.total == static_cast<int64_t>(want.size()));
          for (int64_t id : ids(page.rows)) by_offset.push_back(id);
        }
        CHECK(by_offset == want);
        // By cursor, with an offset after it.
        std::vector<int64_t> by_cursor;
        PageRequest request = page_of(5);
        for (;;) {
          auto page = tx.list_incidents(filter, request);
          for (int64_t id : ids(page.rows)) by_cursor.push_back(id);
          if (page.rows.size() < 5) break;
          request.after = storage::Cursor{page.rows.back().created_at, page.rows.back().id};
        }
        CHECK(by_cursor == want);
        PageRequest skip = page_of(4, 3);
        skip.after = storage::Cursor{rows[100].created_at, rows[100].id};
        const auto older = expected(rows, [&](const IncidentRow& row) {
          return contains(filter.statuses, row.status) &&
                 contains(filter.severities, row.severity) && row.created_at >= at_ms(1100) &&
                 std::tie(row.created_at, row.id) < std::tie(rows[100].created_at, rows[100].id);
        });
        CHECK(ids(tx.list_incidents(filter, skip).rows) ==
              std::vector<int64_t>(older.begin() + 3, older.begin() + 7));
      });
    }
  }
}

TEST_CASE("contract lists: alert lists with several values per filter, without raw payloads") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const char* sources[] = {"prometheus", "grafana", "generic"};
      std::vector<AlertRow> stored = f.write([&](WriteTx& tx) {
        std::vector<AlertRow> out;
        for (int i = 0; i < 90; ++i) {
          AlertRow row = alert_row(sources[i % 3], "e" + std::to_string(i),
                                   i % 2 == 0 ? AlertStatus::kFiring : AlertStatus::kResolved,
                                   kSeverities[i % 3 == 0 ? 0 : (i / 3) % 3], 1000 + (i / 3));
          row.alert.raw = R"({"n":)" + std::to_string(i) + "}";
          row.id = tx.insert_alert(row);
          out.push_back(row);
        }
        return out;
      });
      storage::AlertFilter filter;
      filter.sources = {"prometheus", "generic"};
      filter.statuses = {AlertStatus::kFiring};
      filter.severities = {Severity::kCritical, Severity::kWarning};
      std::erase_if(stored, [&](const AlertRow& row) {
        return !contains(filter.sources, row.alert.source) ||
               !contains(filter.statuses, row.alert.status) ||
               !contains(filter.severities, row.alert.severity);
      });
      std::sort(stored.begin(), stored.end(), [](const AlertRow& a, const AlertRow& b) {
        return std::tie(a.received_at, a.id) > std::tie(b.received_at, b.id);
      });
      REQUIRE(stored.size() > 10);
      f.read([&](ReadTx& tx) {
        std::vector<int64_t> listed;
        for (int64_t offset = 0; offset < static_cast<int64_t>(stored.size()); offset += 4) {
          auto page = tx.list_alerts(filter, page_of(4, offset));
          CHECK(page.total == static_cast<int64_t>(stored.size()));
          for (const AlertRow& row : page.rows) {
            CHECK(row.alert.raw.empty());
            listed.push_back(row.id);
          }
        }
        CHECK(listed == ids(stored));
        std::optional<AlertRow> one = tx.find_alert_by_id(stored.front().id);
        REQUIRE(one);
        CHECK(one->alert.raw == stored.front().alert.raw);
      });
    }
  }
}

TEST_CASE("contract lists: an incident's alerts and timeline report totals past their page") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const int64_t incident = f.write([](WriteTx& tx) {
        const int64_t id =
            tx.insert_incident(incident_row("i", Severity::kInfo, IncidentStatus::kTriggered, 1))
                .id;
        for (int i = 0; i < 12; ++i) {
          const int64_t alert = tx.insert_alert(alert_row(
              "generic", "x" + std::to_string(i), AlertStatus::kFiring, Severity::kInfo, 100 + i));
          tx.link_alert(id, alert, 1, at_ms(100 + i));
          tx.append_timeline({.id = 0,
                              .incident_id = id,
                              .kind = "alert_linked",
                              .actor = "system",
                              .payload_json = "{}",
                              .at = at_ms(100 + i)});
        }
        return id;
      });
      f.read([&](ReadTx& tx) {
        for (int64_t limit : {5, 12, 20}) {
          auto alerts = tx.list_incident_alerts(incident, limit);
          CHECK(alerts.total == 12);
          CHECK(static_cast<int64_t>(alerts.rows.size()) == std::min<int64_t>(limit, 12));
          for (const AlertRow& row : alerts.rows) CHECK(row.alert.raw.empty());
        }
        for (auto [limit, offset, rows] :
             {std::tuple{5, 0, 5}, std::tuple{20, 0, 12}, std::tuple{5, 10, 2},
              std::tuple{5, 12, 0}, std::tuple{5, 40, 0}, std::tuple{12, 0, 12}}) {
          INFO("limit " << limit << " offset " << offset);
          auto page = tx.list_timeline_page(incident, page_of(limit, offset));
          CHECK(page.total == 12);
          CHECK(static_cast<int>(page.rows.size()) == rows);
        }
      });
    }
  }
}

}  // namespace regen::test
