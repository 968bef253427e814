// How rows look in the API: times as ingest::format_rfc3339 writes them (the API's own
// printf-free formatter must agree), the list envelope with total_exact, and bodies built in a
// response arena equal to those built on the heap.

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "regend/api/api_json.h"
#include "regend/api/representation.h"
#include "regend/ingest/timestamps.h"

namespace regen::api {
namespace {

namespace json = boost::json;
using domain::Timestamp;
using std::chrono::milliseconds;

Timestamp at_ms(int64_t ms) { return Timestamp(milliseconds(ms)); }

TEST_CASE("api representation: times read as format_rfc3339 writes them, to the millisecond") {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{86'399'999},
                     int64_t{951'782'400'000}, int64_t{1'795'398'049'477},
                     int64_t{253'402'300'799'999}, int64_t{-1}, int64_t{-62'135'596'800'000}}) {
    INFO(ms);
    CHECK(time_json(at_ms(ms)) == json::value(ingest::format_rfc3339(at_ms(ms))));
  }
  CHECK(time_json(at_ms(951'782'400'000)) == json::value("2000-02-29T00:00:00.000Z"));
  CHECK(time_json(std::nullopt).is_null());
}

TEST_CASE("api representation: lists say whether their total is exact") {
  json::object exact = list_json(json::array{1, 2}, 2, 50, 0, std::nullopt);
  CHECK(exact.at("total_exact") == json::value(true));
  CHECK(exact.at("next_cursor").is_null());
  json::object bounded = list_json(json::array{}, 10000, 50, 0, std::string("5-5"), false);
  CHECK(bounded.at("total") == json::value(10000));
  CHECK(bounded.at("total_exact") == json::value(false));
  CHECK(bounded.at("next_cursor") == json::value("5-5"));
}

TEST_CASE("api representation: a body built in a response arena is the body built on the heap") {
  storage::AlertRow alert;
  alert.id = 7;
  alert.alert.source = "prometheus";
  alert.alert.external_id = "fp";
  alert.alert.title = "Disk \"full\" on db-1, a title longer than any small-string buffer";
  alert.alert.labels = {{"alertname", "DiskFull"}, {"instance", "db-1:9100 with a long value"}};
  alert.alert.annotations = {{"summary", "ünïcode ✓"}};
  alert.received_at = at_ms(1000);
  alert.updated_at = at_ms(2000);
  alert.incident_id = 3;
  storage::IncidentRow incident;
  incident.id = 3;
  incident.title = "Disk full";
  incident.commander = "alice";
  incident.created_at = at_ms(1000);
  incident.acknowledged_at = at_ms(61'000);
  storage::TimelineEntry entry{.id = 1,
                               .incident_id = 3,
                               .kind = "note",
                               .actor = "bob",
                               .payload_json = R"({"text":"looking","incident_id":3})",
                               .at = at_ms(5000)};
  ResponseArena arena;
  CHECK(json::serialize(alert_json(alert, arena.storage())) == json::serialize(alert_json(alert)));
  CHECK(json::serialize(incident_json(incident, arena.storage())) ==
        json::serialize(incident_json(incident)));
  CHECK(json::serialize(timeline_json(entry, arena.storage())) ==
        json::serialize(timeline_json(entry)));
  CHECK(incident_json(incident).at("time_to_acknowledge_s") == json::value(60.0));
}

}  // namespace
}  // namespace regen::api
