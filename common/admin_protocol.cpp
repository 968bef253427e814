#include "common/admin_protocol.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace regen::admin {
namespace json = boost::json;

namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

Result<json::object> parse_object(std::string_view line) {
  if (line.size() > kMaxLineBytes) return invalid("line longer than 64 KiB");
  json::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec) return invalid("invalid JSON: " + ec.message());
  if (!value.is_object()) return invalid("expected a JSON object");
  return std::move(value.as_object());
}

}  // namespace

Response Response::success(json::value data) {
  Response response;
  response.data = std::move(data);
  return response;
}

Response Response::failure(std::string_view code, std::string message) {
  Response response;
  response.ok = false;
  response.error = CommandError{std::string(code), std::move(message)};
  return response;
}

std::string encode(const Request& request) {
  json::object line;
  line["cmd"] = request.cmd;
  line["args"] = request.args;
  return json::serialize(line) + '\n';
}

std::string encode(const Response& response) {
  json::object line;
  line["ok"] = response.ok;
  if (response.ok) {
    line["data"] = response.data;
  } else {
    line["error"] =
        json::object{{"code", response.error.code}, {"message", response.error.message}};
  }
  return json::serialize(line) + '\n';
}

Result<Request> decode_request(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed) return parsed.error();
  json::object& object = parsed.value();
  const json::value* cmd = object.if_contains("cmd");
  if (cmd == nullptr) return invalid("missing \"cmd\"");
  if (!cmd->is_string() || cmd->as_string().empty())
    return invalid("\"cmd\" must be a non-empty string");
  Request request;
  request.cmd = std::string(cmd->as_string());
  if (const json::value* args = object.if_contains("args")) {
    if (args->is_object()) {
      request.args = args->as_object();
    } else if (!args->is_null()) {
      return invalid("\"args\" must be an object");
    }
  }
  return request;
}

Result<Response> decode_response(std::string_view line) {
  auto parsed = parse_object(line);
  if (!parsed) return parsed.error();
  json::object& object = parsed.value();
  const json::value* ok = object.if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) return invalid("missing boolean \"ok\"");
  if (ok->as_bool()) {
    const json::value* data = object.if_contains("data");
    return Response::success(data != nullptr ? *data : json::value{});
  }
  const json::value* error = object.if_contains("error");
  if (error == nullptr || !error->is_object())
    return invalid("failure without an \"error\" object");
  const json::object& err = error->as_object();
  const json::value* code = err.if_contains("code");
  const json::value* message = err.if_contains("message");
  if (code == nullptr || !code->is_string()) return invalid("\"error.code\" must be a string");
  return Response::failure(code->as_string(), message != nullptr && message->is_string()
                                                  ? std::string(message->as_string())
                                                  : std::string());
}

}  // namespace regen::admin
