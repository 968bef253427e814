#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/unit/storage_postgres/pg_test_support.h"

namespace regen::storage {
namespace {

using namespace pgtest;

TEST_CASE("postgres store: an alert round-trips with unicode text and labels as compact JSON") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  AlertRow row = sample_alert("fp-ünï");
  row.alert.title = "Disque plein ☃ on db-1 🔥";
  row.alert.description = "line 1\nline \"2\" with a \\ backslash and a tab\t";
  row.alert.labels["région"] = "eu-west-ß";
  row.alert.labels["empty"] = "";
  row.alert.annotations["runbook"] = "https://example.com/?a=1&b=\"2\"";
  row.alert.ended_at = ms(1'700'000'100'000);
  row.suppressed = true;
  int64_t id = 0;
  std::optional<AlertRow> found;
  write_ok(*store, [&](WriteTx& tx) {
    id = tx.insert_alert(row);
    found = tx.find_alert("prometheus", "fp-ünï");
  });
  REQUIRE(found.has_value());
  row.id = id;
  CHECK(found->id == id);
  CHECK(found->alert == row.alert);
  CHECK(found->received_at == row.received_at);
  CHECK(found->updated_at == row.updated_at);
  CHECK(found->occurrence == 1);
  CHECK(found->suppressed);
  CHECK_FALSE(found->incident_id.has_value());
  PgResult stored = connect(url)->exec("SELECT labels FROM alerts");
  CHECK(stored.text(0, 0) ==
        R"({"alertname":"DiskFull","empty":"","instance":"db-1","région":"eu-west-ß"})");
}

TEST_CASE("postgres store: finding an unknown alert finds nothing") {
  auto store = migrated_store();
  write_ok(*store, [](WriteTx& tx) {
    tx.insert_alert(sample_alert("a"));
    CHECK_FALSE(tx.find_alert("prometheus", "b").has_value());
    CHECK_FALSE(tx.find_alert("grafana", "a").has_value());
  });
}

TEST_CASE("postgres store: new alerts get ascending ids, each stored before the next lookup") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  std::vector<int64_t> ids;
  write_ok(*store, [&](WriteTx& tx) {
    for (int i = 0; i < 10; ++i) {
      const std::string name = "a" + std::to_string(i);
      ids.push_back(tx.insert_alert(sample_alert(name)));
      std::optional<AlertRow> found = tx.find_alert("prometheus", name);
      REQUIRE(found.has_value());
      CHECK(found->id == ids.back());
    }
  });
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 10);
  int64_t next = 0;
  write_ok(*store, [&](WriteTx& tx) { next = tx.insert_alert(sample_alert("later")); });
  CHECK(next > ids.back());
}

TEST_CASE("postgres store: a prefetched batch larger than one id draw gets every id, ascending") {
  // Prefetch expects 300 new alerts; ids are drawn at most 128 per statement.
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  std::vector<AlertKey> keys;
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("big" + std::to_string(1000 + i));
  for (const std::string& name : names) keys.push_back({"prometheus", name});
  std::vector<int64_t> ids;
  write_ok(*store, [&](WriteTx& tx) {
    tx.prefetch(keys, {});
    for (const std::string& name : names) ids.push_back(tx.insert_alert(sample_alert(name)));
  });
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  CHECK(query_int(url, "SELECT count(*) FROM alerts") == 300);
  CHECK(query_int(url, "SELECT count(DISTINCT id) FROM alerts") == 300);
  // Exactly as many ids drawn as prefetch expected: none wasted in doubling blocks.
  CHECK(query_int(url, "SELECT last_value FROM alerts_id_seq") == ids.back());
}

TEST_CASE("postgres store: updating an alert overwrites its columns") {
  auto store = migrated_store();
  AlertRow row = sample_alert("a");
  IncidentRow incident;
  write_ok(*store, [&](WriteTx& tx) {
    row.id = tx.insert_alert(row);
    incident = tx.insert_incident(sample_incident("g", 1000));
  });
  row.alert.status = domain::AlertStatus::kResolved;
  row.alert.ended_at = ms(1'700'000'200'000);
  row.alert.labels = {{"alertname", "DiskFull"}};
  row.occurrence = 2;
  row.incident_id = incident.id;
  row.updated_at = ms(1'700'000'200'001);
  std::optional<AlertRow> found;
  write_ok(*store, [&](WriteTx& tx) {
    tx.update_alert(row);
    found = tx.find_alert("prometheus", "a");
  });
  REQUIRE(found.has_value());
  CHECK(found->alert == row.alert);
  CHECK(found->occurrence == 2);
  CHECK(found->incident_id == incident.id);
  CHECK(found->updated_at == row.updated_at);
}

TEST_CASE("postgres store: an incident round-trips and updates") {
  auto store = migrated_store();
  IncidentRow inserted;
  write_ok(*store, [&](WriteTx& tx) {
    IncidentRow row = sample_incident("g1|alertname=8:DiskFull", 1000);
    row.summary = "résumé ✓";
    inserted = tx.insert_incident(row);
  });
  CHECK(inserted.id > 0);
  CHECK(inserted.incident_number == 1);
  CHECK(inserted.title == "DiskFull");
  CHECK(inserted.summary == "résumé ✓");
  CHECK(inserted.group_key == "g1|alertname=8:DiskFull");
  CHECK(inserted.created_at == ms(1000));
  CHECK_FALSE(inserted.commander.has_value());

  IncidentRow changed = inserted;
  changed.status = IncidentStatus::kAcknowledged;
  changed.severity = domain::Severity::kInfo;
  changed.commander = "alice";
  changed.acknowledged_at = ms(2000);
  changed.updated_at = ms(2000);
  std::optional<IncidentRow> found;
  write_ok(*store, [&](WriteTx& tx) {
    tx.update_incident(changed);
    found = tx.find_incident(inserted.id);
    CHECK_FALSE(tx.find_incident(inserted.id + 100).has_value());
  });
  REQUIRE(found.has_value());
  CHECK(found->status == IncidentStatus::kAcknowledged);
  CHECK(found->severity == domain::Severity::kInfo);
  CHECK(found->commander == "alice");
  CHECK(found->acknowledged_at == ms(2000));
  CHECK_FALSE(found->resolved_at.has_value());
  CHECK(found->incident_number == 1);
}

TEST_CASE("postgres store: incident numbers are monotonic and a rollback never gives one back") {
  auto store = migrated_store();
  std::vector<int64_t> numbers;
  write_ok(*store, [&](WriteTx& tx) {
    for (int i = 0; i < 3; ++i)
      numbers.push_back(tx.insert_incident(sample_incident("g", i)).incident_number);
  });
  CHECK(numbers == std::vector<int64_t>{1, 2, 3});
  Status failed = store->write([](WriteTx& tx) -> Status {
    tx.insert_incident(sample_incident("g", 10));
    return Error{ErrorCode::kConflict, "changed my mind"};
  });
  CHECK_FALSE(failed.ok());
  write_ok(*store, [&](WriteTx& tx) {
    CHECK(tx.insert_incident(sample_incident("g", 11)).incident_number == 5);
  });
}

TEST_CASE("postgres store: the open incident of a group is the newest one within the window") {
  auto store = migrated_store();
  IncidentRow first, second;
  write_ok(*store, [&](WriteTx& tx) {
    first = tx.insert_incident(sample_incident("g", 1000));
    second = tx.insert_incident(sample_incident("g", 2000));
    IncidentRow resolved = sample_incident("g", 3000);
    resolved.status = IncidentStatus::kResolved;
    tx.insert_incident(resolved);
    tx.insert_incident(sample_incident("other", 4000));
  });
  write_ok(*store, [&](WriteTx& tx) {
    auto found = tx.find_open_incident("g", ms(0));
    REQUIRE(found.has_value());
    CHECK(found->id == second.id);
    CHECK_FALSE(tx.find_open_incident("g", ms(2001)).has_value());
    CHECK(tx.find_open_incident("g", ms(2000)).has_value());
    CHECK_FALSE(tx.find_open_incident("nobody", ms(0)).has_value());
    second.status = IncidentStatus::kCanceled;
    tx.update_incident(second);
    found = tx.find_open_incident("g", ms(0));
    REQUIRE(found.has_value());
    CHECK(found->id == first.id);
    first.status = IncidentStatus::kAcknowledged;
    tx.update_incident(first);
    CHECK(tx.find_open_incident("g", ms(0)).has_value());
  });
}

TEST_CASE("postgres store: links resolve per occurrence and count until resolved") {
  auto store = migrated_store();
  write_ok(*store, [&](WriteTx& tx) {
    const int64_t incident = tx.insert_incident(sample_incident("g", 1000)).id;
    const int64_t a = tx.insert_alert(sample_alert("a"));
    const int64_t b = tx.insert_alert(sample_alert("b"));
    tx.link_alert(incident, a, 1, ms(1000));
    tx.link_alert(incident, b, 1, ms(1000));
    tx.link_alert(incident, a, 2, ms(1500));
    CHECK(tx.count_unresolved_links(incident) == 3);
    CHECK(tx.resolve_link(a, 1, ms(2000)) == incident);
    CHECK(tx.count_unresolved_links(incident) == 2);
    CHECK_FALSE(tx.resolve_link(a, 1, ms(2500)).has_value());
    CHECK_FALSE(tx.resolve_link(a, 3, ms(2500)).has_value());
    CHECK(tx.resolve_link(a, 2, ms(3000)) == incident);
    CHECK(tx.resolve_link(b, 1, ms(3000)) == incident);
    CHECK(tx.count_unresolved_links(incident) == 0);
    CHECK(tx.count_unresolved_links(incident + 1) == 0);
  });
}

TEST_CASE("postgres store: timeline entries and outbox events are stored as given") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  int64_t incident = 0;
  write_ok(*store, [&](WriteTx& tx) {
    incident = tx.insert_incident(sample_incident("g", 1000)).id;
    const int64_t other = tx.insert_incident(sample_incident("h", 1000)).id;
    tx.append_timeline({0, incident, "note_added", "alice", R"({"note":"ünï"})", ms(2000)});
    tx.append_timeline({0, incident, "incident_created", "system", "{}", ms(1000)});
    tx.append_timeline({0, other, "incident_created", "system", "{}", ms(1000)});
    tx.append_timeline({0, incident, "alert_linked", "system", R"({"alert_id":7})", ms(2000)});
    tx.enqueue_outbox({"incident_created", incident, R"({"incident_id":1})", ms(1000)});
    tx.enqueue_outbox({"heartbeat", std::nullopt, "{}", ms(1001)});
    CHECK(tx.count_outbox(100) == 2);
  });
  write_ok(*store, [&](WriteTx& tx) {
    std::vector<TimelineEntry> entries = tx.list_timeline(incident);
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].kind == "incident_created");
    CHECK(entries[0].at == ms(1000));
    CHECK(entries[1].kind == "note_added");  // same time as the next one: insertion order
    CHECK(entries[1].actor == "alice");
    CHECK(entries[1].payload_json == R"({"note":"ünï"})");
    CHECK(entries[1].incident_id == incident);
    CHECK(entries[2].kind == "alert_linked");
    CHECK(tx.list_timeline(incident + 100).empty());
  });
  PgResult outbox = connect(url)->exec(
      "SELECT event_type, incident_id, payload, created_at, attempts, next_attempt_at FROM outbox "
      "ORDER BY id");
  REQUIRE(outbox.rows() == 2);
  CHECK(outbox.text(0, 0) == "incident_created");
  CHECK(outbox.optional_int64(0, 1) == incident);
  CHECK(outbox.text(0, 2) == R"({"incident_id":1})");
  CHECK(outbox.int64(0, 3) == 1000);
  CHECK(outbox.int64(0, 4) == 0);
  CHECK(outbox.int64(0, 5) == 0);
  CHECK(outbox.is_null(1, 1));
}

TEST_CASE("postgres store: an event's timeline entry and outbox event are stored together") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  int64_t incident = 0;
  write_ok(*store, [&](WriteTx& tx) {
    incident = tx.insert_incident(sample_incident("g", 1000)).id;
    tx.append_event({0, incident, "alert_linked", "system", R"({"alert_id":7})", ms(2000)});
    tx.append_event({0, incident, "status_changed", "system", "{}", ms(3000)});
    CHECK(tx.count_outbox(100) == 2);  // deferred, yet seen by the next statement
    std::vector<TimelineEntry> entries = tx.list_timeline(incident);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].kind == "alert_linked");
    CHECK(entries[0].payload_json == R"({"alert_id":7})");
    CHECK(entries[0].at == ms(2000));
    CHECK(entries[1].kind == "status_changed");
  });
  PgResult outbox = connect(url)->exec(
      "SELECT event_type, incident_id, payload, created_at FROM outbox ORDER BY id");
  REQUIRE(outbox.rows() == 2);
  CHECK(outbox.text(0, 0) == "alert_linked");
  CHECK(outbox.optional_int64(0, 1) == incident);
  CHECK(outbox.text(0, 2) == R"({"alert_id":7})");
  CHECK(outbox.int64(0, 3) == 2000);
  CHECK(outbox.text(1, 0) == "status_changed");
  CHECK(outbox.int64(1, 3) == 3000);
}

TEST_CASE("postgres store: a delivery is recorded once and its replay is reported") {
  auto store = migrated_store();
  write_ok(*store, [](WriteTx& tx) {
    CHECK(tx.record_delivery("cloudwatch", "msg-1", ms(1000)));
    CHECK_FALSE(tx.record_delivery("cloudwatch", "msg-1", ms(2000)));
    CHECK(tx.record_delivery("generic", "msg-1", ms(2000)));
  });
  write_ok(*store,
           [](WriteTx& tx) { CHECK_FALSE(tx.record_delivery("cloudwatch", "msg-1", ms(3000))); });
}

TEST_CASE("postgres store: the seeded rules are version 1 with the default grouping rule") {
  auto store = migrated_store();
  write_ok(*store, [](WriteTx& tx) {
    CHECK(tx.rules_version() == 1);
    domain::RuleSet rules = tx.load_rules();
    CHECK(rules.version == 1);
    CHECK(rules.routing.empty());
    REQUIRE(rules.grouping.size() == 1);
    const domain::GroupingRule& rule = rules.grouping[0];
    CHECK(rule.name == "default: group by alertname for 5 minutes");
    CHECK(rule.priority == 1000);
    CHECK(rule.group_by == std::vector<std::string>{"alertname"});
    CHECK(rule.window == std::chrono::seconds(300));
    // Only alerts that carry an alertname are grouped by it.
    REQUIRE(rule.match.labels.size() == 1);
    CHECK(rule.match.labels[0].key == "alertname");
    CHECK(rule.match.labels[0].op == domain::MatchOp::kExists);
    CHECK_FALSE(rule.match.source.has_value());
  });
}

TEST_CASE("postgres store: inserted rules bump the version and load in priority order") {
  auto store = migrated_store();
  int64_t routing_id = 0;
  write_ok(*store, [&](WriteTx& tx) {
    domain::RoutingRuleRecord route{"page db team", 10, true,
                                    R"({"labels":[{"key":"team","op":"equals","value":"db"}]})",
                                    R"({"severity":"critical"})"};
    routing_id = tx.insert_routing_rule(route, ms(5000));
    tx.insert_routing_rule({"off", 1, false, "{}", R"({"suppress":true})"}, ms(5000));
    tx.insert_grouping_rule({"by cluster", 5, true, "{}", R"(["cluster"])", 60}, ms(5000));
    CHECK(tx.rules_version() == 4);
  });
  write_ok(*store, [&](WriteTx& tx) {
    domain::RuleSet rules = tx.load_rules();
    CHECK(rules.version == 4);
    REQUIRE(rules.routing.size() == 1);
    CHECK(rules.routing[0].id == routing_id);
    CHECK(rules.routing[0].name == "page db team");
    CHECK(rules.routing[0].severity_override == domain::Severity::kCritical);
    REQUIRE(rules.routing[0].match.labels.size() == 1);
    CHECK(rules.routing[0].match.labels[0].value == "db");
    REQUIRE(rules.grouping.size() == 2);
    CHECK(rules.grouping[0].name == "by cluster");
    CHECK(rules.grouping[0].window == std::chrono::seconds(60));
    CHECK(rules.grouping[1].priority == 1000);
  });
}

TEST_CASE("postgres store: stored rules that fail to parse are skipped and the rest load") {
  const std::string url = fresh_database();
  auto store = migrated_store(url);
  auto db = connect(url);
  db->exec(
      "INSERT INTO routing_rules (name, priority, match, actions, created_at, updated_at) VALUES "
      "('broken match', 1, '{\"labels\":5}', '{}', 0, 0), "
      "('broken actions', 2, '{}', '{\"explode\":true}', 0, 0), "
      "('not json', 3, '{', '{}', 0, 0), "
      "('suppress info', 4, '{\"severity\":\"info\"}', '{\"suppress\":true}', 0, 0), "
      "('disabled', 0, '{}', '{}', 0, 0)");
  db->exec("UPDATE routing_rules SET enabled = FALSE WHERE name = 'disabled'");
  db->exec(
      "INSERT INTO grouping_rules (name, priority, match, group_by, window_s, created_at, "
      "updated_at) VALUES ('broken group_by', 1, '{}', '[1]', 60, 0, 0), "
      "('by cluster', 5, '{\"source\":\"grafana\"}', '[\"cluster\"]', 60, 0, 0)");
  db->exec("UPDATE rules_version SET version = version + 1");
  write_ok(*store, [](WriteTx& tx) {
    domain::RuleSet rules = tx.load_rules();
    CHECK(rules.version == 2);
    REQUIRE(rules.routing.size() == 1);
    CHECK(rules.routing[0].name == "suppress info");
    CHECK(rules.routing[0].suppress);
    CHECK(rules.routing[0].match.severity == domain::Severity::kInfo);
    REQUIRE(rules.grouping.size() == 2);
    CHECK(rules.grouping[0].name == "by cluster");
    CHECK(rules.grouping[0].match.source == "grafana");
    CHECK(rules.grouping[1].priority == 1000);
  });
}

}  // namespace
}  // namespace regen::storage
