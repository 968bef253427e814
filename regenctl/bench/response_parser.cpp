#include "regenctl/bench/response_parser.h"

#include <algorithm>
#include <charconv>

namespace regen::ctl::bench {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != b[i]) return false;  // b is lower case
  }
  return true;
}

// Whether the comma-separated header value holds `token` (lower case).
bool has_token(std::string_view value, std::string_view token) {
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = std::min(value.find(',', start), value.size());
    std::string_view item = value.substr(start, comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (iequals(item, token)) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

void ResponseParser::reset(bool keep_body, bool head_request) {
  phase_ = Phase::kHeaders;
  keep_body_ = keep_body;
  head_request_ = head_request;
  status_ = 0;
  keep_alive_ = true;
  chunked_ = false;
  has_length_ = false;
  content_length_ = 0;
  scanned_ = 0;
  body_start_ = 0;
  chunk_left_ = 0;
  consumed_ = 0;
  body_.clear();
  error_ = {};
}

ResponseParser::State ResponseParser::fail(std::string_view message) {
  error_ = message;
  return State::kError;
}

void ResponseParser::take_body(std::string_view bytes) {
  if (keep_body_) body_.append(bytes);
}

ResponseParser::State ResponseParser::parse(std::string_view buffer) {
  if (phase_ == Phase::kHeaders) {
    const State state = parse_headers(buffer);
    if (state != State::kComplete) return state;
  }
  switch (phase_) {
    case Phase::kLengthBody:
      if (buffer.size() - body_start_ < content_length_) return State::kNeedMore;
      take_body(buffer.substr(body_start_, content_length_));
      consumed_ = body_start_ + content_length_;
      phase_ = Phase::kDone;
      return State::kComplete;
    case Phase::kUntilClose:
      return State::kNeedMore;
    case Phase::kDone:
      return State::kComplete;
    default:
      return parse_chunked(buffer);
  }
}

ResponseParser::State ResponseParser::finish_at_eof(std::string_view buffer) {
  if (phase_ == Phase::kUntilClose) {
    take_body(buffer.substr(body_start_));
    consumed_ = buffer.size();
    phase_ = Phase::kDone;
    return State::kComplete;
  }
  if (phase_ == Phase::kDone) return State::kComplete;
  return fail("connection closed before the response was complete");
}

ResponseParser::State ResponseParser::parse_headers(std::string_view buffer) {
  // Interim 1xx responses are skipped: the final one follows in the same stream.
  while (true) {
    const std::size_t from = scanned_ > body_start_ + 3 ? scanned_ - 3 : body_start_;
    const std::size_t end = buffer.find("\r\n\r\n", from);
    if (end == std::string_view::npos) {
      scanned_ = buffer.size();
      if (buffer.size() - body_start_ > kMaxHeaderBytes) return fail("response header too large");
      return State::kNeedMore;
    }
    const std::string_view block = buffer.substr(body_start_, end + 2 - body_start_);
    // "HTTP/1.1 200 OK"
    const std::size_t line_end = block.find("\r\n");
    const std::string_view status_line = block.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
      return fail("not an HTTP/1.x response");
    }
    int status = 0;
    const auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
    if (ec != std::errc() || ptr != status_line.data() + 12 || status < 100 || status > 599) {
      return fail("bad status line");
    }
    status_ = status;
    keep_alive_ = status_line[7] == '1';  // HTTP/1.0 closes unless it says keep-alive
    std::size_t at = line_end + 2;
    while (at < block.size()) {
      const std::size_t next = block.find("\r\n", at);
      if (!parse_header_line(block.substr(at, next - at))) return fail("bad header line");
      at = next + 2;
    }
    body_start_ = end + 4;
    scanned_ = body_start_;
    if (status_ >= 100 && status_ < 200) {
      chunked_ = has_length_ = false;
      content_length_ = 0;
      continue;
    }
    break;
  }
  if (head_request_ || status_ == 204 || status_ == 304) {
    phase_ = Phase::kLengthBody;
    content_length_ = 0;
  } else if (chunked_) {
    phase_ = Phase::kChunkSize;
  } else if (has_length_) {
    phase_ = Phase::kLengthBody;
  } else {
    phase_ = Phase::kUntilClose;
    keep_alive_ = false;
  }
  return State::kComplete;
}

bool ResponseParser::parse_header_line(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (iequals(name, "content-length")) {
    uint64_t length = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec != std::errc() || ptr != value.data() + value.size()) return false;
    has_length_ = true;
    content_length_ = length;
  } else if (iequals(name, "transfer-encoding")) {
    chunked_ = has_token(value, "chunked");
  } else if (iequals(name, "connection")) {
    if (has_token(value, "close")) keep_alive_ = false;
    if (has_token(value, "keep-alive")) keep_alive_ = true;
  }
  return true;
}

ResponseParser::State ResponseParser::parse_chunked(std::string_view buffer) {
  while (true) {
    switch (phase_) {
      case Phase::kChunkSize: {
        const std::size_t end = buffer.find("\r\n", scanned_);
        if (end == std::string_view::npos) return State::kNeedMore;
        std::string_view line = buffer.substr(scanned_, end - scanned_);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        uint64_t size = 0;
        const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (line.empty() || ec != std::errc() || ptr != line.data() + line.size()) {
          return fail("bad chunk size");
        }
        scanned_ = end + 2;
        chunk_left_ = size;
        phase_ = size == 0 ? Phase::kTrailers : Phase::kChunkData;
        break;
      }
      case Phase::kChunkData: {
        const std::size_t available = buffer.size() - scanned_;
        const std::size_t take =
            static_cast<std::size_t>(std::min<uint64_t>(available, chunk_left_));
        take_body(buffer.substr(scanned_, take));
        scanned_ += take;
        chunk_left_ -= take;
        if (chunk_left_ > 0) return State::kNeedMore;
        phase_ = Phase::kChunkDataEnd;
        break;
      }
      case Phase::kChunkDataEnd:
        if (buffer.size() - scanned_ < 2) return State::kNeedMore;
        if (buffer.substr(scanned_, 2) != "\r\n") return fail("bad chunk end");
        scanned_ += 2;
        phase_ = Phase::kChunkSize;
        break;
      case Phase::kTrailers: {
        const std::size_t end = buffer.find("\r\n", scanned_);
        if (end == std::string_view::npos) return State::kNeedMore;
        const bool last = end == scanned_;
        scanned_ = end + 2;
        if (last) {
          consumed_ = scanned_;
          phase_ = Phase::kDone;
          return State::kComplete;
        }
        break;
      }
      default:
        return fail("parser in an unexpected state");
    }
  }
}

}  // namespace regen::ctl::bench
