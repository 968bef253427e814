#include "regend/ingest/cloudwatch_provider.h"

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <utility>

#include "regend/ingest/json_fields.h"
#include "regend/ingest/limits.h"
#include "regend/ingest/signature.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::NormalizedAlert;
using domain::Severity;

void put(std::map<std::string, std::string>& entries, std::string key,
         std::optional<std::string_view> value) {
  if (value && !value->empty()) entries.insert_or_assign(std::move(key), std::string(*value));
}

// Dimensions are [{"name":"InstanceId","value":"i-0abc"}], lowercase keys unlike the rest.
void read_dimensions(FieldReader& trigger, std::map<std::string, std::string>& labels) {
  const boost::json::array* dimensions = trigger.array("Dimensions");
  if (dimensions == nullptr) return;
  for (std::size_t i = 0; i < dimensions->size(); ++i) {
    const std::string path = index_path(trigger.path("Dimensions"), i);
    const boost::json::value& dimension = (*dimensions)[i];
    if (!dimension.is_object()) {
      trigger.fail(invalid_field(path, path + " must be an object"));
      return;
    }
    FieldReader in(dimension.get_object(), path);
    const std::string_view name = in.required_string("name");
    const std::string_view value = in.required_string("value");
    if (!in.ok()) {
      trigger.fail(in.error());
      return;
    }
    put(labels, "dimension_" + std::string(name), value);
  }
}

void read_trigger(FieldReader& alarm, std::map<std::string, std::string>& labels) {
  const boost::json::object* trigger = alarm.object("Trigger");
  if (trigger == nullptr) return;
  FieldReader in(*trigger, alarm.path("Trigger"));
  put(labels, "namespace", in.string("Namespace"));
  put(labels, "metric_name", in.string("MetricName"));
  read_dimensions(in, labels);
  if (!in.ok()) alarm.fail(in.error());
}

struct AlarmState {
  std::string_view value;  // NewStateValue
  std::optional<std::string_view> old_value;
  std::optional<domain::Timestamp> changed_at;
};

Status apply_state(const AlarmState& state, const std::string& field, NormalizedAlert& alert) {
  if (state.value == "ALARM" || state.value == "INSUFFICIENT_DATA") {
    alert.status = AlertStatus::kFiring;
    alert.severity = state.value == "ALARM" ? Severity::kCritical : Severity::kInfo;
    alert.started_at = state.changed_at;
  } else if (state.value == "OK") {
    alert.status = AlertStatus::kResolved;
    alert.severity = state.old_value == "INSUFFICIENT_DATA" ? Severity::kInfo : Severity::kCritical;
    alert.ended_at = state.changed_at;
  } else {
    return invalid_field(field, field + " must be one of ALARM, OK, INSUFFICIENT_DATA");
  }
  return {};
}

Result<NormalizedAlert> map_alarm(const boost::json::object& alarm,
                                  std::optional<std::string_view> topic_arn,
                                  const IngestLimits& limits) {
  FieldReader in(alarm, "Message");
  NormalizedAlert alert;
  alert.source = "cloudwatch";
  alert.title = in.required_string("AlarmName");
  const std::optional<std::string_view> description = in.string("AlarmDescription");
  const std::optional<std::string_view> reason = in.string("NewStateReason");
  const std::optional<std::string_view> arn = in.string("AlarmArn");
  const AlarmState state{in.required_string("NewStateValue"), in.string("OldStateValue"),
                         in.timestamp("StateChangeTime")};
  put(alert.labels, "alarm_name", alert.title);
  put(alert.labels, "region", in.string("Region"));
  read_trigger(in, alert.labels);
  if (!in.ok()) return in.error();
  if (Status s = apply_state(state, in.path("NewStateValue"), alert); !s.ok()) return s.error();

  AlertFieldPaths paths{in.name("AlarmName"), in.name("AlarmDescription"), in.name("AlarmArn"),
                        "labels", "annotations"};
  if (description && !description->empty()) {
    alert.description = *description;
  } else if (reason) {
    alert.description = *reason;
    paths.description = in.name("NewStateReason");
  }
  alert.external_id =
      arn && !arn->empty() ? std::string(*arn) : title_labels_hash(alert.title, alert.labels);
  put(alert.annotations, "new_state_reason", reason);
  put(alert.annotations, "topic_arn", topic_arn);
  if (Status s = check_alert(alert, limits, paths); !s.ok()) return s.error();
  alert.raw = boost::json::serialize(alarm);
  return alert;
}

Result<ParsedWebhook> parse_notification(FieldReader& envelope, boost::json::storage_ptr storage,
                                         const IngestLimits& limits) {
  const std::string_view message = envelope.required_string("Message");
  const std::optional<std::string_view> message_id = envelope.string("MessageId");
  const std::optional<std::string_view> topic_arn = envelope.string("TopicArn");
  if (!envelope.ok()) return envelope.error();
  const Result<boost::json::object> alarm = parse_json_object(message, "Message", storage);
  if (!alarm.ok()) return alarm.error();
  Result<NormalizedAlert> alert = map_alarm(alarm.value(), topic_arn, limits);
  if (!alert.ok()) return alert.error();

  ParsedWebhook parsed;
  parsed.alerts.push_back(std::move(alert).value());
  if (message_id && !message_id->empty()) parsed.delivery_id = std::string(*message_id);
  return parsed;
}

Result<ParsedWebhook> parse_confirmation(FieldReader& envelope) {
  SubscriptionConfirmation confirmation{std::string(envelope.required_string("TopicArn")),
                                        std::string(envelope.required_string("SubscribeURL"))};
  if (!envelope.ok()) return envelope.error();
  ParsedWebhook parsed;
  parsed.confirmation = std::move(confirmation);
  return parsed;
}

}  // namespace

Result<ParsedWebhook> CloudWatchProvider::parse(const WebhookRequest& request) const {
  JsonArena arena;
  const Result<boost::json::object> root = parse_json_object(request.body, "", arena.storage());
  if (!root.ok()) return root.error();
  FieldReader envelope(root.value(), "");
  const std::string_view type = envelope.required_string("Type");
  if (!envelope.ok()) return envelope.error();
  if (type == "Notification") return parse_notification(envelope, arena.storage(), limits_);
  if (type == "SubscriptionConfirmation") return parse_confirmation(envelope);
  if (type == "UnsubscribeConfirmation") return ParsedWebhook{};
  return invalid_field("Type",
                       "Type must be one of Notification, SubscriptionConfirmation, "
                       "UnsubscribeConfirmation");
}

}  // namespace regen::ingest
