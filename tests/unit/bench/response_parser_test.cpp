#include "regenctl/bench/response_parser.h"

#include <catch2/catch.hpp>

#include <string>

namespace regen::ctl::bench {
namespace {

using State = ResponseParser::State;

// Feeds `bytes` one more byte at a time, as the slowest network would.
State feed_bytewise(ResponseParser& parser, const std::string& bytes) {
  State state = State::kNeedMore;
  for (std::size_t n = 1; n <= bytes.size() && state == State::kNeedMore; ++n) {
    state = parser.parse(std::string_view(bytes).substr(0, n));
  }
  return state;
}

TEST_CASE("bench response parser: a Content-Length response completes, body kept when asked") {
  const std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n"
      "{\"ok\":true}";
  ResponseParser parser;
  parser.reset(true, false);
  CHECK(parser.parse(response.substr(0, 20)) == State::kNeedMore);
  CHECK(parser.parse(response) == State::kComplete);
  CHECK(parser.status() == 200);
  CHECK(parser.keep_alive());
  CHECK(parser.body() == "{\"ok\":true}");
  CHECK(parser.consumed() == response.size());

  parser.reset(false, false);
  CHECK(feed_bytewise(parser, response + "HTTP/1.1 200") == State::kComplete);
  CHECK(parser.body().empty());
  CHECK(parser.consumed() == response.size());
}

TEST_CASE("bench response parser: chunked bodies are decoded, whatever the read boundaries") {
  const std::string response =
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n7;ext=1\r\npedia i\r\nB\r\nn chunks.\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n";
  ResponseParser parser;
  parser.reset(true, false);
  CHECK(feed_bytewise(parser, response) == State::kComplete);
  CHECK(parser.status() == 201);
  CHECK(parser.body() == "Wikipedia in chunks.\r\n");
  CHECK(parser.consumed() == response.size());
}

TEST_CASE("bench response parser: Connection close, HTTP/1.0 and bodies framed by the close") {
  ResponseParser parser;
  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n") ==
        State::kComplete);
  CHECK_FALSE(parser.keep_alive());

  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n") == State::kComplete);
  CHECK_FALSE(parser.keep_alive());

  parser.reset(true, false);
  const std::string until_close = "HTTP/1.1 200 OK\r\n\r\nsome body";
  CHECK(parser.parse(until_close) == State::kNeedMore);
  CHECK(parser.finish_at_eof(until_close) == State::kComplete);
  CHECK(parser.body() == "some body");
  CHECK_FALSE(parser.keep_alive());
}

TEST_CASE("bench response parser: 204, HEAD and interim 1xx responses have no body") {
  ResponseParser parser;
  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.1 204 No Content\r\n\r\n") == State::kComplete);
  parser.reset(false, true);
  CHECK(parser.parse("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n") == State::kComplete);
  parser.reset(true, false);
  CHECK(feed_bytewise(parser,
                      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n"
                      "Content-Length: 2\r\n\r\nno") == State::kComplete);
  CHECK(parser.status() == 404);
  CHECK(parser.body() == "no");
}

TEST_CASE("bench response parser: garbage and truncated responses are errors") {
  ResponseParser parser;
  parser.reset(false, false);
  CHECK(parser.parse("SSH-2.0-OpenSSH_9.2\r\n\r\n") == State::kError);
  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.1 2x0 OK\r\n\r\n") == State::kError);
  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n") == State::kError);
  parser.reset(false, false);
  const std::string truncated = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  CHECK(parser.parse(truncated) == State::kNeedMore);
  CHECK(parser.finish_at_eof(truncated) == State::kError);
  CHECK(parser.error() == "connection closed before the response was complete");
  parser.reset(false, false);
  CHECK(parser.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") ==
        State::kError);
}

}  // namespace
}  // namespace regen::ctl::bench
