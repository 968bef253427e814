#pragma once
// An incremental HTTP/1.1 response parser for the load generator's hot path: the status, the
// framing (Content-Length, chunked, or until the connection closes) and `Connection: close`,
// nothing else. The body is kept only when asked for (a check or an extraction needs it).
//
// Feed it the connection's read buffer as bytes arrive; it never copies headers and scans each
// byte of the header block once. One parser per connection, reset() between responses; not
// thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace regen::ctl::bench {

class ResponseParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  // `keep_body`: collect the body in body(). `head_request`: the response has no body whatever
  // its headers say.
  void reset(bool keep_body, bool head_request);

  // Parses as much of `buffer` as it can. `buffer` is everything received for this response so
  // far (the same bytes again plus new ones: the parser remembers where it stopped). On
  // kComplete, consumed() bytes of `buffer` belong to the response; the rest (if any) is the
  // start of something else. On kError, error() says what.
  State parse(std::string_view buffer);
  // The peer closed the connection: completes a response framed by the close, else kError
  // (or kNeedMore never: a truncated response is an error).
  State finish_at_eof(std::string_view buffer);

  int status() const { return status_; }
  bool keep_alive() const { return keep_alive_; }
  std::size_t consumed() const { return consumed_; }
  const std::string& body() const { return body_; }
  std::string_view error() const { return error_; }
  // Bytes of the header block, once parsed (for the data_received figure nothing more is
  // needed: the caller counts bytes read).
  bool headers_done() const { return phase_ != Phase::kHeaders; }

 private:
  enum class Phase {
    kHeaders,
    kLengthBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kUntilClose,
    kDone
  };

  State parse_headers(std::string_view buffer);
  bool parse_header_line(std::string_view line);
  State parse_chunked(std::string_view buffer);
  State fail(std::string_view message);
  void take_body(std::string_view bytes);

  Phase phase_ = Phase::kHeaders;
  bool keep_body_ = false;
  bool head_request_ = false;
  int status_ = 0;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool has_length_ = false;
  uint64_t content_length_ = 0;
  std::size_t scanned_ = 0;  // where the next search starts
  std::size_t body_start_ = 0;
  uint64_t chunk_left_ = 0;
  std::size_t consumed_ = 0;
  std::string body_;
  std::string_view error_;
};

}  // namespace regen::ctl::bench
