#include "regenctl/api_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/version.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;
namespace {

std::string status_label(int status, std::string_view code, std::string_view retry_after) {
  const std::string number = std::to_string(status);
  const std::string suffix = code.empty() ? "" : " " + std::string(code);
  switch (status) {
    case 401:
      return "token refused (401 unauthorized)";
    case 403:
      return "token lacks the role (403)";
    case 404:
      return "not found";
    case 409:
      return "conflict (409)";
    case 429:
      return "rate limited (429" +
             (retry_after.empty() ? "" : ", retry after " + std::string(retry_after) + "s") + ")";
    default:
      break;
  }
  if (status >= 500) return "server error (" + number + suffix + ")";
  if (status >= 400) return "rejected (" + number + suffix + ")";
  return "unexpected response (HTTP " + number + ")";
}

// ": cannot go from resolved; allowed: canceled" for an invalid transition's details.
std::string transition_hint(const json::value* details) {
  const json::value* allowed = details == nullptr ? nullptr : find_member(*details, {"allowed"});
  if (allowed == nullptr || !allowed->is_array()) return "";
  std::string names;
  for (const json::value& name : allowed->get_array()) {
    if (!names.empty()) names += ", ";
    names += scalar_text(&name);
  }
  return ": cannot go from " + scalar_text(find_member(*details, {"from"})) +
         "; allowed: " + (names.empty() ? "none" : names);
}

}  // namespace

ApiClient::ApiClient(HttpEndpoint endpoint, std::string token, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout) {}

ApiResult ApiClient::get(std::string_view target) const { return call("GET", target, ""); }

ApiResult ApiClient::send(std::string_view method, std::string_view target,
                          const json::value& body) const {
  return call(method, target, json::serialize(body));
}

ApiResult ApiClient::call(std::string_view method, std::string_view target,
                          std::string body) const {
  HttpRequest request;
  request.method = std::string(method);
  request.target = std::string(target);
  request.headers = {{"Authorization", "Bearer " + token_},
                     {"Accept", "application/json"},
                     {"User-Agent", std::string("regenctl/") + kVersion}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  HttpResult result = http_exchange(endpoint_, request, timeout_);
  if (!result) return describe_transport_failure(endpoint_, result.error());
  const HttpResponse& response = result.response();
  if (response.status < 200 || response.status > 299) return describe_http_failure(response);
  if (response.body.empty()) return json::value();
  boost::system::error_code ec;
  json::value data = json::parse(response.body, ec);
  if (ec) {
    return describe_transport_failure(
        endpoint_, TransportError{"malformed response: body is not JSON (" + ec.message() + ")"});
  }
  return data;
}

int exit_code_for_http_status(int status) {
  if (status == 401 || status == 403) return kExitPermissionDenied;
  if (status == 404) return kExitNotFound;
  return kExitFailed;
}

ApiFailure describe_http_failure(const HttpResponse& response) {
  boost::system::error_code ec;
  const json::value body = json::parse(response.body, ec);
  const json::value* error = ec ? nullptr : find_member(body, {"error"});
  ApiFailure failure;
  failure.exit_code = exit_code_for_http_status(response.status);
  failure.http_status = response.status;
  const json::value* code = error == nullptr ? nullptr : find_member(*error, {"code"});
  if (code != nullptr && code->is_string()) failure.error_code = code->get_string();
  failure.message =
      status_label(response.status, failure.error_code, response.header("retry-after"));
  const json::value* message = error == nullptr ? nullptr : find_member(*error, {"message"});
  if (message != nullptr && message->is_string() && !message->get_string().empty()) {
    failure.message += ": " + std::string(message->get_string());
  } else if (response.status == 409 && error != nullptr) {
    // regend's own message names the allowed transitions; this covers a terse one.
    failure.message += transition_hint(find_member(*error, {"details"}));
  }
  const json::value* id = error == nullptr ? nullptr : find_member(*error, {"request_id"});
  std::string request_id = id != nullptr && id->is_string()
                               ? std::string(id->get_string())
                               : std::string(response.header("x-request-id"));
  if (!request_id.empty()) failure.message += " (request_id " + request_id + ")";
  return failure;
}

ApiFailure describe_transport_failure(const HttpEndpoint& endpoint, const TransportError& error) {
  ApiFailure failure;
  failure.exit_code = kExitNotAnswering;
  failure.message = "regend at " + endpoint.url + " is not answering: " + error.detail;
  return failure;
}

std::string with_query(std::string_view path,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [&](std::string_view text, std::string& out) {
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                              c == '~';
      if (unreserved) {
        out += c;
      } else {
        out += '%';
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
      }
    }
  };
  std::string out(path);
  char separator = '?';
  for (const auto& [name, value] : params) {
    out += separator;
    encode(name, out);
    out += '=';
    encode(value, out);
    separator = '&';
  }
  return out;
}

}  // namespace regen::ctl
