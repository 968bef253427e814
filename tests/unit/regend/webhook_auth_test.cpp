#include "regend/middleware/webhook_auth.h"

#include <catch2/catch.hpp>

#include <string>

namespace regen::middleware {
namespace {

// base64("anyone:s3cret") and friends, computed independently (coreutils base64).
constexpr const char* kBasicAnyone = "Basic YW55b25lOnMzY3JldA==";  // anyone:s3cret
constexpr const char* kBasicEmptyUser = "Basic OnMzY3JldA==";       // :s3cret
constexpr const char* kBasicWrong = "Basic YW55b25lOndyb25n";       // anyone:wrong
constexpr const char* kBasicNoColon = "Basic czNjcmV0";             // s3cret
constexpr const char* kBasicColonInToken = "Basic dTpzM2M6cmV0";    // u:s3c:ret

WebhookSecrets secrets_with_prometheus_token(const std::string& token) {
  config::WebhooksConfig config;
  config.prometheus_token = token;
  return WebhookSecrets(config);
}

void check_rejected(const Status& status, const std::string& message_part) {
  REQUIRE_FALSE(status);
  CHECK(status.error().code == ErrorCode::kUnauthorized);
  CHECK_THAT(status.error().message, Catch::Contains(message_part));
}

TEST_CASE("webhook auth: a source without a token needs no Authorization") {
  const WebhookSecrets none{config::WebhooksConfig{}};
  for (const char* source : {"prometheus", "grafana", "cloudwatch", "generic", "unknown"}) {
    INFO(source);
    CHECK(none.check(source, ""));
    CHECK(none.check(source, "Bearer anything"));
    CHECK_FALSE(none.requires_token(source));
  }
  const WebhookSecrets prometheus_only = secrets_with_prometheus_token("s3cret");
  CHECK(prometheus_only.requires_token("prometheus"));
  CHECK_FALSE(prometheus_only.requires_token("grafana"));
  CHECK(prometheus_only.check("grafana", ""));
}

TEST_CASE("webhook auth: each source checks its own token") {
  config::WebhooksConfig config;
  config.prometheus_token = "p";
  config.grafana_token = "g";
  config.cloudwatch_token = "c";
  config.generic_token = "x";
  const WebhookSecrets secrets(config);
  CHECK(secrets.check("prometheus", "Bearer p"));
  CHECK(secrets.check("grafana", "Bearer g"));
  CHECK(secrets.check("cloudwatch", "Bearer c"));
  CHECK(secrets.check("generic", "Bearer x"));
  CHECK_FALSE(secrets.check("prometheus", "Bearer g"));
  CHECK_FALSE(secrets.check("generic", "Bearer p"));
}

TEST_CASE("webhook auth: the right Bearer token is accepted") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  CHECK(secrets.check("prometheus", "Bearer s3cret"));
  CHECK(secrets.check("prometheus", "  Bearer   s3cret  "));
  CHECK(secrets.check("prometheus", "Bearer\ts3cret"));
}

TEST_CASE("webhook auth: a wrong Bearer token is 401") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  check_rejected(secrets.check("prometheus", "Bearer wrong"), "invalid webhook token");
  check_rejected(secrets.check("prometheus", "Bearer s3cre"), "invalid webhook token");
  check_rejected(secrets.check("prometheus", "Bearer s3cret2"), "invalid webhook token");
  check_rejected(secrets.check("prometheus", "Bearer S3CRET"), "invalid webhook token");
  check_rejected(secrets.check("prometheus", "Bearer s3cret extra"), "invalid webhook token");
}

TEST_CASE("webhook auth: a missing Authorization or token is 401") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  check_rejected(secrets.check("prometheus", ""), "requires a token");
  check_rejected(secrets.check("prometheus", "   "), "requires a token");
  check_rejected(secrets.check("prometheus", "Bearer"), "without a token");
  check_rejected(secrets.check("prometheus", "Bearer   "), "without a token");
}

TEST_CASE("webhook auth: Basic credentials with any user and the token as password pass") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  CHECK(secrets.check("prometheus", kBasicAnyone));
  CHECK(secrets.check("prometheus", kBasicEmptyUser));
  check_rejected(secrets.check("prometheus", kBasicWrong), "invalid webhook token");
  const WebhookSecrets colon = secrets_with_prometheus_token("s3c:ret");
  CHECK(colon.check("prometheus", kBasicColonInToken));
}

TEST_CASE("webhook auth: the token as the Basic user name is not accepted") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  check_rejected(secrets.check("prometheus", "Basic czNjcmV0Og=="), "invalid webhook token");
}

TEST_CASE("webhook auth: malformed Basic credentials are 401") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  for (const char* header : {"Basic", "Basic ", "Basic !!!!", "Basic YW55b25lOnMzY3JldA=",
                             "Basic YW55b25l OnMzY3JldA==", "Basic anyone:s3cret", kBasicNoColon}) {
    INFO(header);
    check_rejected(secrets.check("prometheus", header), "malformed Basic credentials");
  }
}

TEST_CASE("webhook auth: scheme names are case-insensitive") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  CHECK(secrets.check("prometheus", "bearer s3cret"));
  CHECK(secrets.check("prometheus", "BEARER s3cret"));
  CHECK(secrets.check("prometheus", "bAsIc YW55b25lOnMzY3JldA=="));
}

TEST_CASE("webhook auth: other schemes and a bare token are 401") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  check_rejected(secrets.check("prometheus", "s3cret"), "unsupported Authorization scheme");
  check_rejected(secrets.check("prometheus", "Token s3cret"), "unsupported Authorization scheme");
  check_rejected(secrets.check("prometheus", "Digest username=\"x\""),
                 "unsupported Authorization scheme");
  check_rejected(secrets.check("prometheus", "Bearers3cret"), "unsupported Authorization scheme");
}

TEST_CASE("webhook auth: rejections never echo what was sent") {
  const WebhookSecrets secrets = secrets_with_prometheus_token("s3cret");
  for (const char* header : {"Bearer leaked-guess", "Basic YW55b25lOndyb25n", "Weird leaked"}) {
    INFO(header);
    const Status status = secrets.check("prometheus", header);
    REQUIRE_FALSE(status);
    CHECK_THAT(status.error().message, !Catch::Contains("leaked") && !Catch::Contains("wrong") &&
                                           !Catch::Contains("s3cret"));
  }
}

TEST_CASE("webhook auth: the challenge offers Bearer first, then Basic") {
  CHECK(kWebhookChallenge == R"(Bearer realm="regen", Basic realm="regen")");
}

}  // namespace
}  // namespace regen::middleware
