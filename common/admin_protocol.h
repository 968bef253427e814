#pragma once
// The admin socket protocol shared by regend and regenctl: newline-delimited JSON over a Unix
// stream socket. One request line, one response line, any number per connection.
//
//   request:  {"cmd":"status","args":{}}
//   success:  {"ok":true,"data":{...}}
//   failure:  {"ok":false,"error":{"code":"unknown_command","message":"..."}}

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace regen::admin {

// Longest line either side accepts; longer input is a protocol error, not a buffer to grow.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Error codes carried in failure responses.
inline constexpr std::string_view kErrBadRequest = "bad_request";  // not valid protocol
inline constexpr std::string_view kErrUnknownCommand = "unknown_command";
inline constexpr std::string_view kErrInvalidArgs = "invalid_args";
inline constexpr std::string_view kErrFailed = "failed";  // command ran, failed
inline constexpr std::string_view kErrBusy = "busy";      // every admin connection slot is taken
inline constexpr std::string_view kErrNotFound = "not_found";  // the named thing does not exist
inline constexpr std::string_view kErrConflict = "conflict";   // it exists already
inline constexpr std::string_view kErrUnavailable = "unavailable";  // storage down: retry

struct Request {
  std::string cmd;
  boost::json::object args;
};

struct CommandError {
  std::string code;
  std::string message;
};

struct Response {
  bool ok = true;
  boost::json::value data;  // when ok
  CommandError error;       // when !ok

  static Response success(boost::json::value data);
  static Response failure(std::string_view code, std::string message);
};

// Encoding returns one line including the trailing '\n'.
std::string encode(const Request& request);
std::string encode(const Response& response);

// Decoding takes one line without its '\n'. A line that is not a valid request/response is an
// kInvalidArgument error whose message says what is wrong.
Result<Request> decode_request(std::string_view line);
Result<Response> decode_response(std::string_view line);

}  // namespace regen::admin
