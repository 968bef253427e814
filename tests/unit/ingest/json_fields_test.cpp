#include "regend/ingest/json_fields.h"

#include <boost/json/monotonic_resource.hpp>
#include <catch2/catch.hpp>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

boost::json::object parse(std::string_view text) {
  Result<boost::json::object> object = parse_json_object(text, "", {});
  REQUIRE(object.ok());
  return std::move(object).value();
}

TEST_CASE("json fields: paths join with dots and index with brackets") {
  CHECK(field_path("", "title") == "title");
  CHECK(field_path("alerts[2]", "labels") == "alerts[2].labels");
  CHECK(index_path("alerts", 2) == "alerts[2]");
}

TEST_CASE("json fields: invalid JSON names the document, the offset and Boost.JSON's error") {
  const Result<boost::json::object> result = parse_json_object(R"({"a" 1})", "", {});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kInvalidArgument);
  CHECK(result.error().field.empty());
  CHECK(result.error().message == "request body is not valid JSON (at byte 5): syntax error");

  const Result<boost::json::object> message = parse_json_object("{", "Message", {});
  REQUIRE_FALSE(message.ok());
  CHECK(message.error().field == "Message");
  CHECK(message.error().message == "Message is not valid JSON (at byte 1): incomplete JSON");
}

TEST_CASE("json fields: JSON that is not an object is rejected") {
  for (const char* text : {"[]", "42", "\"text\"", "null"}) {
    const Result<boost::json::object> result = parse_json_object(text, "", {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().message == "request body must be a JSON object");
  }
}

TEST_CASE("json fields: the parsed object lives in the given arena") {
  boost::json::monotonic_resource arena;
  Result<boost::json::object> object = parse_json_object(R"({"a":"b"})", "", &arena);
  REQUIRE(object.ok());
  CHECK(object.value().storage().get() == &arena);
}

TEST_CASE("json fields: absent and null fields read as absent") {
  const boost::json::object object = parse(R"({"n": null})");
  FieldReader in(object, "alerts[0]");
  CHECK_FALSE(in.string("n"));
  CHECK_FALSE(in.string("missing"));
  CHECK(in.object("n") == nullptr);
  CHECK(in.array("missing") == nullptr);
  CHECK(in.string_map("n").empty());
  CHECK_FALSE(in.timestamp("n"));
  CHECK(in.ok());
}

TEST_CASE("json fields: a wrong type names the path and the expected type") {
  const boost::json::object object = parse(R"({"s": 1, "o": [], "a": {}, "m": {"k": true}})");
  const auto first_error = [&](auto read) {
    FieldReader in(object, "alerts[1]");
    read(in);
    REQUIRE_FALSE(in.ok());
    return in.error();
  };
  CHECK(first_error([](FieldReader& in) { (void)in.string("s"); }).message ==
        "alerts[1].s must be a string");
  CHECK(first_error([](FieldReader& in) { (void)in.object("o"); }).message ==
        "alerts[1].o must be an object");
  CHECK(first_error([](FieldReader& in) { (void)in.array("a"); }).message ==
        "alerts[1].a must be an array");
  const Error map_error = first_error([](FieldReader& in) { (void)in.string_map("m"); });
  CHECK(map_error.field == "alerts[1].m.k");
  CHECK(map_error.message == "alerts[1].m.k must be a string");
}

TEST_CASE("json fields: the first error is kept") {
  const boost::json::object object = parse(R"({"a": 1, "b": 2})");
  FieldReader in(object, "");
  (void)in.string("a");
  (void)in.required_string("missing");
  (void)in.string("b");
  REQUIRE_FALSE(in.ok());
  CHECK(in.error().field == "a");
}

TEST_CASE("json fields: a required string that is absent is named") {
  const boost::json::object object = parse(R"({})");
  FieldReader in(object, "");
  CHECK(in.required_string("title").empty());
  REQUIRE_FALSE(in.ok());
  CHECK(in.error().field == "title");
  CHECK(in.error().message == "title is required");
}

TEST_CASE("json fields: a timestamp that is not RFC 3339 is named") {
  const boost::json::object object = parse(R"({"t": "15/01/2024 10:30"})");
  FieldReader in(object, "alerts[0]");
  CHECK_FALSE(in.timestamp("t"));
  REQUIRE_FALSE(in.ok());
  CHECK(in.error().field == "alerts[0].t");
  CHECK(in.error().message ==
        "alerts[0].t must be an RFC 3339 timestamp such as 2024-01-15T10:30:00Z");
}

TEST_CASE("FieldName joins its parts as field_path does, only when asked") {
  CHECK(FieldName("alerts[2]", "labels", "alertname").str() == "alerts[2].labels.alertname");
  CHECK(FieldName("", "title").str() == field_path("", "title"));
  CHECK(FieldName("alerts[0]", "title").str() == field_path("alerts[0]", "title"));
  CHECK(FieldName(std::string("Message")).str() == "Message");
  CHECK(FieldName().str().empty());
}

TEST_CASE("FieldName::child names an entry after the parts in use") {
  CHECK(FieldName("", "labels").child("team").str() == "labels.team");
  CHECK(FieldName("alerts[1]", "annotations").child("summary").str() ==
        "alerts[1].annotations.summary");
  CHECK(FieldName("labels").child("env").str() == "labels.env");
}

TEST_CASE("FieldReader::name is the unjoined path") {
  const boost::json::object object{{"title", "x"}};
  FieldReader in(object, "alerts[3]");
  CHECK(in.name("title").str() == in.path("title"));
}

TEST_CASE("JsonArena holds a parsed body") {
  JsonArena arena;
  const std::string body =
      R"({"alerts":[{"labels":{"alertname":"A","team":"db"}}],"status":"firing"})";
  const Result<boost::json::object> root = parse_json_object(body, "", arena.storage());
  REQUIRE(root.ok());
  CHECK(root.value().at("status").as_string() == "firing");
  CHECK(root.value().at("alerts").as_array().at(0).at("labels").at("team").as_string() == "db");
}

}  // namespace
}  // namespace regen::ingest
