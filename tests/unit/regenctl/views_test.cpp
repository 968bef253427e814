#include "regenctl/views.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace regen::ctl {
namespace {

namespace json = boost::json;

// Shapes as regend's API returns them (GET /api/v1/incidents, /api/v1/incidents/N).
constexpr const char kIncidentList[] = R"([
  {"id": 40, "incident_number": 12, "title": "Disk full on db-1", "severity": "critical",
   "status": "triggered", "summary": "", "commander": null, "group_key": "alertname=DiskFull",
   "created_at": "2026-11-22T10:00:00.000Z", "updated_at": "2026-11-22T10:00:00.000Z",
   "acknowledged_at": null, "resolved_at": null, "time_to_acknowledge_s": null,
   "time_to_resolve_s": null},
  {"id": 41, "incident_number": 13, "title": "Backup failed", "severity": "warning",
   "status": "acknowledged", "summary": "nightly", "commander": "alice", "group_key": null,
   "created_at": "2026-11-20T11:55:00.000Z", "updated_at": "2026-11-22T11:00:00.000Z",
   "acknowledged_at": "2026-11-22T11:00:00.000Z", "resolved_at": null,
   "time_to_acknowledge_s": 169500, "time_to_resolve_s": null}
])";

constexpr const char kIncidentDetail[] = R"({
  "id": 40, "incident_number": 12, "title": "Disk full on db-1", "severity": "critical",
  "status": "resolved", "summary": "Root volume at 100%; logs rotated.", "commander": "alice",
  "group_key": "alertname=DiskFull", "created_at": "2026-11-22T10:00:00.000Z",
  "updated_at": "2026-11-22T10:30:00.000Z", "acknowledged_at": "2026-11-22T10:05:00.000Z",
  "resolved_at": "2026-11-22T10:30:00.000Z", "time_to_acknowledge_s": 300,
  "time_to_resolve_s": 1800,
  "alerts": {"data": [
    {"id": 7, "source": "prometheus", "external_id": "fp1", "title": "DiskFull db-1",
     "description": "", "severity": "critical", "status": "resolved", "labels": {},
     "annotations": {}, "started_at": "2026-11-22T09:59:30.000Z",
     "ended_at": "2026-11-22T10:29:00.000Z", "received_at": "2026-11-22T10:00:00.000Z",
     "updated_at": "2026-11-22T10:29:00.000Z", "occurrence": 1, "suppressed": false,
     "incident_id": 40, "acknowledged_at": null}], "total": 1},
  "timeline": {"data": [
    {"id": 1, "incident_id": 40, "kind": "incident_created", "actor": "system",
     "payload": {"title": "Disk full on db-1", "severity": "critical"},
     "at": "2026-11-22T10:00:00.000Z"},
    {"id": 2, "incident_id": 40, "kind": "status_changed", "actor": "token:alice",
     "payload": {"field": "status", "from": "triggered", "to": "acknowledged"},
     "at": "2026-11-22T10:05:00.000Z"},
    {"id": 3, "incident_id": 40, "kind": "note", "actor": "token:alice",
     "payload": {"text": "rotating logs\nthen resizing"}, "at": "2026-11-22T10:10:00.000Z"}],
   "total": 5}
})";

ViewOptions view_at(const char* now, bool wide = false, bool colour = false) {
  ViewOptions view;
  view.now = *parse_rfc3339(now);
  view.wide = wide;
  view.colour = colour;
  return view;
}

TEST_CASE("incident list: number, status, severity, age and title") {
  CHECK(render_incident_list(json::parse(kIncidentList), view_at("2026-11-22T12:00:00Z")) ==
        "#    STATUS        SEV       AGE  TITLE\n"
        "#12  triggered     critical  2h   Disk full on db-1\n"
        "#13  acknowledged  warning   2d   Backup failed\n");
}

TEST_CASE("incident list: wide adds acknowledged and resolved ages and the commander") {
  CHECK(render_incident_list(json::parse(kIncidentList), view_at("2026-11-22T12:00:00Z", true)) ==
        "#    STATUS        SEV       AGE  ACKED  RESOLVED  COMMANDER  TITLE\n"
        "#12  triggered     critical  2h   -      -         -          Disk full on db-1\n"
        "#13  acknowledged  warning   2d   1h     -         alice      Backup failed\n");
}

TEST_CASE("incident list: colour marks status and severity without breaking alignment") {
  const std::string table = render_incident_list(json::parse(kIncidentList),
                                                 view_at("2026-11-22T12:00:00Z", false, true));
  CHECK_THAT(table, Catch::Contains("\x1b[1;31mtriggered\x1b[0m     \x1b[31mcritical\x1b[0m  2h"));
  CHECK_THAT(table, Catch::Contains("\x1b[33macknowledged\x1b[0m  \x1b[33mwarning\x1b[0m   2d"));
}

TEST_CASE("incident list: without colour there is no escape byte at all") {
  const std::string table =
      render_incident_list(json::parse(kIncidentList), view_at("2026-11-22T12:00:00Z"));
  CHECK(table.find('\x1b') == std::string::npos);
}

TEST_CASE("incident list: an empty list says so") {
  CHECK(render_incident_list(json::parse("[]"), view_at("2026-11-22T12:00:00Z")) ==
        "No incidents.\n");
  CHECK(render_incident_list(json::value(), view_at("2026-11-22T12:00:00Z")) == "No incidents.\n");
}

TEST_CASE("incident detail: header, alerts, timeline, times in UTC") {
  const std::string text =
      render_incident_detail(json::parse(kIncidentDetail), view_at("2026-11-22T12:00:00Z"));
  CHECK(text ==
        "Incident         #12\n"
        "Title            Disk full on db-1\n"
        "Status           resolved\n"
        "Severity         critical\n"
        "Created          2026-11-22 10:00:00 UTC (2h ago)\n"
        "Acknowledged     2026-11-22 10:05:00 UTC\n"
        "Resolved         2026-11-22 10:30:00 UTC\n"
        "Time to ack      5m 0s\n"
        "Time to resolve  30m 0s\n"
        "Commander        alice\n"
        "Summary          Root volume at 100%; logs rotated.\n"
        "\n"
        "Alerts (1)\n"
        "ID  SOURCE      STATUS    SEV       STARTED                  TITLE\n"
        "7   prometheus  resolved  critical  2026-11-22 09:59:30 UTC  DiskFull db-1\n"
        "\n"
        "Timeline (showing 3 of 5)\n"
        "TIME                     ACTOR        EVENT             DETAILS\n"
        "2026-11-22 10:00:00 UTC  system       incident_created  opened: Disk full on db-1 "
        "(critical)\n"
        "2026-11-22 10:05:00 UTC  token:alice  status_changed    status triggered -> "
        "acknowledged\n"
        "2026-11-22 10:10:00 UTC  token:alice  note              rotating logs then resizing\n");
}

TEST_CASE("incident detail: an open incident without alerts or commander") {
  const std::string text = render_incident_detail(
      json::parse(R"({"incident_number": 3, "title": "t", "status": "triggered",
                      "severity": "info", "commander": null, "acknowledged_at": null,
                      "resolved_at": null, "time_to_acknowledge_s": null, "summary": "",
                      "alerts": {"data": [], "total": 0}, "timeline": {"data": [], "total": 0}})"),
      view_at("2026-11-22T12:00:00Z"));
  CHECK_THAT(text, Catch::Contains("Acknowledged     -\n"));
  CHECK_THAT(text, Catch::Contains("Time to ack      -\n"));
  CHECK_THAT(text, Catch::Contains("Commander        none\n"));
  CHECK_THAT(text, Catch::Contains("Summary          -\n"));
  CHECK_THAT(text, Catch::Contains("Alerts (0)\n  none\n"));
  CHECK_THAT(text, Catch::Contains("Timeline (0)\n  none\n"));
}

TEST_CASE("timeline: each kind of payload in a few words") {
  auto describe = [](const char* entry) { return describe_timeline_entry(json::parse(entry)); };
  CHECK(describe(R"({"kind":"severity_changed","payload":{"field":"severity","from":"warning",)"
                 R"("to":"critical","incident_id":4}})") == "severity warning -> critical");
  CHECK(describe(R"({"kind":"commander_changed","payload":{"field":"commander","from":null,)"
                 R"("to":"bob"}})") == "commander none -> bob");
  CHECK(describe(R"({"kind":"note","payload":{"text":"looking"}})") == "looking");
  CHECK(describe(R"({"kind":"incident_created","payload":{"incident_number":3,"title":"Disk",)"
                 R"("severity":"critical","group_key":"g","incident_id":4}})") ==
        "opened: Disk (critical)");
  CHECK(describe(R"({"kind":"incident_created","payload":{"title":"Manual","severity":"info",)"
                 R"("manual":true}})") == "opened by hand: Manual (info)");
  CHECK(
      describe(R"({"kind":"alert_linked","payload":{"alert_id":7,"source":"prometheus",)"
               R"("external_id":"fp","title":"DiskFull","severity":"critical","occurrence":1}})") ==
      "alert 7 (prometheus): DiskFull");
  CHECK(describe(R"({"kind":"all_alerts_resolved","payload":{"incident_id":4}})") ==
        "every alert resolved");
  CHECK(describe(R"({"kind":"escalated","payload":{"level":2,"who":"ops","incident_id":4,)"
                 R"("labels":{"a":"b"}}})") == "level=2, who=ops");
  CHECK(describe(R"({"kind":"escalated","payload":{"incident_id":4}})") == "-");
  CHECK(describe(R"({"kind":"note"})") == "-");
  const std::string long_note =
      std::string(R"({"kind":"note","payload":{"text":")") + std::string(300, 'x') + "\"}}";
  CHECK(describe(long_note.c_str()).size() == 100);
}

TEST_CASE("status change: changed, already there, or somewhere else") {
  CHECK(describe_status_change("#12",
                               json::parse(R"({"status":"acknowledged","changed":["status"]})"),
                               "acknowledged") == "#12 acknowledged");
  CHECK(describe_status_change("#13", json::parse(R"({"status":"acknowledged","changed":[]})"),
                               "acknowledged") == "#13 already acknowledged");
  CHECK(describe_status_change("#14", json::parse(R"({"status":"resolved","changed":[]})"),
                               "acknowledged") == "#14 is resolved");
  CHECK(describe_status_change("#15", json::parse(R"({"status":"resolved"})"), "resolved") ==
        "#15 resolved");
}

TEST_CASE("alert list: id, source, status, severity, age, incident, title") {
  const json::value alerts = json::parse(R"([
    {"id": 7, "source": "prometheus", "external_id": "fp1", "title": "DiskFull db-1",
     "severity": "critical", "status": "firing", "started_at": "2026-11-22T11:55:00.000Z",
     "occurrence": 2, "incident_id": 40},
    {"id": 8, "source": "generic", "external_id": "x", "title": "Backup",
     "severity": "info", "status": "resolved", "started_at": "2026-11-22T09:00:00.000Z",
     "occurrence": 1, "incident_id": null}])");
  CHECK(render_alert_list(alerts, view_at("2026-11-22T12:00:00Z")) ==
        "ID  SOURCE      STATUS    SEV       AGE  INCIDENT  TITLE\n"
        "7   prometheus  firing    critical  5m   id:40     DiskFull db-1\n"
        "8   generic     resolved  info      3h   -         Backup\n");
  CHECK(render_alert_list(alerts, view_at("2026-11-22T12:00:00Z", true)) ==
        "ID  SOURCE      STATUS    SEV       AGE  INCIDENT  EXTERNAL ID  COUNT  TITLE\n"
        "7   prometheus  firing    critical  5m   id:40     fp1          2      DiskFull db-1\n"
        "8   generic     resolved  info      3h   -         x            1      Backup\n");
  CHECK(render_alert_list(json::parse("[]"), view_at("2026-11-22T12:00:00Z")) == "No alerts.\n");
}

TEST_CASE("alert list: without a start time the age counts from when regend received it") {
  const json::value alerts =
      json::parse(R"([{"id": 7, "started_at": null, "received_at": "2026-11-22T11:00:00.000Z"}])");
  CHECK_THAT(render_alert_list(alerts, view_at("2026-11-22T12:00:00Z")), Catch::Contains(" 1h "));
}

TEST_CASE("alert list: an incident number, when the daemon sends one, is shown as #N") {
  const json::value alerts =
      json::parse(R"([{"id": 7, "incident_id": 40, "incident_number": 12}])");
  CHECK_THAT(render_alert_list(alerts, view_at("2026-11-22T12:00:00Z")), Catch::Contains("#12"));
}

constexpr const char kTokens[] = R"({"tokens": [
  {"name": "ci", "role": "responder", "created_at": "2026-11-22T10:00:00.000Z",
   "last_used_at": null, "revoked_at": null, "key_id": "0123456789ab"},
  {"name": "old", "role": "admin", "created_at": "2026-11-01T10:00:00.000Z",
   "last_used_at": "2026-11-02T08:00:00.000Z", "revoked_at": "2026-11-03T00:00:00.000Z",
   "key_id": "ba9876543210"}]})";

TEST_CASE("token list: name, role, created, last used, revoked only with --all") {
  CHECK(render_token_list(json::parse(kTokens), false) ==
        "NAME  ROLE       CREATED                  LAST USED\n"
        "ci    responder  2026-11-22 10:00:00 UTC  never\n"
        "old   admin      2026-11-01 10:00:00 UTC  2026-11-02 08:00:00 UTC\n");
  CHECK(render_token_list(json::parse(kTokens), true) ==
        "NAME  ROLE       CREATED                  LAST USED                REVOKED\n"
        "ci    responder  2026-11-22 10:00:00 UTC  never                    -\n"
        "old   admin      2026-11-01 10:00:00 UTC  2026-11-02 08:00:00 UTC  2026-11-03 00:00:00 "
        "UTC\n");
  CHECK(render_token_list(json::parse(R"({"tokens":[]})"), false) == "No active tokens.\n");
}

TEST_CASE("token created: the token on its own line, and that it is shown once") {
  const std::string text = render_token_created(json::parse(
      R"({"token":"rgn_0123456789ab_secret","name":"ci","role":"responder",
          "created_at":"2026-11-22T10:00:00.000Z"})"));
  CHECK_THAT(text, Catch::Contains("\n    rgn_0123456789ab_secret\n"));
  CHECK_THAT(text, Catch::Contains("cannot be shown again"));
  CHECK_THAT(text, Catch::Contains("responder"));
}

}  // namespace
}  // namespace regen::ctl
