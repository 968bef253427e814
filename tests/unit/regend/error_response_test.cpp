#include "regend/http/error_response.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <utility>

namespace regen::http {
namespace {

namespace json = boost::json;

// Every ErrorCode with the status clients must see for it.
const std::pair<ErrorCode, unsigned> kStatuses[] = {
    {ErrorCode::kInvalidArgument, 400},  {ErrorCode::kUnauthorized, 401},
    {ErrorCode::kForbidden, 403},        {ErrorCode::kNotFound, 404},
    {ErrorCode::kMethodNotAllowed, 405}, {ErrorCode::kRequestTimeout, 408},
    {ErrorCode::kConflict, 409},         {ErrorCode::kPayloadTooLarge, 413},
    {ErrorCode::kRateLimited, 429},      {ErrorCode::kHeaderTooLarge, 431},
    {ErrorCode::kInternal, 500},         {ErrorCode::kUnavailable, 503},
};

// The "error" object of a response body; fails the test when the body is not the error shape.
json::object error_object(const Response& response) {
  const json::value body = json::parse(response.body);
  REQUIRE(body.is_object());
  REQUIRE(body.as_object().size() == 1);
  REQUIRE(body.as_object().contains("error"));
  REQUIRE(body.at("error").is_object());
  return body.at("error").as_object();
}

}  // namespace

TEST_CASE("error response: every error code maps to its HTTP status") {
  for (const auto& [code, status] : kStatuses) {
    INFO(error_code_name(code));
    CHECK(http_status(code) == status);
  }
}

TEST_CASE("error response: an out-of-range error code maps to 500") {
  CHECK(http_status(static_cast<ErrorCode>(999)) == 500);
}

TEST_CASE("error response: the status and code name follow the error code") {
  for (const auto& [code, status] : kStatuses) {
    INFO(error_code_name(code));
    const Response response = error_response(code, "m", "r");
    CHECK(response.status == status);
    CHECK(response.content_type == "application/json");
    CHECK(error_object(response).at("code") == json::value(error_code_name(code)));
  }
}

TEST_CASE("error response: the body carries code, message, details and request id only") {
  const Response response =
      error_response(ErrorCode::kInvalidArgument, "title is too long", "req-7",
                     json::object{{"field", "title"}, {"limit", 500}});
  const json::object error = error_object(response);
  CHECK(error.size() == 4);
  CHECK(error.at("code") == "invalid_argument");
  CHECK(error.at("message") == "title is too long");
  CHECK(error.at("details") == json::parse(R"({"field":"title","limit":500})"));
  CHECK(error.at("request_id") == "req-7");
  CHECK(response.headers.empty());
}

TEST_CASE("error response: details default to an empty object") {
  const json::object error = error_object(error_response(ErrorCode::kNotFound, "gone", "r1"));
  REQUIRE(error.contains("details"));
  CHECK(error.at("details") == json::object{});
}

TEST_CASE("error response: null details become an empty object") {
  const json::object error =
      error_object(error_response(ErrorCode::kConflict, "closed", "r2", json::value(nullptr)));
  CHECK(error.at("details") == json::object{});
}

TEST_CASE("error response: an empty request id is kept as an empty string") {
  const json::object error = error_object(error_response(ErrorCode::kInternal, "boom", ""));
  CHECK(error.at("request_id") == "");
}

TEST_CASE("error response: quotes, backslashes and newlines in the message stay valid JSON") {
  const std::string message = "bad \"title\" \\ here\nnext line";
  const json::object error =
      error_object(error_response(ErrorCode::kInvalidArgument, message, "r3"));
  CHECK(error.at("message") == json::value(message));
}

TEST_CASE("error response: an Error value gives its code and message, with empty details") {
  const Error failure{ErrorCode::kUnavailable, "store unavailable"};
  const Response response = error_response(failure, "r4");
  CHECK(response.status == 503);
  const json::object error = error_object(response);
  CHECK(error.at("code") == "unavailable");
  CHECK(error.at("message") == "store unavailable");
  CHECK(error.at("details") == json::object{});
  CHECK(error.at("request_id") == "r4");
}

}  // namespace regen::http
