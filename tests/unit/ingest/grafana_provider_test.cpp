#include "regend/ingest/grafana_provider.h"

#include <catch2/catch.hpp>

#include "common/crypto.h"
#include "ingest_test_support.h"
#include "regend/ingest/prometheus_provider.h"
#include "regend/ingest/signature.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::Severity;
using testing::parse_error;
using testing::parse_ok;
using testing::read_fixture;
using testing::utc;

const GrafanaProvider kUnsigned{IngestLimits{}, ""};

// tests/data/grafana/signed.json is signed with this secret:
//   openssl dgst -sha256 -hmac grafana-webhook-secret tests/data/grafana/signed.json
constexpr const char* kSecret = "grafana-webhook-secret";
constexpr const char* kSignature =
    "b17ba89e674ffd69b99f2b52b00d6f32da27d091d2a42e669a487df579d871dc";

TEST_CASE("grafana: a firing alert keeps valueString and the links as annotations") {
  const ParsedWebhook parsed = parse_ok(kUnsigned, read_fixture("grafana/firing.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.source == "grafana");
  CHECK(alert.external_id == "c6eadffa33fcdf37");
  CHECK(alert.title == "High memory usage");
  CHECK(alert.description == "This alert was triggered for zone us-1");
  CHECK(alert.severity == Severity::kWarning);  // no severity label
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.labels.at("grafana_folder") == "Infrastructure");
  CHECK(alert.annotations.at("valueString").starts_with("[ var='B' labels={__name__="));
  CHECK(alert.annotations.at("generatorURL") ==
        "https://grafana.example.com/alerting/grafana/1afz29v7z/view?orgId=1");
  CHECK(alert.annotations.at("silenceURL").starts_with("https://grafana.example.com/alerting/"));
  CHECK(alert.annotations.at("dashboardURL") == "https://grafana.example.com/d/Rl1hP0xVk?orgId=1");
  CHECK(alert.annotations.at("panelURL") ==
        "https://grafana.example.com/d/Rl1hP0xVk?orgId=1&viewPanel=2");
  CHECK(alert.annotations.at("runbook_url") == "https://myrunbook.com/runbook/1234");
  CHECK(alert.started_at == utc(2024, 1, 15, 10, 30, 0, 157));  // 11:30:00.157076+01:00
  CHECK_FALSE(alert.ended_at);
  CHECK(alert.raw.find(R"("values":{"B":)") != std::string::npos);
}

TEST_CASE("grafana: a resolved alert has its endsAt as ended_at and no empty links") {
  const ParsedWebhook parsed = parse_ok(kUnsigned, read_fixture("grafana/resolved.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.status == AlertStatus::kResolved);
  CHECK(alert.severity == Severity::kCritical);
  CHECK(alert.ended_at == utc(2024, 1, 15, 10, 42, 10));
  CHECK(alert.annotations.count("dashboardURL") == 0);
  CHECK(alert.annotations.count("panelURL") == 0);
  CHECK(alert.annotations.count("valueString") == 0);
  CHECK(alert.annotations.count("silenceURL") == 1);
}

TEST_CASE("grafana: an alert maps as prometheus maps it, plus Grafana's own fields") {
  const std::string body = read_fixture("grafana/firing.json");
  domain::NormalizedAlert grafana = parse_ok(kUnsigned, body).alerts.at(0);
  domain::NormalizedAlert prometheus =
      parse_ok(PrometheusProvider{IngestLimits{}}, body).alerts.at(0);
  for (const char* key : {"valueString", "silenceURL", "dashboardURL", "panelURL"}) {
    CHECK(prometheus.annotations.count(key) == 0);
    grafana.annotations.erase(key);
  }
  prometheus.source = "grafana";
  CHECK(grafana == prometheus);
}

TEST_CASE("grafana: a request signed with the configured secret is accepted") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  const ParsedWebhook parsed = parse_ok(provider, read_fixture("grafana/signed.json"),
                                        {{"X-Grafana-Alerting-Signature", kSignature}});
  REQUIRE(parsed.alerts.size() == 1);
  CHECK(parsed.alerts[0].title == "DatasourceNoData");
}

TEST_CASE("grafana: the signature header name is matched without regard to case") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  CHECK(parse_ok(provider, read_fixture("grafana/signed.json"),
                 {{"x-grafana-alerting-signature", kSignature}})
            .alerts.size() == 1);
}

TEST_CASE("grafana: a missing signature is unauthorized when a secret is configured") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  const Error error = parse_error(provider, read_fixture("grafana/signed.json"));
  CHECK(error.code == ErrorCode::kUnauthorized);
  CHECK(error.message == "missing X-Grafana-Alerting-Signature header");
}

TEST_CASE("grafana: a wrong signature is unauthorized") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  const std::string body = read_fixture("grafana/signed.json");
  const GrafanaProvider other_secret{IngestLimits{}, "another-secret"};
  CHECK(parse_error(other_secret, body, {{"X-Grafana-Alerting-Signature", kSignature}}).code ==
        ErrorCode::kUnauthorized);
  std::string tampered = body;
  tampered.replace(tampered.find("warning"), 7, "critical");
  const Error error =
      parse_error(provider, tampered, {{"X-Grafana-Alerting-Signature", kSignature}});
  CHECK(error.code == ErrorCode::kUnauthorized);
  CHECK(error.message == "X-Grafana-Alerting-Signature does not match the request body");
  CHECK(parse_error(provider, body,
                    {{"X-Grafana-Alerting-Signature", "sha256=" + std::string(kSignature)}})
            .code == ErrorCode::kUnauthorized);
}

TEST_CASE("grafana: the signature is checked before the body is parsed") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  CHECK(parse_error(provider, "not json").code == ErrorCode::kUnauthorized);
}

TEST_CASE("grafana: without a configured secret the signature header is ignored") {
  CHECK(parse_ok(kUnsigned, read_fixture("grafana/signed.json"),
                 {{"X-Grafana-Alerting-Signature", "nonsense"}})
            .alerts.size() == 1);
}

TEST_CASE("grafana: wrong types in Grafana's fields are rejected naming the field") {
  const Error error =
      parse_error(kUnsigned, R"({"version":"1","status":"firing","alerts":[{"status":"firing",)"
                             R"("labels":{"alertname":"Down"},"valueString":["B=1"]}]})");
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.field == "alerts[0].valueString");
  CHECK(error.message == "alerts[0].valueString must be a string");
}

TEST_CASE("grafana: a label value that is not a string is rejected") {
  const Error error = parse_error(
      kUnsigned, R"({"alerts":[{"status":"firing","labels":{"alertname":"Down","replicas":3}}]})");
  CHECK(error.field == "alerts[0].labels.replicas");
  CHECK(error.message == "alerts[0].labels.replicas must be a string");
}

TEST_CASE("grafana: a missing alertname is rejected naming the field") {
  const Error error =
      parse_error(kUnsigned, R"({"alerts":[{"status":"firing","labels":{"team":"blue"}}]})");
  CHECK(error.field == "alerts[0].labels.alertname");
}

TEST_CASE("grafana: a signed body that is not JSON is still a 400") {
  const GrafanaProvider provider{IngestLimits{}, kSecret};
  const std::string body = "{\"alerts\":";
  const Error error = parse_error(
      provider, body, {{"X-Grafana-Alerting-Signature", crypto::hmac_sha256_hex(kSecret, body)}});
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.message.find("incomplete JSON") != std::string::npos);
}

}  // namespace
}  // namespace regen::ingest
