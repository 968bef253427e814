#include "regend/ingest/cloudwatch_provider.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <functional>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::Severity;
using testing::parse_error;
using testing::parse_ok;
using testing::read_fixture;
using testing::utc;

const CloudWatchProvider kProvider{IngestLimits{}};
constexpr const char* kAlarmArn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-high-cpu";
constexpr const char* kTopicArn = "arn:aws:sns:us-east-1:123456789012:regen-alarms";

// A fixture's SNS envelope, changed by `edit`.
std::string with_envelope(const std::string& fixture,
                          const std::function<void(boost::json::object&)>& edit) {
  boost::json::value envelope = boost::json::parse(read_fixture(fixture));
  edit(envelope.as_object());
  return boost::json::serialize(envelope);
}

// A fixture's envelope whose alarm (the JSON document inside "Message") is changed by `edit`.
std::string with_alarm(const std::string& fixture,
                       const std::function<void(boost::json::object&)>& edit) {
  return with_envelope(fixture, [&edit](boost::json::object& envelope) {
    boost::json::value alarm = boost::json::parse(envelope.at("Message").as_string());
    edit(alarm.as_object());
    envelope["Message"] = boost::json::serialize(alarm);
  });
}

TEST_CASE("cloudwatch: an ALARM notification is a critical firing alert keyed by its ARN") {
  const std::string body = read_fixture("cloudwatch/alarm.json");
  const ParsedWebhook parsed = parse_ok(kProvider, body);
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.source == "cloudwatch");
  CHECK(alert.external_id == kAlarmArn);
  CHECK(alert.title == "api-high-cpu");
  CHECK(alert.description == "CPU above 80% for 10 minutes on the API instance");
  CHECK(alert.severity == Severity::kCritical);
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.labels ==
        std::map<std::string, std::string>{{"alarm_name", "api-high-cpu"},
                                           {"region", "US East (N. Virginia)"},
                                           {"namespace", "AWS/EC2"},
                                           {"metric_name", "CPUUtilization"},
                                           {"dimension_InstanceId", "i-0abc123def4567890"}});
  CHECK(alert.annotations.at("new_state_reason").starts_with("Threshold Crossed: 2 out of"));
  CHECK(alert.annotations.at("topic_arn") == kTopicArn);
  CHECK(alert.annotations.size() == 2);
  CHECK(alert.started_at == utc(2024, 1, 15, 10, 30, 0));
  CHECK_FALSE(alert.ended_at);
  const boost::json::value envelope = boost::json::parse(body);
  CHECK(alert.raw ==
        boost::json::serialize(boost::json::parse(envelope.at("Message").as_string())));
  CHECK(parsed.delivery_id == "5b1a2f3c-7d9e-5f01-a2b3-c4d5e6f7a8b9");
  CHECK_FALSE(parsed.confirmation);
}

TEST_CASE("cloudwatch: an OK notification resolves the alarm at its StateChangeTime") {
  const ParsedWebhook parsed = parse_ok(kProvider, read_fixture("cloudwatch/ok.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.status == AlertStatus::kResolved);
  CHECK(alert.severity == Severity::kCritical);  // OldStateValue ALARM
  CHECK(alert.external_id == kAlarmArn);
  CHECK(alert.ended_at == utc(2024, 1, 15, 10, 55, 0, 250));
  CHECK_FALSE(alert.started_at);
  CHECK(parsed.delivery_id == "6c2b3a4d-8e0f-4a12-b3c4-d5e6f7a8b9c0");
}

TEST_CASE("cloudwatch: INSUFFICIENT_DATA is an info alert described by its state reason") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, read_fixture("cloudwatch/insufficient_data.json"));
  REQUIRE(parsed.alerts.size() == 1);
  const domain::NormalizedAlert& alert = parsed.alerts[0];
  CHECK(alert.status == AlertStatus::kFiring);
  CHECK(alert.severity == Severity::kInfo);
  CHECK(alert.title == "alb-5xx-errors");
  CHECK(alert.description == "Insufficient Data: 5 datapoints were unknown.");  // null desc.
  CHECK(alert.labels.at("dimension_LoadBalancer") == "app/prod-alb/50dc6c495c0c9188");
  CHECK(alert.labels.at("dimension_TargetGroup") == "targetgroup/api/73e2d6bc24d8a067");
  CHECK(alert.labels.at("namespace") == "AWS/ApplicationELB");
  CHECK(alert.started_at == utc(2024, 1, 15, 16, 0, 0));  // 11:00:00.000-0500
}

TEST_CASE("cloudwatch: OK after INSUFFICIENT_DATA resolves an info alert") {
  const std::string body = with_alarm("cloudwatch/ok.json", [](boost::json::object& alarm) {
    alarm["OldStateValue"] = "INSUFFICIENT_DATA";
  });
  CHECK(parse_ok(kProvider, body).alerts.at(0).severity == Severity::kInfo);
}

TEST_CASE("cloudwatch: a SubscriptionConfirmation carries the topic and URL and no alerts") {
  const ParsedWebhook parsed =
      parse_ok(kProvider, read_fixture("cloudwatch/subscription_confirmation.json"));
  CHECK(parsed.alerts.empty());
  REQUIRE(parsed.confirmation);
  CHECK(parsed.confirmation->topic_arn == kTopicArn);
  CHECK(parsed.confirmation->subscribe_url.starts_with(
      "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn="));
  CHECK_FALSE(parsed.delivery_id);
}

TEST_CASE("cloudwatch: an UnsubscribeConfirmation is accepted with nothing to do") {
  const std::string body = with_envelope(
      "cloudwatch/subscription_confirmation.json",
      [](boost::json::object& envelope) { envelope["Type"] = "UnsubscribeConfirmation"; });
  const ParsedWebhook parsed = parse_ok(kProvider, body);
  CHECK(parsed.alerts.empty());
  CHECK_FALSE(parsed.confirmation);
  CHECK_FALSE(parsed.delivery_id);
}

TEST_CASE("cloudwatch: the text/plain content type SNS sends is fine") {
  CHECK(parse_ok(kProvider, read_fixture("cloudwatch/alarm.json"),
                 {{"Content-Type", "text/plain; charset=UTF-8"},
                  {"x-amz-sns-message-type", "Notification"}})
            .alerts.size() == 1);
}

TEST_CASE("cloudwatch: an alarm without an ARN is keyed by its title and labels") {
  const auto without_arn = [](boost::json::object& alarm) { alarm.erase("AlarmArn"); };
  const ParsedWebhook one = parse_ok(kProvider, with_alarm("cloudwatch/alarm.json", without_arn));
  const ParsedWebhook two = parse_ok(kProvider, with_alarm("cloudwatch/ok.json", without_arn));
  CHECK(one.alerts.at(0).external_id.size() == 64);
  CHECK(one.alerts.at(0).external_id == two.alerts.at(0).external_id);
}

TEST_CASE("cloudwatch: an unknown or missing Type is rejected naming Type") {
  const Error unknown = parse_error(
      kProvider, with_envelope("cloudwatch/alarm.json",
                               [](boost::json::object& envelope) { envelope["Type"] = "Alarm"; }));
  CHECK(unknown.code == ErrorCode::kInvalidArgument);
  CHECK(unknown.field == "Type");
  CHECK(unknown.message ==
        "Type must be one of Notification, SubscriptionConfirmation, UnsubscribeConfirmation");
  const Error missing = parse_error(
      kProvider, with_envelope("cloudwatch/alarm.json",
                               [](boost::json::object& envelope) { envelope.erase("Type"); }));
  CHECK(missing.field == "Type");
  CHECK(missing.message == "Type is required");
}

TEST_CASE("cloudwatch: a Message that is not a JSON object string is rejected") {
  const auto message_set_to = [](boost::json::value message) {
    return with_envelope("cloudwatch/alarm.json", [&message](boost::json::object& envelope) {
      envelope["Message"] = message;
    });
  };
  Error error = parse_error(kProvider, message_set_to(boost::json::object{{"AlarmName", "x"}}));
  CHECK(error.field == "Message");
  CHECK(error.message == "Message must be a string");
  error = parse_error(kProvider, message_set_to("ALARM: api-high-cpu"));
  CHECK(error.field == "Message");
  CHECK(error.message == "Message is not valid JSON (at byte 0): syntax error");
  error = parse_error(kProvider, message_set_to("[1,2]"));
  CHECK(error.field == "Message");
  CHECK(error.message == "Message must be a JSON object");
}

TEST_CASE("cloudwatch: invalid alarm fields are rejected naming their path in Message") {
  using Edit = std::function<void(boost::json::object&)>;
  struct Case {
    Edit edit;
    std::string field;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& a) { a["NewStateValue"] = "PENDING"; }, "Message.NewStateValue",
       "Message.NewStateValue must be one of ALARM, OK, INSUFFICIENT_DATA"},
      {[](auto& a) { a.erase("NewStateValue"); }, "Message.NewStateValue",
       "Message.NewStateValue is required"},
      {[](auto& a) { a.erase("AlarmName"); }, "Message.AlarmName", "Message.AlarmName is required"},
      {[](auto& a) { a["AlarmName"] = ""; }, "Message.AlarmName",
       "Message.AlarmName must not be empty"},
      {[](auto& a) { a["AlarmName"] = 7; }, "Message.AlarmName",
       "Message.AlarmName must be a string"},
      {[](auto& a) { a["StateChangeTime"] = "15/01/2024"; }, "Message.StateChangeTime",
       "Message.StateChangeTime must be an RFC 3339 timestamp such as 2024-01-15T10:30:00Z"},
      {[](auto& a) { a["Trigger"] = "CPUUtilization"; }, "Message.Trigger",
       "Message.Trigger must be an object"},
      {[](auto& a) { a["Trigger"].as_object()["Dimensions"] = "InstanceId"; },
       "Message.Trigger.Dimensions", "Message.Trigger.Dimensions must be an array"},
      {[](auto& a) { a["Trigger"].as_object()["Dimensions"] = boost::json::array{"i-1"}; },
       "Message.Trigger.Dimensions[0]", "Message.Trigger.Dimensions[0] must be an object"},
      {[](auto& a) {
         a["Trigger"].as_object()["Dimensions"] = boost::json::array{{{"value", "i-1"}}};
       },
       "Message.Trigger.Dimensions[0].name", "Message.Trigger.Dimensions[0].name is required"},
      {[](auto& a) { a["Region"] = boost::json::array{}; }, "Message.Region",
       "Message.Region must be a string"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i);
    const Error error = parse_error(kProvider, with_alarm("cloudwatch/alarm.json", cases[i].edit));
    CHECK(error.code == ErrorCode::kInvalidArgument);
    CHECK(error.field == cases[i].field);
    CHECK(error.message == cases[i].message);
  }
}

TEST_CASE("cloudwatch: a SubscriptionConfirmation without SubscribeURL is rejected") {
  const Error error = parse_error(
      kProvider,
      with_envelope("cloudwatch/subscription_confirmation.json",
                    [](boost::json::object& envelope) { envelope.erase("SubscribeURL"); }));
  CHECK(error.field == "SubscribeURL");
}

TEST_CASE("cloudwatch: an AlarmName longer than max_title is rejected with the limit") {
  IngestLimits limits;
  limits.max_title = 12;
  const CloudWatchProvider provider{limits};
  CHECK(parse_ok(provider, read_fixture("cloudwatch/alarm.json")).alerts.size() == 1);  // 12
  const Error error =
      parse_error(provider, with_alarm("cloudwatch/alarm.json", [](boost::json::object& alarm) {
                    alarm["AlarmName"] = "api-high-cpu2";
                  }));
  CHECK(error.field == "Message.AlarmName");
  CHECK(error.limit == 12);
}

TEST_CASE("cloudwatch: a body that is not JSON or not an object is rejected") {
  CHECK(parse_error(kProvider, "Type=Notification").field.empty());
  CHECK(parse_error(kProvider, "[]").message == "request body must be a JSON object");
}

}  // namespace
}  // namespace regen::ingest
