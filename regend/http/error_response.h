#pragma once
// The one error shape every HTTP error uses:
//   {"error":{"code":"not_found","message":"...","details":{...},"request_id":"..."}}
// and the one place an ErrorCode becomes an HTTP status.

#include <boost/json/value.hpp>

#include <string_view>

#include "common/result.h"
#include "regend/http/request.h"

namespace regen::http {

unsigned http_status(ErrorCode code);

// `details` is a JSON object naming what was wrong ({"field":"title","limit":500}), or null.
Response error_response(ErrorCode code, std::string_view message, std::string_view request_id,
                        const boost::json::value& details = nullptr);

// Renders error.field / error.limit as details.
Response error_response(const Error& error, std::string_view request_id);

}  // namespace regen::http
