#include "regend/ingest/provider_registry.h"

#include <catch2/catch.hpp>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

using testing::parse_error;
using testing::parse_ok;
using testing::read_fixture;

TEST_CASE("provider registry: each of the four sources is found by its name") {
  const ProviderRegistry registry{ProviderSettings{}};
  CHECK(registry.sources() ==
        std::vector<std::string_view>{"prometheus", "grafana", "cloudwatch", "generic"});
  for (std::string_view source : registry.sources()) {
    const Provider* provider = registry.find(source);
    REQUIRE(provider != nullptr);
    CHECK(provider->source() == source);
  }
}

TEST_CASE("provider registry: an unknown source is not found") {
  const ProviderRegistry registry{ProviderSettings{}};
  CHECK(registry.find("nagios") == nullptr);
  CHECK(registry.find("") == nullptr);
  CHECK(registry.find("Prometheus") == nullptr);
}

TEST_CASE("provider registry: the providers get the configured limits and secrets") {
  ProviderSettings settings;
  settings.limits.max_alerts = 1;
  settings.grafana_hmac_secret = "g";
  settings.generic_hmac_secret = "w";
  const ProviderRegistry registry{settings};
  CHECK(parse_error(*registry.find("prometheus"), read_fixture("prometheus/multi_alert.json"))
            .limit == 1);
  CHECK(parse_error(*registry.find("grafana"), read_fixture("grafana/firing.json")).code ==
        ErrorCode::kUnauthorized);
  CHECK(parse_error(*registry.find("generic"), read_fixture("generic/minimal.json")).code ==
        ErrorCode::kUnauthorized);
  CHECK(
      parse_ok(*registry.find("cloudwatch"), read_fixture("cloudwatch/alarm.json")).alerts.size() ==
      1);
}

}  // namespace
}  // namespace regen::ingest
