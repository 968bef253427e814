#include "regend/ingest/alertmanager.h"

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>
#include <utility>

#include "regend/ingest/json_fields.h"
#include "regend/ingest/limits.h"
#include "regend/ingest/signature.h"
#include "regend/ingest/timestamps.h"

namespace regen::ingest {
namespace {

using domain::AlertStatus;
using domain::NormalizedAlert;
using domain::Severity;

// What one alert maps with besides its own fields.
struct AlertContext {
  std::string_view source;
  std::span<const std::string_view> annotation_fields;
  std::optional<std::string_view> group_status;
  const IngestLimits& limits;
};

Severity severity_from_label(const std::map<std::string, std::string>& labels) {
  const auto found = labels.find("severity");
  if (found == labels.end()) return Severity::kWarning;
  std::string text = found->second;
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return domain::parse_severity(text).value_or(Severity::kWarning);
}

// The alert's own status decides; the group's status stands in only when an alert has none.
Result<AlertStatus> alert_status(std::optional<std::string_view> own, const AlertContext& context,
                                 const FieldName& own_field) {
  const std::optional<std::string_view> text = own ? own : context.group_status;
  if (!text) {
    const std::string field = own_field.str();
    return invalid_field(field, field + " is required");
  }
  const std::optional<AlertStatus> status = domain::parse_alert_status(*text);
  if (!status) {
    const std::string field = own ? own_field.str() : std::string("status");
    return invalid_field(field, field + " must be one of firing, resolved");
  }
  return *status;
}

void set_description(NormalizedAlert& alert, AlertFieldPaths& paths, const std::string& path) {
  for (const char* key : {"summary", "description"}) {
    const auto found = alert.annotations.find(key);
    if (found != alert.annotations.end() && !found->second.empty()) {
      alert.description = found->second;
      paths.description = FieldName(path, "annotations", key);
      return;
    }
  }
  paths.description = FieldName(path, "annotations", "summary");
}

// Copies the extra string fields into annotations, checking each under its own name.
void keep_as_annotations(FieldReader& in, NormalizedAlert& alert, const AlertContext& context) {
  for (const std::string_view field : context.annotation_fields) {
    const std::optional<std::string_view> text = in.string(field);
    if (!text || text->empty()) continue;
    if (Status s = check_length(*text, context.limits.max_label_value, in.name(field)); !s.ok()) {
      in.fail(s.error());
      return;
    }
    alert.annotations.insert_or_assign(std::string(field), std::string(*text));
  }
}

Result<NormalizedAlert> map_alert(const boost::json::value& value, const std::string& path,
                                  const AlertContext& context) {
  if (!value.is_object()) return invalid_field(path, path + " must be an object");
  FieldReader in(value.get_object(), path);
  NormalizedAlert alert;
  alert.source = context.source;
  alert.labels = in.string_map("labels");
  alert.annotations = in.string_map("annotations");
  const std::optional<std::string_view> own_status = in.string("status");
  const std::optional<domain::Timestamp> starts_at = in.timestamp("startsAt");
  const std::optional<domain::Timestamp> ends_at = in.timestamp("endsAt");
  const std::optional<std::string_view> fingerprint = in.string("fingerprint");
  keep_as_annotations(in, alert, context);
  if (!in.ok()) return in.error();

  const Result<AlertStatus> status = alert_status(own_status, context, in.name("status"));
  if (!status.ok()) return status.error();
  alert.status = status.value();
  AlertFieldPaths paths{FieldName(path, "labels", "alertname"),
                        {},
                        in.name("fingerprint"),
                        in.name("labels"),
                        in.name("annotations")};
  const auto alertname = alert.labels.find("alertname");
  if (alertname == alert.labels.end()) {
    const std::string name = paths.title.str();
    return invalid_field(name, name + " is required");
  }
  alert.title = alertname->second;
  set_description(alert, paths, path);
  alert.severity = severity_from_label(alert.labels);
  alert.external_id =
      fingerprint && !fingerprint->empty() ? std::string(*fingerprint) : labels_hash(alert.labels);
  if (starts_at && *starts_at != kGoZeroTime) alert.started_at = starts_at;
  // A firing alert's endsAt is the zero time or a predicted expiry, not an end.
  if (alert.status == AlertStatus::kResolved && ends_at && *ends_at != kGoZeroTime) {
    alert.ended_at = ends_at;
  }
  if (Status s = check_alert(alert, context.limits, paths); !s.ok()) return s.error();
  alert.raw = boost::json::serialize(value);
  return alert;
}

}  // namespace

Result<ParsedWebhook> parse_alertmanager_webhook(
    std::string_view body, std::string_view source,
    std::span<const std::string_view> annotation_fields, const IngestLimits& limits) {
  JsonArena arena;
  Result<boost::json::object> root = parse_json_object(body, "", arena.storage());
  if (!root.ok()) return root.error();
  FieldReader group(root.value(), "");
  const boost::json::array* alerts = group.array("alerts");
  const AlertContext context{source, annotation_fields, group.string("status"), limits};
  if (!group.ok()) return group.error();
  if (alerts == nullptr) return invalid_field("alerts", "alerts is required");
  if (Status s = check_alert_count(alerts->size(), limits, "alerts"); !s.ok()) return s.error();

  ParsedWebhook parsed;
  parsed.alerts.reserve(alerts->size());
  for (std::size_t i = 0; i < alerts->size(); ++i) {
    Result<NormalizedAlert> alert = map_alert((*alerts)[i], index_path("alerts", i), context);
    if (!alert.ok()) return alert.error();
    parsed.alerts.push_back(std::move(alert).value());
  }
  return parsed;
}

}  // namespace regen::ingest
