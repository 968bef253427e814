#include "regend/http/error_response.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace regen::http {

unsigned http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kHeaderTooLarge:
      return 431;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUnavailable:
      return 503;
  }
  return 500;
}

Response error_response(ErrorCode code, std::string_view message, std::string_view request_id,
                        const boost::json::value& details) {
  boost::json::object error;
  error["code"] = error_code_name(code);
  error["message"] = message;
  error["details"] = details.is_null() ? boost::json::value(boost::json::object{}) : details;
  error["request_id"] = request_id;
  boost::json::object body;
  body["error"] = std::move(error);
  return Response::json(http_status(code), boost::json::serialize(body));
}

Response error_response(const Error& error, std::string_view request_id) {
  boost::json::object details;
  if (!error.field.empty()) details["field"] = error.field;
  if (error.limit) details["limit"] = *error.limit;
  return error_response(error.code, error.message, request_id, details);
}

}  // namespace regen::http
