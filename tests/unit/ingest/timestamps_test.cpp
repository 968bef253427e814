#include "regend/ingest/timestamps.h"

#include <catch2/catch.hpp>

#include "ingest_test_support.h"

namespace regen::ingest {
namespace {

using testing::utc;

TEST_CASE("timestamps: a UTC time with Z parses to that instant") {
  CHECK(parse_rfc3339("2024-01-15T10:30:00Z") == utc(2024, 1, 15, 10, 30, 0));
}

TEST_CASE("timestamps: fractional seconds of any length are truncated to milliseconds") {
  CHECK(parse_rfc3339("2024-01-15T10:30:00.5Z") == utc(2024, 1, 15, 10, 30, 0, 500));
  CHECK(parse_rfc3339("2024-01-15T10:30:00.05Z") == utc(2024, 1, 15, 10, 30, 0, 50));
  CHECK(parse_rfc3339("2024-01-15T10:30:00.123Z") == utc(2024, 1, 15, 10, 30, 0, 123));
  CHECK(parse_rfc3339("2024-01-15T10:30:00.123456789Z") == utc(2024, 1, 15, 10, 30, 0, 123));
  CHECK(parse_rfc3339("2024-01-15T10:30:00.999999Z") == utc(2024, 1, 15, 10, 30, 0, 999));
}

TEST_CASE("timestamps: an offset of ±hh:mm is converted to UTC") {
  CHECK(parse_rfc3339("2024-01-15T11:30:00+01:00") == utc(2024, 1, 15, 10, 30, 0));
  CHECK(parse_rfc3339("2024-01-15T05:00:00-05:30") == utc(2024, 1, 15, 10, 30, 0));
  CHECK(parse_rfc3339("2024-01-15T10:30:00+00:00") == utc(2024, 1, 15, 10, 30, 0));
  CHECK(parse_rfc3339("2024-01-01T00:30:00.250+01:00") == utc(2023, 12, 31, 23, 30, 0, 250));
}

TEST_CASE("timestamps: CloudWatch's ±hhmm offset parses") {
  CHECK(parse_rfc3339("2024-01-15T10:30:00.000+0000") == utc(2024, 1, 15, 10, 30, 0));
  CHECK(parse_rfc3339("2024-01-15T11:00:00.000-0500") == utc(2024, 1, 15, 16, 0, 0));
}

TEST_CASE("timestamps: lowercase t and z are accepted as RFC 3339 allows") {
  CHECK(parse_rfc3339("2024-01-15t10:30:00z") == utc(2024, 1, 15, 10, 30, 0));
}

TEST_CASE("timestamps: Go's zero time parses to kGoZeroTime") {
  CHECK(parse_rfc3339("0001-01-01T00:00:00Z") == kGoZeroTime);
  CHECK(kGoZeroTime == utc(1, 1, 1, 0, 0, 0));
}

TEST_CASE("timestamps: February 29th exists only in leap years") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == utc(2024, 2, 29, 0, 0, 0));
  CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
}

TEST_CASE("timestamps: a leap second lands on the next minute") {
  CHECK(parse_rfc3339("2016-12-31T23:59:60Z") == utc(2017, 1, 1, 0, 0, 0));
}

TEST_CASE("timestamps: malformed or impossible timestamps are rejected") {
  for (const char* text : {"",
                           "2024-01-15",
                           "2024-01-15T10:30:00",
                           "2024-01-15 10:30:00Z",
                           "2024-1-15T10:30:00Z",
                           "2024-13-01T00:00:00Z",
                           "2024-00-10T00:00:00Z",
                           "2024-04-31T00:00:00Z",
                           "2024-01-15T24:00:00Z",
                           "2024-01-15T10:60:00Z",
                           "2024-01-15T10:30:61Z",
                           "2024-01-15T10:30:00.Z",
                           "2024-01-15T10:30:00+1:00",
                           "2024-01-15T10:30:00+24:00",
                           "2024-01-15T10:30:00+01:60",
                           "2024-01-15T10:30:00+01",
                           "2024-01-15T10:30:00Zjunk",
                           "2024-01-15T10:30Z",
                           "1705314600",
                           "yesterday",
                           "２０２４-01-15T10:30:00Z"}) {
    INFO(text);
    CHECK_FALSE(parse_rfc3339(text));
  }
}

}  // namespace
}  // namespace regen::ingest
