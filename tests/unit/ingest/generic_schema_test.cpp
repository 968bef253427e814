#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "ingest_test_support.h"
#include "regend/ingest/generic_provider.h"

namespace regen::ingest {
namespace {

boost::json::value schema_json(std::string_view text) {
  boost::json::error_code ec;
  boost::json::value schema = boost::json::parse(text, ec);
  INFO(ec.message());
  REQUIRE_FALSE(ec);
  return schema;
}

TEST_CASE("generic schema: it is a valid JSON draft 2020-12 schema document") {
  const boost::json::value schema = schema_json(generic_json_schema());
  CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema.at("type") == "object");
  CHECK(schema.at("else").at("$ref") == "#/$defs/alert");
  CHECK(schema.at("then").at("properties").at("alerts").at("items").at("$ref") == "#/$defs/alert");
}

TEST_CASE("generic schema: it describes every field the provider reads, with its limits") {
  const IngestLimits limits;
  const boost::json::value schema = schema_json(generic_json_schema());
  const boost::json::value& alert = schema.at("$defs").at("alert");
  CHECK(alert.at("required") == boost::json::array{"title"});
  const boost::json::value& properties = alert.at("properties");
  for (const char* field : {"title", "description", "severity", "status", "external_id", "labels",
                            "annotations", "started_at", "ended_at"}) {
    INFO(field);
    CHECK(properties.as_object().contains(field));
  }
  CHECK(properties.at("title").at("maxLength") == limits.max_title);
  CHECK(properties.at("title").at("minLength") == 1);
  CHECK(properties.at("description").at("maxLength") == limits.max_description);
  CHECK(properties.at("external_id").at("maxLength") == limits.max_external_id);
  CHECK(properties.at("severity").at("enum") == boost::json::array{"critical", "warning", "info"});
  CHECK(properties.at("severity").at("default") == "warning");
  CHECK(properties.at("status").at("enum") == boost::json::array{"firing", "resolved"});
  CHECK(properties.at("status").at("default") == "firing");
  CHECK(properties.at("labels").at("maxProperties") == limits.max_labels);
  CHECK(properties.at("labels").at("propertyNames").at("maxLength") == limits.max_label_key);
  CHECK(properties.at("labels").at("additionalProperties").at("maxLength") ==
        limits.max_label_value);
  CHECK(properties.at("started_at").at("format") == "date-time");
  CHECK(schema.at("then").at("properties").at("alerts").at("maxItems") == limits.max_alerts);
}

TEST_CASE("generic schema: configured limits replace the defaults") {
  IngestLimits limits;
  limits.max_alerts = 50;
  limits.max_title = 80;
  const boost::json::value schema = schema_json(generic_json_schema(limits));
  CHECK(schema.at("then").at("properties").at("alerts").at("maxItems") == 50);
  CHECK(schema.at("$defs").at("alert").at("properties").at("title").at("maxLength") == 80);
}

}  // namespace
}  // namespace regen::ingest
