#include "regend/middleware/access_log.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace regen::middleware {
namespace {

using namespace std::chrono_literals;

AccessRecord sample_record() {
  AccessRecord record;
  record.method = "GET";
  record.route = "/health";
  record.path = "/health";
  record.status = 200;
  record.duration = 81us;
  record.bytes_in = 0;
  record.bytes_out = 61;
  record.request_id = "9f86d081884c7d659a2feaa0c55ad015";
  record.client = "127.0.0.1";
  record.peer = "127.0.0.1:51234";
  return record;
}

// The raw text of `key=`'s value, quotes included: from after "key=" to the next separator.
std::string field(const std::string& line, std::string_view key) {
  const std::string prefix = std::string(key) + "=";
  std::size_t start = line.starts_with(prefix) ? 0 : line.rfind(" " + prefix);
  REQUIRE(start != std::string::npos);
  start += prefix.size() + (start == 0 ? 0 : 1);
  if (start < line.size() && line[start] == '"') {
    std::size_t end = start + 1;
    while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
    return line.substr(start, end + 1 - start);
  }
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

TEST_CASE("access log: a plain request formats as the documented logfmt line") {
  CHECK(format_access_line(sample_record()) ==
        "method=GET route=/health path=/health status=200 duration_ms=0.081 bytes_in=0 "
        "bytes_out=61 request_id=9f86d081884c7d659a2feaa0c55ad015 client=127.0.0.1 "
        "peer=127.0.0.1:51234");
}

TEST_CASE("access log: a value is quoted exactly when one of its bytes needs it, wherever it is") {
  // The scan reads 8 bytes a step and then the tail: every byte at every offset of a value
  // longer than two steps.
  AccessRecord record = sample_record();
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const bool special = byte < 0x20 || c == ' ' || c == '"' || c == '=';
    for (std::size_t offset = 0; offset < 19; ++offset) {
      std::string path = "/abcdefghijklmnopqr";
      path[offset] = c;
      record.path = path;
      const std::string value = field(format_access_line(record), "path");
      INFO("byte " << byte << " at " << offset);
      CHECK(value.starts_with('"') == special);
    }
  }
}

TEST_CASE("access log: the line is a single line") {
  AccessRecord record = sample_record();
  record.path = "/a\nb\r\nc";
  const std::string line = format_access_line(record);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
}

TEST_CASE("access log: duration_ms has three decimals") {
  AccessRecord record = sample_record();
  record.duration = 0ns;
  CHECK(field(format_access_line(record), "duration_ms") == "0.000");
  record.duration = 1500ms;
  CHECK(field(format_access_line(record), "duration_ms") == "1500.000");
  record.duration = 1234567ns;
  CHECK(field(format_access_line(record), "duration_ms") == "1.235");
  record.duration = 999ns;
  CHECK(field(format_access_line(record), "duration_ms") == "0.001");
  record.duration = 12s + 345us + 100ns;
  CHECK(field(format_access_line(record), "duration_ms") == "12000.345");
}

TEST_CASE("access log: status and byte counts are printed as integers") {
  AccessRecord record = sample_record();
  record.status = 503;
  record.bytes_in = 1048576;
  record.bytes_out = 0;
  const std::string line = format_access_line(record);
  CHECK(field(line, "status") == "503");
  CHECK(field(line, "bytes_in") == "1048576");
  CHECK(field(line, "bytes_out") == "0");
}

TEST_CASE("access log: an empty method, path or request id is written as a dash") {
  AccessRecord record = sample_record();
  record.method = "";
  record.path = "";
  record.request_id = "";
  record.route = "-";
  const std::string line = format_access_line(record);
  CHECK(field(line, "method") == "-");
  CHECK(field(line, "route") == "-");
  CHECK(field(line, "path") == "-");
  CHECK(field(line, "request_id") == "-");
}

TEST_CASE("access log: an empty client is written as an empty quoted value") {
  AccessRecord record = sample_record();
  record.client = "";
  CHECK(field(format_access_line(record), "client") == "\"\"");
}

TEST_CASE("access log: a path with a space is quoted") {
  AccessRecord record = sample_record();
  record.path = "/a b";
  CHECK(field(format_access_line(record), "path") == "\"/a b\"");
}

TEST_CASE("access log: a path with an equals sign is quoted") {
  AccessRecord record = sample_record();
  record.path = "/x=1";
  CHECK(field(format_access_line(record), "path") == "\"/x=1\"");
}

TEST_CASE("access log: quotes inside a quoted value are escaped") {
  AccessRecord record = sample_record();
  record.path = "/say\"hi\"";
  CHECK(field(format_access_line(record), "path") == R"("/say\"hi\"")");
}

TEST_CASE("access log: backslashes inside a quoted value are escaped") {
  AccessRecord record = sample_record();
  record.path = "/a b\\c";
  CHECK(field(format_access_line(record), "path") == R"("/a b\\c")");
}

TEST_CASE("access log: a backslash alone does not force quoting") {
  AccessRecord record = sample_record();
  record.path = "/a\\b";
  CHECK(field(format_access_line(record), "path") == "/a\\b");
}

TEST_CASE("access log: control characters are replaced and force quoting") {
  AccessRecord record = sample_record();
  record.path = std::string_view("/a\tb\x01\x1f\0z", 8);
  CHECK(field(format_access_line(record), "path") == "\"/a?b???z\"");
}

TEST_CASE("access log: an injected field cannot pass as a real one") {
  AccessRecord record = sample_record();
  record.path = "/x status=500";
  const std::string line = format_access_line(record);
  CHECK(field(line, "path") == "\"/x status=500\"");
  CHECK(line.find(" status=200 ") != std::string::npos);
}

TEST_CASE("access log: every field is written in the documented order") {
  const std::string line = format_access_line(sample_record());
  std::size_t at = 0;
  for (std::string_view key : {"method=", " route=", " path=", " status=", " duration_ms=",
                               " bytes_in=", " bytes_out=", " request_id=", " client=", " peer="}) {
    INFO(key);
    const std::size_t found = line.find(key, at);
    REQUIRE(found != std::string::npos);
    at = found + key.size();
  }
}

TEST_CASE("access log: the unmatched route label and the method are written verbatim") {
  AccessRecord record = sample_record();
  record.method = "PROPFIND";
  record.route = "unmatched";
  const std::string line = format_access_line(record);
  CHECK(field(line, "method") == "PROPFIND");
  CHECK(field(line, "route") == "unmatched");
}

}  // namespace regen::middleware
