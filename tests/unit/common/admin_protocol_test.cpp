#include "common/admin_protocol.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <string>

namespace regen::admin {
namespace {

namespace json = boost::json;

// Encoded lines end in '\n'; decoders take the line without it.
std::string_view strip_newline(const std::string& line) {
  REQUIRE(line.ends_with('\n'));
  return std::string_view(line).substr(0, line.size() - 1);
}

// The decode error's message; fails the test if decoding succeeded or the code is wrong.
template <typename T>
std::string error_of(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kInvalidArgument);
  return result.error().message;
}

}  // namespace

TEST_CASE("admin protocol: a request survives encode and decode") {
  const Request request{"silence", json::object{{"id", 42}, {"for", "1h"}}};
  const std::string line = encode(request);
  const Result<Request> decoded = decode_request(strip_newline(line));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().cmd == "silence");
  CHECK(decoded.value().args == request.args);
}

TEST_CASE("admin protocol: a success response survives encode and decode") {
  const Response response = Response::success(json::object{{"uptime_s", 12}, {"draining", false}});
  const Result<Response> decoded = decode_response(strip_newline(encode(response)));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().ok);
  CHECK(decoded.value().data == response.data);
}

TEST_CASE("admin protocol: a failure response survives encode and decode") {
  const Response response = Response::failure(kErrUnknownCommand, "no command \"frob\"");
  const Result<Response> decoded = decode_response(strip_newline(encode(response)));
  REQUIRE(decoded.ok());
  CHECK_FALSE(decoded.value().ok);
  CHECK(decoded.value().error.code == "unknown_command");
  CHECK(decoded.value().error.message == "no command \"frob\"");
}

TEST_CASE("admin protocol: encoding produces exactly one line ending in a newline") {
  for (const std::string& line :
       {encode(Request{"status", {}}), encode(Response::success(json::value("a\nb"))),
        encode(Response::failure(kErrFailed, "multi\nline"))}) {
    REQUIRE(line.ends_with('\n'));
    CHECK(line.find('\n') == line.size() - 1);
  }
  CHECK(encode(Request{"status", {}}) == "{\"cmd\":\"status\",\"args\":{}}\n");
}

TEST_CASE("admin protocol: a request without args, or with null args, has empty args") {
  const Result<Request> missing = decode_request(R"({"cmd":"status"})");
  REQUIRE(missing.ok());
  CHECK(missing.value().args.empty());
  const Result<Request> null_args = decode_request(R"({"cmd":"status","args":null})");
  REQUIRE(null_args.ok());
  CHECK(null_args.value().args.empty());
}

TEST_CASE("admin protocol: invalid JSON is a bad request") {
  CHECK(error_of(decode_request("{\"cmd\":")).starts_with("invalid JSON"));
  CHECK(error_of(decode_response("not json")).starts_with("invalid JSON"));
  CHECK(error_of(decode_request("")).starts_with("invalid JSON"));
}

TEST_CASE("admin protocol: a line that is not a JSON object is rejected") {
  CHECK(error_of(decode_request("[1,2]")) == "expected a JSON object");
  CHECK(error_of(decode_response("\"ok\"")) == "expected a JSON object");
}

TEST_CASE("admin protocol: a request with a missing or empty cmd is rejected") {
  CHECK(error_of(decode_request(R"({"args":{}})")) == "missing \"cmd\"");
  CHECK(error_of(decode_request(R"({"cmd":""})")) == "\"cmd\" must be a non-empty string");
  CHECK(error_of(decode_request(R"({"cmd":7})")) == "\"cmd\" must be a non-empty string");
}

TEST_CASE("admin protocol: request args that are not an object are rejected") {
  CHECK(error_of(decode_request(R"({"cmd":"status","args":[1]})")) == "\"args\" must be an object");
  CHECK(error_of(decode_request(R"({"cmd":"status","args":"x"})")) == "\"args\" must be an object");
}

TEST_CASE("admin protocol: a line longer than the limit is rejected before parsing") {
  std::string padded = R"({"cmd":"status"})";
  padded.resize(kMaxLineBytes, ' ');
  CHECK(decode_request(padded).ok());
  padded.push_back(' ');
  CHECK(error_of(decode_request(padded)) == "line longer than 64 KiB");
  CHECK(error_of(decode_response(padded)) == "line longer than 64 KiB");
}

TEST_CASE("admin protocol: a response without a boolean ok is rejected") {
  CHECK(error_of(decode_response(R"({"data":{}})")) == "missing boolean \"ok\"");
  CHECK(error_of(decode_response(R"({"ok":"true"})")) == "missing boolean \"ok\"");
}

TEST_CASE("admin protocol: a failure without an error object is rejected") {
  CHECK(error_of(decode_response(R"({"ok":false})")) == "failure without an \"error\" object");
  CHECK(error_of(decode_response(R"({"ok":false,"error":"boom"})")) ==
        "failure without an \"error\" object");
  CHECK(error_of(decode_response(R"({"ok":false,"error":{"message":"x"}})")) ==
        "\"error.code\" must be a string");
}

TEST_CASE("admin protocol: a success without data carries null data") {
  const Result<Response> decoded = decode_response(R"({"ok":true})");
  REQUIRE(decoded.ok());
  CHECK(decoded.value().ok);
  CHECK(decoded.value().data.is_null());
}

}  // namespace regen::admin
