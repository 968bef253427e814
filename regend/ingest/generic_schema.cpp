#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <utility>

#include "regend/ingest/generic_provider.h"

namespace regen::ingest {
namespace {

using boost::json::array;
using boost::json::object;

object string_map_schema(const IngestLimits& limits, std::string_view what) {
  return {{"type", "object"},
          {"description", what},
          {"maxProperties", limits.max_labels},
          {"propertyNames", {{"maxLength", limits.max_label_key}}},
          {"additionalProperties", {{"type", "string"}, {"maxLength", limits.max_label_value}}}};
}

object text_schema(std::size_t max_length, std::string_view what) {
  return {{"type", "string"}, {"maxLength", max_length}, {"description", what}};
}

object enum_schema(array values, std::string_view fallback, std::string_view what) {
  return {{"type", "string"},
          {"enum", std::move(values)},
          {"default", fallback},
          {"description", what}};
}

object timestamp_schema(std::string_view what) {
  return {{"type", "string"}, {"format", "date-time"}, {"description", what}};
}

object alert_schema(const IngestLimits& limits) {
  object title = text_schema(limits.max_title, "What is wrong, in a line.");
  title["minLength"] = 1;
  object properties{
      {"title", std::move(title)},
      {"description", text_schema(limits.max_description, "Details for the responder.")},
      {"severity", enum_schema({"critical", "warning", "info"}, "warning", "How urgent it is.")},
      {"status", enum_schema({"firing", "resolved"}, "firing",
                             "resolved resolves the alert with the same external_id.")},
      {"external_id",
       text_schema(limits.max_external_id,
                   "The deduplication key within this source. Default: the hex SHA-256 of the "
                   "title and the labels in key order.")},
      {"labels", string_map_schema(limits,
                                   "Identifying key/value pairs, used for routing and "
                                   "grouping.")},
      {"annotations", string_map_schema(limits, "Informational key/value pairs.")},
      {"started_at", timestamp_schema("When the problem began (RFC 3339).")},
      {"ended_at", timestamp_schema("When the problem ended (RFC 3339).")}};
  return {{"type", "object"},
          {"required", array{"title"}},
          {"properties", std::move(properties)},
          {"description", "One alert. Unknown properties are ignored."}};
}

}  // namespace

std::string generic_json_schema(const IngestLimits& limits) {
  object alerts{
      {"type", "array"}, {"maxItems", limits.max_alerts}, {"items", {{"$ref", "#/$defs/alert"}}}};
  object batch{{"required", array{"alerts"}}, {"properties", {{"alerts", std::move(alerts)}}}};
  const object schema{
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"title", "Regen generic webhook"},
      {"description",
       "POST /api/v1/webhooks/generic: one alert object, or {\"alerts\": [...]} with several. A "
       "request is all-or-nothing. Lengths count Unicode code points. With a configured secret, "
       "X-Webhook-Signature must be sha256=<hex HMAC-SHA256 of the body>."},
      {"type", "object"},
      {"if", {{"required", array{"alerts"}}}},
      {"then", std::move(batch)},
      {"else", {{"$ref", "#/$defs/alert"}}},
      {"$defs", {{"alert", alert_schema(limits)}}}};
  return boost::json::serialize(schema);
}

std::string_view generic_json_schema() {
  static const std::string schema = generic_json_schema(IngestLimits{});
  return schema;
}

}  // namespace regen::ingest
