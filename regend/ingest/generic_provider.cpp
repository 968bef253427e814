#include "regend/ingest/generic_provider.h"

#include <boost/json/serialize.hpp>
#include <optional>
#include <string>

#include "regend/ingest/json_fields.h"
#include "regend/ingest/limits.h"
#include "regend/ingest/signature.h"

namespace regen::ingest {
namespace {

using domain::NormalizedAlert;

// Severity and status are optional, but when present must be one of their values.
Status read_enums(FieldReader& in, NormalizedAlert& alert) {
  const std::optional<std::string_view> severity = in.string("severity");
  const std::optional<std::string_view> status = in.string("status");
  if (!in.ok()) return in.error();
  if (severity) {
    const std::optional<domain::Severity> parsed = domain::parse_severity(*severity);
    const std::string field = in.path("severity");
    if (!parsed) return invalid_field(field, field + " must be one of critical, warning, info");
    alert.severity = *parsed;
  }
  if (status) {
    const std::optional<domain::AlertStatus> parsed = domain::parse_alert_status(*status);
    const std::string field = in.path("status");
    if (!parsed) return invalid_field(field, field + " must be one of firing, resolved");
    alert.status = *parsed;
  }
  return {};
}

Result<NormalizedAlert> map_alert(const boost::json::object& object, const std::string& path,
                                  const IngestLimits& limits) {
  FieldReader in(object, path);
  NormalizedAlert alert;
  alert.source = "generic";
  alert.title = in.required_string("title");
  alert.description = in.string("description").value_or("");
  const std::optional<std::string_view> external_id = in.string("external_id");
  alert.labels = in.string_map("labels");
  alert.annotations = in.string_map("annotations");
  alert.started_at = in.timestamp("started_at");
  alert.ended_at = in.timestamp("ended_at");
  if (Status s = read_enums(in, alert); !s.ok()) return s.error();

  alert.external_id = external_id && !external_id->empty()
                          ? std::string(*external_id)
                          : title_labels_hash(alert.title, alert.labels);
  const AlertFieldPaths paths{in.name("title"), in.name("description"), in.name("external_id"),
                              in.name("labels"), in.name("annotations")};
  if (Status s = check_alert(alert, limits, paths); !s.ok()) return s.error();
  alert.raw = boost::json::serialize(object);
  return alert;
}

Result<ParsedWebhook> map_batch(const boost::json::value& alerts, const IngestLimits& limits) {
  if (!alerts.is_array()) return invalid_field("alerts", "alerts must be an array");
  const boost::json::array& list = alerts.get_array();
  if (Status s = check_alert_count(list.size(), limits, "alerts"); !s.ok()) return s.error();
  ParsedWebhook parsed;
  parsed.alerts.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("alerts", i);
    if (!list[i].is_object()) return invalid_field(path, path + " must be an object");
    Result<NormalizedAlert> alert = map_alert(list[i].get_object(), path, limits);
    if (!alert.ok()) return alert.error();
    parsed.alerts.push_back(std::move(alert).value());
  }
  return parsed;
}

}  // namespace

Result<ParsedWebhook> GenericProvider::parse(const WebhookRequest& request) const {
  if (Status s = verify_body_signature(request, kSignatureHeader, kSignaturePrefix, hmac_secret_);
      !s.ok()) {
    return s.error();
  }
  JsonArena arena;
  const Result<boost::json::object> root = parse_json_object(request.body, "", arena.storage());
  if (!root.ok()) return root.error();
  // {"alerts": ...} is a batch; any other object is one alert.
  if (const boost::json::value* alerts = root.value().if_contains("alerts")) {
    return map_batch(*alerts, limits_);
  }
  if (Status s = check_alert_count(1, limits_, "alerts"); !s.ok()) return s.error();
  Result<NormalizedAlert> alert = map_alert(root.value(), "", limits_);
  if (!alert.ok()) return alert.error();
  ParsedWebhook parsed;
  parsed.alerts.push_back(std::move(alert).value());
  return parsed;
}

}  // namespace regen::ingest
