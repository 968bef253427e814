#pragma once
// The bytes of a response's status line and header fields, written into a caller's buffer so
// a response leaves in one write (head and body as two buffers of one sendmsg) without
// building a Beast message: no allocation per field, no serializer state.
//
// The output is what Beast's serializer writes for the message the session used to build
// (tests/unit/regend/response_head_test.cpp checks them byte for byte): Server, Content-Type,
// X-Request-ID, then response.headers in order, each replacing an earlier field of the same
// name (case-insensitive), then Connection when needed, then Content-Length.

#include <string>
#include <string_view>

#include "regend/http/request.h"

namespace regen::http {

// Replaces `out` with the head of `response` (its status, content type, headers; the body's
// length). `version` is the request's: 10 or 11. `keep_alive` decides the Connection field:
// "close" on an HTTP/1.1 response that closes, "keep-alive" on an HTTP/1.0 response that
// stays open, none otherwise.
void write_response_head(std::string& out, const Response& response, unsigned version,
                         bool keep_alive, std::string_view server, std::string_view request_id);

}  // namespace regen::http
