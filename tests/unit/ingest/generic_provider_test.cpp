#include "regend/ingest/generic_provider.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <functional>

#include "common/crypto.h"
#include "ingest_test_support.h"
#include "regend/ingest/signature.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::Severity;
using testing::parse_error;
using testing::parse_ok;
using testing::read_fixture;
using testing::repeat;
using testing::utc;

const IngestLimits kLimits;
const GenericProvider kProvider{kLimits, ""};

std::string json(const boost::json::value& value) { return boost::json::serialize(value); }

// {"title":"t"} with `key` set to `value` (which may replace the title).
std::string alert_with(std::string_view key, boost::json::value value) {
  boost::json::object alert{{"title", "t"}};
  alert[key] = std::move(value);
  return json(alert);
}
std::string alert_with(std::string_view key, const std::string& text) {
  return alert_with(key, boost::json::value(std::string_view(text)));
}

// make(limit) must be accepted and make(limit + 1) rejected, naming `field` and the limit.
void check_limit(const std::function<std::string(std::size_t)>& make, std::size_t limit,
                 const std::string& field) {
  CHECK(parse_ok(kProvider, make(limit)).alerts.size() == 1);
  const Error error = parse_error(kProvider, make(limit + 1));
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.field == field);
  CHECK(error.limit == static_cast<int64_t>(limit));
}

// {"k0": value, "k1": value, ...} with `count` entries.
boost::json::object many_entries(std::size_t count, std::string_view value = "v") {
  boost::json::object entries;
  for (std::size_t i = 0; i < count; ++i) entries["k" + std::to_string(i)] = value;
  return entries;
}

TEST_CASE("generic: a single alert object maps every field it gives") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("generic/single.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.source == "generic");
  CHECK(alert.title == "Nightly backup failed");
  CHECK(alert.description == "pg_dump exited with status 1: connection refused");
  CHECK(alert.severity == Severity::kCritical);
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.external_id == "backup-db-1-2024-01-15");
  CHECK(alert.labels ==
        std::map<std::string, std::string>{{"host", "db-1"}, {"service", "backup"}});
  CHECK(alert.annotations.empty());
  CHECK(alert.started_at == utc(2024, 1, 15, 2, 0, 0));
  CHECK_FALSE(alert.ended_at);
}

TEST_CASE("generic: a list of alerts maps each, in order") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("generic/list.json"));
  REQUIRE(parsed.alerts.size() == 3);
  // sha256("29:Certificate expires in 7 days6:domain15:api.example.com")
  CHECK(parsed.alerts[0].external_id ==
        "22f1cccc7ab7689fbab5f3732bc9aefa9b1eb395b53834b9a6b0ce0f1f07c114");
  CHECK(parsed.alerts[1].external_id.size() == 64);
  CHECK(parsed.alerts[1].external_id != parsed.alerts[0].external_id);
  CHECK(parsed.alerts[1].raw == R"({"title":"Certificate expires in 7 days","severity":"warning",)"
                                R"("labels":{"domain":"www.example.com"}})");
  CHECK(parsed.alerts[2].external_id == "cert-shop.example.com");
  CHECK(parsed.alerts[2].severity == Severity::kInfo);
  CHECK(parsed.alerts[2].status == AlertStatus::kResolved);
  CHECK(parsed.alerts[2].ended_at == utc(2024, 1, 15, 10, 0, 0, 250));
}

TEST_CASE("generic: a minimal alert is a firing warning keyed by its title") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("generic/minimal.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.title == "Something is wrong");
  CHECK(alert.description.empty());
  CHECK(alert.severity == Severity::kWarning);
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.external_id == "35da70fc265498391b825abfe5f5085f55c011a0e96cf3b79125b526053b06af");
  CHECK(alert.labels.empty());
  CHECK_FALSE(alert.started_at);
  CHECK(alert.raw == R"({"title":"Something is wrong"})");
}

TEST_CASE("generic: a full alert maps everything and ignores unknown fields") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("generic/full.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.severity == Severity::kInfo);
  CHECK(alert.status == AlertStatus::kResolved);
  CHECK(alert.external_id == "queue-orders-depth");
  CHECK(alert.labels.size() == 3);
  CHECK(alert.annotations.at("runbook_url") == "https://runbooks.example.com/queue-depth");
  CHECK(alert.started_at == utc(2024, 1, 15, 9, 0, 0, 500));
  CHECK(alert.ended_at == utc(2024, 1, 15, 10, 20, 0, 987));
  CHECK(alert.raw.find(R"("source_system":"cron-monitor")") != std::string::npos);
}

TEST_CASE("generic: the same title and labels in a different order give the same external_id") {
  const auto id_of = [](const std::string& body) {
    return parse_ok(kProvider, body).alerts.at(0).external_id;
  };
  const std::string id = id_of(R"({"title":"Down","labels":{"a":"1","b":"2","c":"3"}})");
  CHECK(id_of(R"({"labels":{"c":"3","a":"1","b":"2"},"title":"Down"})") == id);
  CHECK(id_of(R"({"title":"Up","labels":{"a":"1","b":"2","c":"3"}})") != id);
  CHECK(id_of(R"({"title":"Down","labels":{"a":"1","b":"2"}})") != id);
}

TEST_CASE("generic: an empty external_id falls back to the stable hash") {
  CHECK(parse_ok(kProvider, R"({"title":"Something is wrong","external_id":""})")
            .alerts.at(0)
            .external_id == "35da70fc265498391b825abfe5f5085f55c011a0e96cf3b79125b526053b06af");
}

TEST_CASE("generic: non-ASCII text round-trips") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, R"({"title":"Диск заполнен 💾","labels":{"équipe":"東京"}})");
  CHECK(parsed.alerts.at(0).title == "Диск заполнен 💾");
  CHECK(parsed.alerts.at(0).labels.at("équipe") == "東京");
}

TEST_CASE("generic: invalid values are rejected naming the field with a human message") {
  struct Case {
    std::string body;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"({"description":"no title"})", "title", "title is required"},
      {R"({"title":null})", "title", "title is required"},
      {R"({"title":""})", "title", "title must not be empty"},
      {R"({"title":42})", "title", "title must be a string"},
      {R"({"title":"t","severity":"high"})", "severity",
       "severity must be one of critical, warning, info"},
      {R"({"title":"t","severity":"Critical"})", "severity",
       "severity must be one of critical, warning, info"},
      {R"({"title":"t","status":"open"})", "status", "status must be one of firing, resolved"},
      {R"({"title":"t","status":true})", "status", "status must be a string"},
      {R"({"title":"t","description":["a"]})", "description", "description must be a string"},
      {R"({"title":"t","external_id":17})", "external_id", "external_id must be a string"},
      {R"({"title":"t","labels":"team=db"})", "labels", "labels must be an object"},
      {R"({"title":"t","labels":{"port":5432}})", "labels.port", "labels.port must be a string"},
      {R"({"title":"t","annotations":{"n":null}})", "annotations.n",
       "annotations.n must be a string"},
      {R"({"title":"t","started_at":"yesterday"})", "started_at",
       "started_at must be an RFC 3339 timestamp such as 2024-01-15T10:30:00Z"},
      {R"({"title":"t","ended_at":1705314600})", "ended_at", "ended_at must be a string"},
      {R"({"alerts":{"title":"t"}})", "alerts", "alerts must be an array"},
      {R"({"alerts":null})", "alerts", "alerts must be an array"},
      {R"({"alerts":[{"title":"t"},"t"]})", "alerts[1]", "alerts[1] must be an object"},
      {R"({"alerts":[{"title":"t"},{"title":"u"},{"title":"v","severity":"low"}]})",
       "alerts[2].severity", "alerts[2].severity must be one of critical, warning, info"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    const Error error = parse_error(kProvider, c.body);
    CHECK(error.code == ErrorCode::kInvalidArgument);
    CHECK(error.field == c.field);
    CHECK(error.message == c.message);
    CHECK_FALSE(error.limit);
  }
}

TEST_CASE("generic: a body that is not a JSON object is rejected with Boost.JSON's error") {
  Error error = parse_error(kProvider, R"({"title": "t",})");
  CHECK(error.field.empty());
  CHECK(error.message == "request body is not valid JSON (at byte 14): syntax error");
  error = parse_error(kProvider, R"(["t"])");
  CHECK(error.message == "request body must be a JSON object");
}

TEST_CASE("generic: a title of max_title code points is accepted and one more is rejected") {
  check_limit([](std::size_t n) { return alert_with("title", repeat("ä", n)); }, kLimits.max_title,
              "title");
}

TEST_CASE("generic: a description of max_description code points is accepted, one more not") {
  check_limit([](std::size_t n) { return alert_with("description", repeat("€", n)); },
              kLimits.max_description, "description");
}

TEST_CASE("generic: an external_id of max_external_id code points is accepted, one more not") {
  check_limit([](std::size_t n) { return alert_with("external_id", repeat("x", n)); },
              kLimits.max_external_id, "external_id");
}

TEST_CASE("generic: max_labels labels are accepted and one more is rejected") {
  check_limit([](std::size_t n) { return alert_with("labels", many_entries(n)); },
              kLimits.max_labels, "labels");
}

TEST_CASE("generic: max_labels annotations are accepted and one more is rejected") {
  check_limit([](std::size_t n) { return alert_with("annotations", many_entries(n)); },
              kLimits.max_labels, "annotations");
}

TEST_CASE("generic: a label key of max_label_key code points is accepted, one more not") {
  check_limit(
      [](std::size_t n) {
        return alert_with("labels", boost::json::object{{repeat("k", n), "v"}});
      },
      kLimits.max_label_key, "labels." + repeat("k", kLimits.max_label_key + 1));
}

TEST_CASE("generic: a label value of max_label_value code points is accepted, one more not") {
  check_limit(
      [](std::size_t n) {
        return alert_with("labels", boost::json::object{{"team", repeat("🔥", n)}});
      },
      kLimits.max_label_value, "labels.team");
}

TEST_CASE("generic: an annotation value of max_label_value code points is accepted, one more not") {
  check_limit(
      [](std::size_t n) {
        return alert_with("annotations", boost::json::object{{"note", repeat("z", n)}});
      },
      kLimits.max_label_value, "annotations.note");
}

TEST_CASE("generic: max_alerts alerts are accepted and one more rejects the whole request") {
  const auto batch = [](std::size_t count) {
    boost::json::array alerts;
    for (std::size_t i = 0; i < count; ++i)
      alerts.push_back(boost::json::object{{"title", "t" + std::to_string(i)}});
    return json(boost::json::object{{"alerts", std::move(alerts)}});
  };
  CHECK(parse_ok(kProvider, batch(1000)).alerts.size() == 1000);
  const Error error = parse_error(kProvider, batch(1001));
  CHECK(error.field == "alerts");
  CHECK(error.limit == 1000);
  CHECK(error.message == "a request may carry at most 1000 alerts");
}

TEST_CASE("generic: a limit error in a later alert names its index") {
  const Error error = parse_error(
      kProvider, json({{"alerts", {{{"title", "ok"}}, {{"title", repeat("x", 501)}}}}}));
  CHECK(error.field == "alerts[1].title");
  CHECK(error.message == "alerts[1].title is longer than 500 characters");
}

TEST_CASE("generic: a request signed with sha256=<hmac> is accepted") {
  const GenericProvider provider{IngestLimits{}, "s3cret"};
  const std::string body = read_fixture("generic/single.json");
  const std::string header = "sha256=" + crypto::hmac_sha256_hex("s3cret", body);
  CHECK(parse_ok(provider, body, {{"X-Webhook-Signature", header}}).alerts.size() == 1);
}

TEST_CASE("generic: a missing, wrong or unprefixed signature is unauthorized") {
  const GenericProvider provider{IngestLimits{}, "s3cret"};
  const std::string body = read_fixture("generic/single.json");
  const std::string hmac = crypto::hmac_sha256_hex("s3cret", body);
  Error error = parse_error(provider, body);
  CHECK(error.code == ErrorCode::kUnauthorized);
  CHECK(error.message == "missing X-Webhook-Signature header");
  error = parse_error(provider, body,
                      {{"X-Webhook-Signature", "sha256=" + crypto::hmac_sha256_hex("x", body)}});
  CHECK(error.code == ErrorCode::kUnauthorized);
  CHECK(error.message == "X-Webhook-Signature does not match the request body");
  CHECK(parse_error(provider, body, {{"X-Webhook-Signature", hmac}}).code ==
        ErrorCode::kUnauthorized);
  CHECK(parse_error(provider, body + "\n", {{"X-Webhook-Signature", "sha256=" + hmac}}).code ==
        ErrorCode::kUnauthorized);
}

TEST_CASE("generic: without a configured secret no signature is needed") {
  CHECK(parse_ok(kProvider, read_fixture("generic/minimal.json"), {{"X-Webhook-Signature", "x"}})
            .alerts.size() == 1);
}

}  // namespace
}  // namespace regen::ingest
