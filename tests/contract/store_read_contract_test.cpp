// The storage contract for reads, on every backend: incident and alert lists (filters, order,
// limit/offset, totals, keyset cursors), an incident's alerts, timeline pages, and read()
// itself (committed data only, concurrent with a write in progress).

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "regend/storage/row_codec.h"
#include "tests/contract/store_fixture.h"

namespace regen::test {
namespace {

using domain::AlertStatus;
using domain::IncidentStatus;
using domain::Severity;
using storage::Cursor;
using storage::PageRequest;
using storage::ReadTx;
using storage::WriteTx;
using namespace std::chrono_literals;

PageRequest page_of(int64_t limit, int64_t offset = 0) {
  PageRequest page;
  page.limit = limit;
  page.offset = offset;
  return page;
}

// Six incidents whose titles, statuses, severities and times tell the filters apart. Returns
// their ids, i[0] created first.
std::vector<int64_t> seed_incidents(StoreFixture& f) {
  return f.write([](WriteTx& tx) {
    std::vector<int64_t> ids;
    for (const auto& row : {
             incident_row("Disk full on db-1", Severity::kCritical, IncidentStatus::kTriggered,
                          1000),
             incident_row(R"(CPU high on C:\node)", Severity::kWarning,
                          IncidentStatus::kAcknowledged, 2000),
             incident_row("disk latency", Severity::kInfo, IncidentStatus::kResolved, 3000),
             incident_row("100% load_avg", Severity::kWarning, IncidentStatus::kTriggered, 4000),
             incident_row("100 percent loadXavg", Severity::kCritical, IncidentStatus::kCanceled,
                          5000),
             incident_row("C:Xnode", Severity::kInfo, IncidentStatus::kTriggered, 6000),
         }) {
      ids.push_back(tx.insert_incident(row).id);
    }
    return ids;
  });
}

}  // namespace

TEST_CASE("contract reads: incidents list newest first and each filter narrows it") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      const std::vector<int64_t> i = seed_incidents(f);
      auto list = [&](const storage::IncidentFilter& filter) {
        auto page = f.read([&](ReadTx& tx) { return tx.list_incidents(filter, page_of(50)); });
        CHECK(page.total == static_cast<int64_t>(page.rows.size()));
        return ids(page.rows);
      };
      using Ids = std::vector<int64_t>;
      storage::IncidentFilter filter;
      CHECK(list(filter) == Ids{i[5], i[4], i[3], i[2], i[1], i[0]});

      SECTION("status") {
        filter.statuses = {IncidentStatus::kTriggered};
        CHECK(list(filter) == Ids{i[5], i[3], i[0]});
        filter.statuses = {IncidentStatus::kResolved, IncidentStatus::kAcknowledged};
        CHECK(list(filter) == Ids{i[2], i[1]});
      }
      SECTION("severity") {
        filter.severities = {Severity::kCritical};
        CHECK(list(filter) == Ids{i[4], i[0]});
        filter.severities = {Severity::kInfo, Severity::kWarning};
        CHECK(list(filter) == Ids{i[5], i[3], i[2], i[1]});
      }
      SECTION("creation time: after is inclusive, before exclusive") {
        filter.created_after = at_ms(2000);
        CHECK(list(filter) == Ids{i[5], i[4], i[3], i[2], i[1]});
        filter.created_after.reset();
        filter.created_before = at_ms(3000);
        CHECK(list(filter) == Ids{i[1], i[0]});
        filter.created_after = at_ms(2000);
        filter.created_before = at_ms(4000);
        CHECK(list(filter) == Ids{i[2], i[1]});
      }
      SECTION("title: case-insensitive substring") {
        filter.title_contains = "DISK";
        CHECK(list(filter) == Ids{i[2], i[0]});
        filter.title_contains = "on db";
        CHECK(list(filter) == Ids{i[0]});
        filter.title_contains = "no such title";
        CHECK(list(filter).empty());
      }
      SECTION("title: %, _ and \\ match only themselves") {
        filter.title_contains = "100%";
        CHECK(list(filter) == Ids{i[3]});
        filter.title_contains = "load_avg";
        CHECK(list(filter) == Ids{i[3]});
        filter.title_contains = R"(C:\node)";
        CHECK(list(filter) == Ids{i[1]});
        filter.title_contains = "%";
        CHECK(list(filter) == Ids{i[3]});
      }
      SECTION("every condition at once") {
        filter.statuses = {IncidentStatus::kTriggered, IncidentStatus::kCanceled};
        filter.severities = {Severity::kCritical, Severity::kWarning};
        CHECK(list(filter) == Ids{i[4], i[3], i[0]});
        filter.title_contains = "100";
        CHECK(list(filter) == Ids{i[4], i[3]});
        filter.created_before = at_ms(5000);
        CHECK(list(filter) == Ids{i[3]});
        filter.created_after = at_ms(4001);
        CHECK(list(filter).empty());
      }
    }
  }
}

TEST_CASE("contract reads: incident pages apply limit and offset, total ignores both") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      // Seven incidents, three sharing one creation time: ties order by id, newest first.
      std::vector<int64_t> newest_first = f.write([](WriteTx& tx) {
        std::vector<int64_t> ids;
        for (int64_t created : {1000, 2000, 2000, 2000, 3000, 4000, 5000}) {
          ids.push_back(tx.insert_incident(incident_row("i", Severity::kWarning,
                                                        IncidentStatus::kTriggered, created))
                            .id);
        }
        std::reverse(ids.begin(), ids.end());
        return ids;
      });
      auto page = [&](int64_t limit, int64_t offset) {
        return f.read([&](ReadTx& tx) { return tx.list_incidents({}, page_of(limit, offset)); });
      };
      auto slice = [&](std::size_t from, std::size_t to) {
        return std::vector<int64_t>(newest_first.begin() + from, newest_first.begin() + to);
      };
      auto first = page(3, 0);
      CHECK(ids(first.rows) == slice(0, 3));
      CHECK(first.total == 7);
      auto second = page(3, 3);
      CHECK(ids(second.rows) == slice(3, 6));
      CHECK(second.total == 7);
      CHECK(ids(page(3, 6).rows) == slice(6, 7));
      auto past_end = page(3, 10);
      CHECK(past_end.rows.empty());
      CHECK(past_end.total == 7);
      CHECK(page(0, 0).rows.empty());
      CHECK(page(0, 0).total == 7);

      storage::IncidentFilter triggered;
      triggered.statuses = {IncidentStatus::kTriggered};
      auto limited =
          f.read([&](ReadTx& tx) { return tx.list_incidents(triggered, page_of(2, 1)); });
      CHECK(ids(limited.rows) == slice(1, 3));
      CHECK(limited.total == 7);
    }
  }
}

TEST_CASE("contract reads: cursor pages neither skip nor repeat while incidents are added") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      auto add = [&](int64_t created) {
        return f.write([&](WriteTx& tx) {
          return tx
              .insert_incident(
                  incident_row("i", Severity::kWarning, IncidentStatus::kTriggered, created))
              .id;
        });
      };
      std::vector<int64_t> expected;
      for (int64_t created : {1000, 1000, 1000, 2000, 3000, 3000, 4000, 5000, 5000, 6000}) {
        expected.push_back(add(created));
      }
      // Created in time order here, so newest first is the reverse.
      std::reverse(expected.begin(), expected.end());

      std::vector<int64_t> seen;
      std::optional<Cursor> cursor;
      int64_t added = 0;
      for (int round = 0; round < 10; ++round) {
        PageRequest request = page_of(3);
        request.after = cursor;
        auto page = f.read([&](ReadTx& tx) { return tx.list_incidents({}, request); });
        CHECK(page.total == 10 + added);
        if (page.rows.empty()) break;
        for (const auto& row : page.rows) seen.push_back(row.id);
        cursor = Cursor{page.rows.back().created_at, page.rows.back().id};
        // Between pages: a newer incident, and one created at the cursor's own time, which
        // sorts before the cursor (higher id) and so belongs to pages already read.
        add(10'000 + round);
        add(storage::to_millis(cursor->at));
        added += 2;
      }
      CHECK(seen == expected);
    }
  }
}

TEST_CASE("contract reads: an offset with a cursor skips rows after the cursor position") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      std::vector<int64_t> newest_first = seed_incidents(f);
      std::reverse(newest_first.begin(), newest_first.end());
      auto head = f.read([](ReadTx& tx) { return tx.list_incidents({}, page_of(2)); });
      REQUIRE(head.rows.size() == 2);
      PageRequest request = page_of(2, 1);
      request.after = Cursor{head.rows[1].created_at, head.rows[1].id};
      auto page = f.read([&](ReadTx& tx) { return tx.list_incidents({}, request); });
      CHECK(ids(page.rows) == std::vector<int64_t>{newest_first[3], newest_first[4]});
      CHECK(page.total == 6);

      storage::IncidentFilter critical;
      critical.severities = {Severity::kCritical};
      request.offset = 0;
      request.after = Cursor{at_ms(5000), newest_first[1]};  // the critical "100 percent ..."
      auto filtered = f.read([&](ReadTx& tx) { return tx.list_incidents(critical, request); });
      CHECK(ids(filtered.rows) == std::vector<int64_t>{newest_first[5]});
      CHECK(filtered.total == 2);
    }
  }
}

TEST_CASE("contract reads: an incident is found by its number, and an unknown one is not") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      auto stored = f.write([](WriteTx& tx) {
        tx.insert_incident(incident_row("a", Severity::kInfo, IncidentStatus::kTriggered, 1000));
        return tx.insert_incident(
            incident_row("b", Severity::kCritical, IncidentStatus::kTriggered, 2000));
      });
      auto found =
          f.read([&](ReadTx& tx) { return tx.find_incident_by_number(stored.incident_number); });
      REQUIRE(found);
      CHECK(found->id == stored.id);
      CHECK(found->title == "b");
      CHECK(found->severity == Severity::kCritical);
      CHECK(found->created_at == at_ms(2000));
      CHECK_FALSE(f.read(
          [&](ReadTx& tx) { return tx.find_incident_by_number(stored.incident_number + 100); }));
    }
  }
}

TEST_CASE(
    "contract reads: alerts list newest first by receipt and filter by source, status, "
    "severity") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      std::vector<int64_t> a = f.write([](WriteTx& tx) {
        std::vector<int64_t> ids;
        for (const auto& row : {
                 alert_row("prometheus", "a0", AlertStatus::kFiring, Severity::kCritical, 1000),
                 alert_row("grafana", "a1", AlertStatus::kResolved, Severity::kWarning, 2000),
                 alert_row("prometheus", "a2", AlertStatus::kResolved, Severity::kInfo, 3000),
                 alert_row("cloudwatch", "a3", AlertStatus::kFiring, Severity::kWarning, 4000),
                 alert_row("grafana", "a4", AlertStatus::kFiring, Severity::kCritical, 4000),
             }) {
          ids.push_back(tx.insert_alert(row));
        }
        return ids;
      });
      auto list = [&](const storage::AlertFilter& filter, PageRequest request) {
        return f.read([&](ReadTx& tx) { return tx.list_alerts(filter, request); });
      };
      using Ids = std::vector<int64_t>;
      storage::AlertFilter filter;
      auto all = list(filter, page_of(50));
      CHECK(ids(all.rows) == Ids{a[4], a[3], a[2], a[1], a[0]});  // a3 and a4 tie: by id
      CHECK(all.total == 5);
      CHECK(all.rows[2].alert.external_id == "a2");
      CHECK(all.rows[2].received_at == at_ms(3000));

      SECTION("source") {
        filter.sources = {"prometheus"};
        CHECK(ids(list(filter, page_of(50)).rows) == Ids{a[2], a[0]});
        filter.sources = {"grafana", "cloudwatch"};
        CHECK(ids(list(filter, page_of(50)).rows) == Ids{a[4], a[3], a[1]});
      }
      SECTION("status") {
        filter.statuses = {AlertStatus::kFiring};
        CHECK(ids(list(filter, page_of(50)).rows) == Ids{a[4], a[3], a[0]});
      }
      SECTION("severity") {
        filter.severities = {Severity::kWarning, Severity::kInfo};
        CHECK(ids(list(filter, page_of(50)).rows) == Ids{a[3], a[2], a[1]});
      }
      SECTION("every condition at once, with limit, offset and total") {
        filter.sources = {"grafana", "prometheus"};
        filter.statuses = {AlertStatus::kFiring};
        filter.severities = {Severity::kCritical};
        auto both = list(filter, page_of(50));
        CHECK(ids(both.rows) == Ids{a[4], a[0]});
        CHECK(both.total == 2);
        auto second = list(filter, page_of(1, 1));
        CHECK(ids(second.rows) == Ids{a[0]});
        CHECK(second.total == 2);
      }
      SECTION("limit and offset") {
        auto middle = list(filter, page_of(2, 1));
        CHECK(ids(middle.rows) == Ids{a[3], a[2]});
        CHECK(middle.total == 5);
      }
      SECTION("cursor: strictly older than (received_at, id)") {
        PageRequest request = page_of(50);
        request.after = Cursor{at_ms(4000), a[3]};
        auto older = list(filter, request);
        CHECK(ids(older.rows) == Ids{a[2], a[1], a[0]});
        CHECK(older.total == 5);
      }
    }
  }
}

TEST_CASE("contract reads: an incident's alerts are distinct, most recently linked first") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      struct Seeded {
        int64_t incident = 0;
        int64_t other = 0;
        std::vector<int64_t> alerts;
      };
      Seeded s = f.write([](WriteTx& tx) {
        Seeded out;
        out.incident =
            tx.insert_incident(incident_row("i", Severity::kWarning, IncidentStatus::kTriggered, 1))
                .id;
        out.other =
            tx.insert_incident(incident_row("o", Severity::kWarning, IncidentStatus::kTriggered, 1))
                .id;
        for (const char* id : {"a0", "a1", "a2", "a3"}) {
          out.alerts.push_back(tx.insert_alert(
              alert_row("prometheus", id, AlertStatus::kFiring, Severity::kWarning, 1000)));
        }
        tx.link_alert(out.incident, out.alerts[0], 1, at_ms(1000));
        tx.link_alert(out.incident, out.alerts[1], 1, at_ms(2000));
        tx.link_alert(out.incident, out.alerts[2], 1, at_ms(2500));
        tx.link_alert(out.incident, out.alerts[0], 2, at_ms(3000));  // a0 fired again
        tx.link_alert(out.other, out.alerts[3], 1, at_ms(9000));
        return out;
      });
      auto all = f.read([&](ReadTx& tx) { return tx.list_incident_alerts(s.incident, 10); });
      CHECK(ids(all.rows) == std::vector<int64_t>{s.alerts[0], s.alerts[2], s.alerts[1]});
      CHECK(all.total == 3);
      auto limited = f.read([&](ReadTx& tx) { return tx.list_incident_alerts(s.incident, 2); });
      CHECK(ids(limited.rows) == std::vector<int64_t>{s.alerts[0], s.alerts[2]});
      CHECK(limited.total == 3);
      auto none = f.read([&](ReadTx& tx) { return tx.list_incident_alerts(s.incident + 100, 5); });
      CHECK(none.rows.empty());
      CHECK(none.total == 0);
    }
  }
}

TEST_CASE("contract reads: timeline entries carry their ids and page oldest first") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      struct Seeded {
        int64_t incident = 0;
        std::vector<int64_t> appended;  // in oldest-first order
      };
      Seeded s = f.write([](WriteTx& tx) {
        Seeded out;
        out.incident =
            tx.insert_incident(incident_row("i", Severity::kWarning, IncidentStatus::kTriggered, 1))
                .id;
        auto append = [&](const char* kind, int64_t ms) {
          storage::TimelineEntry entry;
          entry.incident_id = out.incident;
          entry.kind = kind;
          entry.actor = "system";
          entry.payload_json = "{}";
          entry.at = at_ms(ms);
          return tx.append_timeline(entry);
        };
        int64_t late = append("note_added", 3000);
        int64_t first = append("incident_created", 1000);
        int64_t tie_a = append("alert_linked", 2000);
        int64_t tie_b = append("alert_linked", 2000);
        int64_t last = append("status_changed", 4000);
        out.appended = {first, tie_a, tie_b, late, last};
        return out;
      });
      auto full = f.read([&](ReadTx& tx) { return tx.list_timeline(s.incident); });
      CHECK(ids(full) == s.appended);
      REQUIRE(full.size() == 5);
      CHECK(full[0].kind == "incident_created");
      CHECK(full[0].incident_id == s.incident);
      CHECK(full[0].at == at_ms(1000));

      auto page = [&](int64_t limit, int64_t offset) {
        return f.read(
            [&](ReadTx& tx) { return tx.list_timeline_page(s.incident, page_of(limit, offset)); });
      };
      auto first = page(2, 0);
      CHECK(ids(first.rows) == std::vector<int64_t>{s.appended[0], s.appended[1]});
      CHECK(first.total == 5);
      auto middle = page(2, 2);
      CHECK(ids(middle.rows) == std::vector<int64_t>{s.appended[2], s.appended[3]});
      CHECK(middle.rows[1].kind == "note_added");
      CHECK(ids(page(2, 4).rows) == std::vector<int64_t>{s.appended[4]});
      auto beyond = page(2, 5);
      CHECK(beyond.rows.empty());
      CHECK(beyond.total == 5);
      CHECK(f.read([&](ReadTx& tx) {
               return tx.list_timeline_page(s.incident + 100, page_of(10));
             }).total == 0);
    }
  }
}

TEST_CASE("contract reads: read() sees what write() committed, not what it rolled back") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      int64_t kept = f.write([](WriteTx& tx) {
        return tx
            .insert_incident(
                incident_row("kept", Severity::kWarning, IncidentStatus::kTriggered, 1000))
            .id;
      });
      Status rolled_back = f.store().write([](WriteTx& tx) {
        tx.insert_incident(
            incident_row("dropped", Severity::kWarning, IncidentStatus::kTriggered, 2000));
        return Status(Error{ErrorCode::kInvalidArgument, "changed my mind"});
      });
      REQUIRE_FALSE(rolled_back.ok());
      CHECK(rolled_back.error().code == ErrorCode::kInvalidArgument);
      auto page = f.read([](ReadTx& tx) { return tx.list_incidents({}, page_of(10)); });
      CHECK(ids(page.rows) == std::vector<int64_t>{kept});
      CHECK(f.read([&](ReadTx& tx) { return tx.find_incident(kept); })->title == "kept");

      // The body's own error comes back as it was.
      Status refused = f.store().read([](ReadTx&) {
        return Status(Error{ErrorCode::kNotFound, "no such incident"});
      });
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.error().code == ErrorCode::kNotFound);
      CHECK(refused.error().message == "no such incident");
    }
  }
}

TEST_CASE("contract reads: one read() is one snapshot: a write committed meanwhile is unseen") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      seed_incidents(f);
      std::vector<int64_t> totals;
      Status status = f.store().read([&](ReadTx& tx) {
        totals.push_back(tx.list_incidents({}, page_of(1)).total);
        // Another transaction commits while this one is open.
        f.write([](WriteTx& writer) {
          writer.insert_incident(
              incident_row("meanwhile", Severity::kInfo, IncidentStatus::kTriggered, 9000));
        });
        totals.push_back(tx.list_incidents({}, page_of(1)).total);
        return Status{};
      });
      CHECK(status.ok());
      CHECK(totals == std::vector<int64_t>{6, 6});
      CHECK(f.read([](ReadTx& tx) { return tx.list_incidents({}, page_of(1)).total; }) == 7);
    }
  }
}

TEST_CASE("contract reads: read() completes while a write transaction is open on another thread") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      f.write([](WriteTx& tx) {
        tx.insert_incident(
            incident_row("committed", Severity::kWarning, IncidentStatus::kTriggered, 1000));
      });
      std::mutex mutex;
      std::condition_variable changed;
      bool write_open = false;
      bool read_done = false;
      bool released_by_read = false;
      Status write_status;
      {
        // The write holds its transaction (and SQLite's write lock) until the read is done, or
        // until the deadline, which fails the case instead of hanging it.
        std::jthread writer([&] {
          write_status = f.store().write([&](WriteTx& tx) {
            tx.insert_incident(
                incident_row("uncommitted", Severity::kWarning, IncidentStatus::kTriggered, 2000));
            std::unique_lock lock(mutex);
            write_open = true;
            changed.notify_all();
            released_by_read = changed.wait_for(lock, 20s, [&] { return read_done; });
            return Status{};
          });
        });
        {
          std::unique_lock lock(mutex);
          CHECK(changed.wait_for(lock, 20s, [&] { return write_open; }));
        }
        storage::Page<storage::IncidentRow> seen;
        Status read_status = f.store().read([&](ReadTx& tx) {
          seen = tx.list_incidents({}, page_of(10));
          return Status{};
        });
        {
          std::lock_guard lock(mutex);
          read_done = true;
        }
        changed.notify_all();
        CHECK(read_status.ok());
        CHECK(seen.total == 1);
        REQUIRE(seen.rows.size() == 1);
        CHECK(seen.rows[0].title == "committed");
      }
      CHECK(released_by_read);
      CHECK(write_status.ok());
      CHECK(f.read([](ReadTx& tx) { return tx.list_incidents({}, page_of(10)).total; }) == 2);
    }
  }
}

TEST_CASE("contract reads: more concurrent reads than connections all complete") {
  for (const std::string& backend : contract_backends()) {
    DYNAMIC_SECTION(backend) {
      StoreFixture f(backend);
      seed_incidents(f);
      std::atomic<int> ok{0};
      std::atomic<int> failed{0};
      {
        std::vector<std::jthread> readers;
        for (int t = 0; t < 12; ++t) {
          readers.emplace_back([&] {
            for (int i = 0; i < 20; ++i) {
              int64_t total = 0;
              Status status = f.store().read([&](ReadTx& tx) {
                total = tx.list_incidents({}, page_of(2)).total;
                return Status{};
              });
              (status.ok() && total == 6 ? ok : failed)++;
            }
          });
        }
      }
      CHECK(ok == 240);
      CHECK(failed == 0);
    }
  }
}

}  // namespace regen::test
