#include "regend/ingest/limits.h"

#include <catch2/catch.hpp>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

using testing::repeat;

const AlertFieldPaths kPaths{"alerts[0].title", "alerts[0].description", "alerts[0].external_id",
                             "alerts[0].labels", "alerts[0].annotations"};

domain::NormalizedAlert valid_alert() {
  domain::NormalizedAlert alert;
  alert.title = "Disk full";
  alert.external_id = "disk-1";
  return alert;
}

TEST_CASE("limits: code points are counted, not bytes") {
  CHECK(count_code_points("") == 0);
  CHECK(count_code_points("disk") == 4);
  CHECK(count_code_points("é") == 1);
  CHECK(count_code_points("東京") == 2);
  CHECK(count_code_points("🔥!") == 2);
}

TEST_CASE("limits: a title of exactly max_title multi-byte characters is accepted") {
  domain::NormalizedAlert alert = valid_alert();
  alert.title = repeat("é", 500);
  CHECK(check_alert(alert, IngestLimits{}, kPaths).ok());
}

TEST_CASE("limits: one character past max_title names the field and the limit") {
  domain::NormalizedAlert alert = valid_alert();
  alert.title = repeat("é", 501);
  const Status status = check_alert(alert, IngestLimits{}, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInvalidArgument);
  CHECK(status.error().field == "alerts[0].title");
  CHECK(status.error().limit == 500);
  CHECK(status.error().message == "alerts[0].title is longer than 500 characters");
}

TEST_CASE("limits: a NUL character in any text is rejected, naming the field") {
  domain::NormalizedAlert alert = valid_alert();
  alert.description = std::string("before\0after", 12);
  Status status = check_alert(alert, IngestLimits{}, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts[0].description");
  CHECK(status.error().message.find("NUL") != std::string::npos);

  domain::NormalizedAlert labelled = valid_alert();
  labelled.labels[std::string("k\0", 2)] = "v";
  Status key_status = check_alert(labelled, IngestLimits{}, kPaths);
  REQUIRE_FALSE(key_status.ok());
  CHECK(key_status.error().field == "alerts[0].labels");
}

TEST_CASE("limits: an empty title is rejected") {
  domain::NormalizedAlert alert = valid_alert();
  alert.title.clear();
  const Status status = check_alert(alert, IngestLimits{}, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts[0].title");
  CHECK(status.error().message == "alerts[0].title must not be empty");
  CHECK_FALSE(status.error().limit);
}

TEST_CASE("limits: label and annotation violations name the entry or the map") {
  IngestLimits limits;
  limits.max_labels = 2;
  limits.max_label_key = 3;
  limits.max_label_value = 4;

  domain::NormalizedAlert alert = valid_alert();
  alert.labels = {{"a", "1"}, {"b", "2"}};
  alert.annotations = {{"key", "long"}};
  CHECK(check_alert(alert, limits, kPaths).ok());

  alert.labels["c"] = "3";
  Status status = check_alert(alert, limits, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts[0].labels");
  CHECK(status.error().limit == 2);

  alert.labels = {{"team", "x"}};
  status = check_alert(alert, limits, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts[0].labels.team");
  CHECK(status.error().limit == 3);

  alert.labels = {};
  alert.annotations = {{"key", "longer"}};
  status = check_alert(alert, limits, kPaths);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts[0].annotations.key");
  CHECK(status.error().limit == 4);
}

TEST_CASE("limits: the alert count may reach max_alerts but not pass it") {
  IngestLimits limits;
  limits.max_alerts = 3;
  CHECK(check_alert_count(3, limits, "alerts").ok());
  const Status status = check_alert_count(4, limits, "alerts");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().field == "alerts");
  CHECK(status.error().limit == 3);
  CHECK(status.error().message == "a request may carry at most 3 alerts");
}

}  // namespace
}  // namespace regen::ingest
