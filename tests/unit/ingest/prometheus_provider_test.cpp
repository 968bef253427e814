#include "regend/ingest/prometheus_provider.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::Severity;
using testing::parse_error;
using testing::parse_ok;
using testing::read_fixture;
using testing::repeat;
using testing::utc;

const PrometheusProvider kProvider{IngestLimits{}};

// A version 4 payload around `alerts` (comma-separated alert objects).
std::string payload(const std::string& alerts) {
  return R"({"receiver":"regen","status":"firing","version":"4","alerts":[)" + alerts + "]}";
}

// A firing alert with `labels` (a JSON object) and any `extra` fields ("\"k\":v,...").
std::string alert(const std::string& labels, const std::string& extra = "") {
  return R"({"status":"firing","labels":)" + labels +
         R"(,"startsAt":"2024-01-15T10:30:00Z","endsAt":"0001-01-01T00:00:00Z")" +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string fixture_alert_json(const std::string& fixture, std::size_t index) {
  return boost::json::serialize(boost::json::parse(fixture).at("alerts").at(index));
}

TEST_CASE("prometheus: a firing alert maps every field of the Alertmanager payload") {
  const std::string body = read_fixture("prometheus/firing_single.json");
  const ParsedWebhook parsed = parse_ok(kProvider, body);
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.source == "prometheus");
  CHECK(alert.external_id == "4fa8a2b1c0d3e5f6");
  CHECK(alert.title == "HighErrorRate");
  CHECK(alert.description == "Error rate above 5% on api-1");
  CHECK(alert.severity == Severity::kCritical);
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.labels == std::map<std::string, std::string>{{"alertname", "HighErrorRate"},
                                                           {"instance", "api-1:8080"},
                                                           {"job", "api"},
                                                           {"severity", "critical"}});
  CHECK(alert.annotations.at("runbook_url") == "https://runbooks.example.com/high-error-rate");
  CHECK(alert.annotations.at("generatorURL") ==
        "http://prometheus:9090/graph?g0.expr=job%3Aerrors%3Aratio5m+%3E+0.05&g0.tab=1");
  CHECK(alert.annotations.size() == 4);
  CHECK(alert.started_at == utc(2024, 1, 15, 10, 30, 0, 123));
  CHECK_FALSE(alert.ended_at);
  CHECK(alert.raw == fixture_alert_json(body, 0));
  CHECK_FALSE(parsed.delivery_id);
  CHECK_FALSE(parsed.confirmation);
}

TEST_CASE("prometheus: a resolved alert has status resolved and its endsAt as ended_at") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("prometheus/resolved.json"));
  REQUIRE(parsed.alerts.size() == 1);
  CHECK(parsed.alerts[0].status == AlertStatus::kResolved);
  CHECK(parsed.alerts[0].ended_at == utc(2024, 1, 15, 10, 45, 30, 500));
  CHECK(parsed.alerts[0].external_id == "4fa8a2b1c0d3e5f6");
}

TEST_CASE("prometheus: three alerts in one payload become three alerts in order") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("prometheus/multi_alert.json"));
  REQUIRE(parsed.alerts.size() == 3);
  const auto& [sda, sdb, sdc] = std::tie(parsed.alerts[0], parsed.alerts[1], parsed.alerts[2]);
  CHECK(sda.external_id == "0a1b2c3d4e5f6071");
  CHECK(sda.severity == Severity::kWarning);
  CHECK(sda.description == "/dev/sda1 on db-1 is 91% full.");  // annotations.description
  CHECK(sdb.external_id == "1b2c3d4e5f607182");
  CHECK(sdb.severity == Severity::kInfo);
  CHECK(sdb.started_at == utc(2024, 1, 15, 8, 5, 0));  // +01:00
  CHECK(sdc.severity == Severity::kWarning);           // "page" is not a severity we know
  CHECK(sdc.status == AlertStatus::kResolved);
  CHECK(sdc.ended_at == utc(2024, 1, 15, 9, 10, 0));
  CHECK(sdc.description.empty());
}

TEST_CASE("prometheus: an alert without a fingerprint gets the SHA-256 of its sorted labels") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, read_fixture("prometheus/missing_fingerprint.json"));
  REQUIRE(parsed.alerts.size() == 1);
  // sha256("9:alertname12:InstanceDown8:instance12:cache-1:91213:job5:redis8:severity8:critical")
  CHECK(parsed.alerts[0].external_id ==
        "f9ce0a7da77822a923b4baf8be605ac8acdf9020925ec54eb8a9ad5a5d95ad97");
}

TEST_CASE("prometheus: an alert with only status, alertname and startsAt takes the defaults") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, read_fixture("prometheus/missing_optional_fields.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.title == "Watchdog");
  CHECK(alert.description.empty());
  CHECK(alert.severity == Severity::kWarning);
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.annotations.empty());
  CHECK(alert.external_id.size() == 64);
  CHECK(alert.started_at == utc(2024, 1, 15, 10, 30, 0));
  CHECK_FALSE(alert.ended_at);
}

TEST_CASE("prometheus: non-ASCII titles, labels and annotations round-trip unchanged") {
  const std::string body = read_fixture("prometheus/unicode.json");
  const ParsedWebhook parsed = parse_ok(kProvider, body);
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.title == "Überlast im Rechenzentrum");
  CHECK(alert.labels.at("site") == "東京");
  CHECK(alert.labels.at("team") == "équipe-réseau");
  CHECK(alert.description == "Auslastung über 95 % 🔥 — bitte prüfen");
  CHECK(alert.annotations.at("escaped") == "café 🚀");  // from \u escapes, stored as UTF-8
  CHECK(alert.raw == fixture_alert_json(body, 0));
  CHECK(alert.raw.find("東京") != std::string::npos);
}

TEST_CASE("prometheus: fields newer Alertmanagers add are ignored and kept in raw") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("prometheus/unknown_fields.json"));
  REQUIRE(parsed.alerts.size() == 1);
  CHECK(parsed.alerts[0].title == "HighLatency");
  CHECK(parsed.alerts[0].external_id == "9a8b7c6d5e4f3a2b");
  CHECK(parsed.alerts[0].raw.find(R"("inhibitedBy":[])") != std::string::npos);
}

TEST_CASE("prometheus: the same labels in a different key order give the same external_id") {
  const ParsedWebhook one =
      parse_ok(kProvider, payload(alert(R"({"alertname":"Down","job":"api","instance":"a:1"})")));
  const ParsedWebhook two =
      parse_ok(kProvider, payload(alert(R"({"instance":"a:1","job":"api","alertname":"Down"})")));
  const ParsedWebhook other =
      parse_ok(kProvider, payload(alert(R"({"instance":"a:2","job":"api","alertname":"Down"})")));
  CHECK(one.alerts[0].external_id == two.alerts[0].external_id);
  CHECK(one.alerts[0].external_id != other.alerts[0].external_id);
}

TEST_CASE("prometheus: the severity label is matched without regard to case") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, payload(alert(R"({"alertname":"Down","severity":"CRITICAL"})")));
  CHECK(parsed.alerts[0].severity == Severity::kCritical);
}

TEST_CASE("prometheus: an alert without status takes the group's status") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, R"({"status":"resolved","alerts":[{"labels":{"alertname":"Down"}}]})");
  CHECK(parsed.alerts[0].status == AlertStatus::kResolved);
}

TEST_CASE("prometheus: a firing alert with a future endsAt has no ended_at") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, payload(R"({"status":"firing","labels":{"alertname":"Down"},)"
                                  R"("endsAt":"2024-01-15T10:34:00Z"})"));
  CHECK_FALSE(parsed.alerts[0].ended_at);
}

TEST_CASE("prometheus: a missing alertname in any alert rejects the whole request") {
  const Error error = parse_error(
      kProvider, payload(alert(R"({"alertname":"Down"})") + "," + alert(R"({"job":"api"})")));
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.field == "alerts[1].labels.alertname");
  CHECK(error.message == "alerts[1].labels.alertname is required");
}

TEST_CASE("prometheus: an empty alertname is rejected as an empty title") {
  const Error error = parse_error(kProvider, payload(alert(R"({"alertname":""})")));
  CHECK(error.field == "alerts[0].labels.alertname");
  CHECK(error.message == "alerts[0].labels.alertname must not be empty");
}

TEST_CASE("prometheus: wrong types are rejected naming the field and the expected type") {
  struct Case {
    std::string body;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {payload(alert(R"({"alertname":"Down","port":8080})")), "alerts[0].labels.port",
       "alerts[0].labels.port must be a string"},
      {payload(alert(R"(["alertname"])")), "alerts[0].labels",
       "alerts[0].labels must be an object"},
      {payload(alert(R"({"alertname":"Down"})", R"("annotations":{"summary":{"x":1}})")),
       "alerts[0].annotations.summary", "alerts[0].annotations.summary must be a string"},
      {payload(alert(R"({"alertname":"Down"})", R"("fingerprint":42)")), "alerts[0].fingerprint",
       "alerts[0].fingerprint must be a string"},
      {payload(alert(R"({"alertname":"Down"})", R"("generatorURL":true)")),
       "alerts[0].generatorURL", "alerts[0].generatorURL must be a string"},
      {payload(R"({"status":1,"labels":{"alertname":"Down"}})"), "alerts[0].status",
       "alerts[0].status must be a string"},
      {payload(R"({"labels":{"alertname":"Down"},"endsAt":1705314600})"), "alerts[0].endsAt",
       "alerts[0].endsAt must be a string"},
      {payload(R"("Down")"), "alerts[0]", "alerts[0] must be an object"},
      {R"({"alerts":{"0":{}}})", "alerts", "alerts must be an array"},
      {R"({"status":[],"alerts":[]})", "status", "status must be a string"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    const Error error = parse_error(kProvider, c.body);
    CHECK(error.code == ErrorCode::kInvalidArgument);
    CHECK(error.field == c.field);
    CHECK(error.message == c.message);
  }
}

TEST_CASE("prometheus: a payload without alerts is rejected") {
  const Error error = parse_error(kProvider, R"({"version":"4","status":"firing"})");
  CHECK(error.field == "alerts");
  CHECK(error.message == "alerts is required");
}

TEST_CASE("prometheus: an empty alerts list is accepted with nothing to store") {
  CHECK(parse_ok(kProvider, payload("")).alerts.empty());
}

TEST_CASE("prometheus: an unknown status is rejected") {
  const Error error =
      parse_error(kProvider, payload(R"({"status":"pending","labels":{"alertname":"Down"}})"));
  CHECK(error.field == "alerts[0].status");
  CHECK(error.message == "alerts[0].status must be one of firing, resolved");
}

TEST_CASE("prometheus: an alert with no status of its own or of its group is rejected") {
  const Error error = parse_error(kProvider, R"({"alerts":[{"labels":{"alertname":"Down"}}]})");
  CHECK(error.field == "alerts[0].status");
  CHECK(error.message == "alerts[0].status is required");
}

TEST_CASE("prometheus: an unparseable startsAt is rejected naming the field") {
  const Error error =
      parse_error(kProvider, payload(R"({"status":"firing","labels":{"alertname":"Down"},)"
                                     R"("startsAt":"2024-01-15 10:30"})"));
  CHECK(error.field == "alerts[0].startsAt");
}

TEST_CASE("prometheus: a body that is not JSON is rejected with Boost.JSON's error") {
  const Error error = parse_error(kProvider, R"({"alerts": [)");
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.field.empty());
  CHECK(error.message == "request body is not valid JSON (at byte 12): incomplete JSON");
  CHECK(parse_error(kProvider, "").message.find("not valid JSON") != std::string::npos);
  CHECK(parse_error(kProvider, "{\"alerts\":[\"\xff\"]}").message.find("not valid JSON") !=
        std::string::npos);
}

TEST_CASE("prometheus: a body that is JSON but not an object is rejected") {
  const Error error = parse_error(kProvider, R"([{"labels":{"alertname":"Down"}}])");
  CHECK(error.field.empty());
  CHECK(error.message == "request body must be a JSON object");
}

TEST_CASE("prometheus: max_alerts alerts are accepted and one more is rejected") {
  IngestLimits limits;
  limits.max_alerts = 2;
  const PrometheusProvider provider{limits};
  const std::string one = alert(R"({"alertname":"Down"})");
  CHECK(parse_ok(provider, payload(one + "," + one)).alerts.size() == 2);
  const Error error = parse_error(provider, payload(one + "," + one + "," + one));
  CHECK(error.field == "alerts");
  CHECK(error.limit == 2);
}

TEST_CASE("prometheus: a title of max_title characters is accepted and one more is rejected") {
  CHECK(parse_ok(kProvider, payload(alert(R"({"alertname":")" + repeat("ü", 500) + "\"}")))
            .alerts[0]
            .title.size() == 1000);
  const Error error =
      parse_error(kProvider, payload(alert(R"({"alertname":")" + repeat("ü", 501) + "\"}")));
  CHECK(error.field == "alerts[0].labels.alertname");
  CHECK(error.limit == 500);
  CHECK(error.message == "alerts[0].labels.alertname is longer than 500 characters");
}

TEST_CASE("prometheus: a long summary is checked against max_description") {
  IngestLimits limits;
  limits.max_description = 10;
  const PrometheusProvider provider{limits};
  const std::string labels = R"({"alertname":"Down"})";
  CHECK(parse_ok(provider, payload(alert(labels, R"("annotations":{"summary":"0123456789"})")))
            .alerts.size() == 1);
  const Error error =
      parse_error(provider, payload(alert(labels, R"("annotations":{"summary":"0123456789A"})")));
  CHECK(error.field == "alerts[0].annotations.summary");
  CHECK(error.limit == 10);
}

TEST_CASE("prometheus: a generatorURL longer than max_label_value is named as sent") {
  IngestLimits limits;
  limits.max_label_value = 20;
  const PrometheusProvider provider{limits};
  const std::string labels = R"({"alertname":"Down"})";
  CHECK(parse_ok(provider, payload(alert(labels, R"("generatorURL":"http://p:9090/graph")")))
            .alerts[0]
            .annotations.at("generatorURL") == "http://p:9090/graph");
  const Error error =
      parse_error(provider, payload(alert(labels, R"("generatorURL":"http://p:9090/graph?x")")));
  CHECK(error.field == "alerts[0].generatorURL");
  CHECK(error.limit == 20);
}

TEST_CASE("prometheus: labels past max_labels or max_label_key are rejected") {
  IngestLimits limits;
  limits.max_labels = 2;
  limits.max_label_key = 9;
  const PrometheusProvider provider{limits};
  CHECK(parse_ok(provider, payload(alert(R"({"alertname":"Down","job":"x"})"))).alerts.size() == 1);
  Error error = parse_error(provider, payload(alert(R"({"alertname":"Down","job":"x","a":"b"})")));
  CHECK(error.field == "alerts[0].labels");
  CHECK(error.limit == 2);
  error = parse_error(provider, payload(alert(R"({"alertname":"Down","namespace1":"x"})")));
  CHECK(error.field == "alerts[0].labels.namespace1");
  CHECK(error.limit == 9);
}

}  // namespace
}  // namespace regen::ingest
