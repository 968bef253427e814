#pragma once
// CloudWatch alarms delivered by an SNS HTTP(S) subscription. SNS posts its envelope as
// text/plain; the alarm is a JSON document inside the envelope's "Message" string.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
// The envelope's signature is not verified: that needs AWS's signing certificate (I/O), and a
// provider is pure. Protect the route with a webhook secret instead.

#include "regend/ingest/provider.h"

namespace regen::ingest {

class CloudWatchProvider final : public Provider {
 public:
  explicit CloudWatchProvider(IngestLimits limits) : limits_(limits) {}

  std::string_view source() const override { return "cloudwatch"; }
  // By the envelope's Type:
  //   Notification             one alert; delivery_id = MessageId
  //   SubscriptionConfirmation no alerts; confirmation = {TopicArn, SubscribeURL}
  //   UnsubscribeConfirmation  no alerts, nothing to do
  // The alarm maps as: ALARM → firing critical, INSUFFICIENT_DATA → firing info, OK → resolved
  // (ended_at = StateChangeTime; info when the old state was INSUFFICIENT_DATA, else critical).
  // external_id AlarmArn (else title_labels_hash), title AlarmName, description
  // AlarmDescription else NewStateReason; labels alarm_name, region, namespace, metric_name and
  // dimension_<name>; annotations new_state_reason, topic_arn.
  // Errors: kInvalidArgument naming the field ("Message.Trigger.Dimensions[0].name"). Any thread.
  Result<ParsedWebhook> parse(const WebhookRequest& request) const override;

 private:
  IngestLimits limits_;
};

}  // namespace regen::ingest
