#pragma once
// X-Request-ID: a caller's id is echoed when it is safe to put in logs and headers; otherwise
// (absent, too long, odd characters) a fresh one is generated.

#include <string>
#include <string_view>

namespace regen::middleware {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// True for 1..128 characters of [A-Za-z0-9._:/+=-]: enough for UUIDs, trace ids and ULIDs,
// nothing that could split a log line or a header.
bool is_acceptable_request_id(std::string_view id);

// A new random 128-bit id as 32 lowercase hex digits. Any thread (per-thread generator).
std::string generate_request_id();

// The id to use for a request: `incoming` when acceptable, else a generated one stored in
// `storage`. The result views `incoming` or `storage`.
std::string_view choose_request_id(std::string_view incoming, std::string& storage);

}  // namespace regen::middleware
