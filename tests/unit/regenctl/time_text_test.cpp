#include "regenctl/time_text.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace regen::ctl {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::string_view text) {
  const auto parsed = parse_rfc3339(text);
  REQUIRE(parsed);
  return *parsed;
}

TEST_CASE("time: the API's RFC 3339 times round-trip with milliseconds") {
  CHECK(format_rfc3339(at("2026-11-22T10:00:00.000Z")) == "2026-11-22T10:00:00.000Z");
  CHECK(format_rfc3339(at("2026-11-22T10:00:00.123Z")) == "2026-11-22T10:00:00.123Z");
  CHECK(format_rfc3339(at("1970-01-01T00:00:00Z")) == "1970-01-01T00:00:00.000Z");
  CHECK(at("1970-01-01T00:00:01Z").time_since_epoch() == 1000ms);
}

TEST_CASE("time: offsets, fractions of any length and lower-case separators are accepted") {
  CHECK(format_rfc3339(at("2026-11-22T12:30:00+02:30")) == "2026-11-22T10:00:00.000Z");
  CHECK(format_rfc3339(at("2026-11-22T05:00:00-0500")) == "2026-11-22T10:00:00.000Z");
  CHECK(format_rfc3339(at("2026-11-22t10:00:00.123456789z")) == "2026-11-22T10:00:00.123Z");
  CHECK(format_rfc3339(at("2026-11-22 10:00:00.5Z")) == "2026-11-22T10:00:00.500Z");
  CHECK(format_rfc3339(at("2026-12-31T23:30:00-01:00")) == "2027-01-01T00:30:00.000Z");
}

TEST_CASE("time: text that is not an RFC 3339 time is refused") {
  for (const char* bad :
       {"", "2026-11-22", "2026-11-22T10:00:00", "2026-11-22T10:00Z", "2026-02-30T10:00:00Z",
        "2026-13-01T10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:00:00.Z",
        "2026-11-22T10:00:00Zjunk", "2026-11-22T10:00:00+25:00", "yesterday"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}

TEST_CASE("time: details show UTC to the second") {
  CHECK(format_utc(at("2026-11-22T10:00:00.999Z")) == "2026-11-22 10:00:00 UTC");
  CHECK(format_utc(at("2026-11-22T12:05:09+02:00")) == "2026-11-22 10:05:09 UTC");
}

TEST_CASE("time: ages read in the largest whole unit") {
  CHECK(format_age(0ms) == "0s");
  CHECK(format_age(59999ms) == "59s");
  CHECK(format_age(5min) == "5m");
  CHECK(format_age(59min + 59s) == "59m");
  CHECK(format_age(2h + 30min) == "2h");
  CHECK(format_age(24h) == "1d");
  CHECK(format_age(24h * 400) == "400d");
  CHECK(format_age(-5s) == "0s");
}

TEST_CASE("time: ages of JSON members are relative to the given now") {
  const TimePoint now = at("2026-11-22T12:00:00Z");
  const auto object =
      boost::json::parse(R"({"a":"2026-11-22T10:00:00.000Z","n":null,"x":"garbage","i":5})");
  CHECK(age_text(&object.at("a"), now) == "2h");
  CHECK(age_text(&object.at("n"), now) == "-");
  CHECK(age_text(&object.at("x"), now) == "-");
  CHECK(age_text(&object.at("i"), now) == "-");
  CHECK(age_text(nullptr, now) == "-");
  CHECK(utc_text(&object.at("a")) == "2026-11-22 10:00:00 UTC");
  CHECK(utc_text(&object.at("n")) == "-");
  CHECK(utc_text(&object.at("x")) == "garbage");
}

TEST_CASE("durations: single and combined units") {
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("30m") == 30min);
  CHECK(parse_duration("2h") == 2h);
  CHECK(parse_duration("1d") == 24h);
  CHECK(parse_duration("1w") == 24h * 7);
  CHECK(parse_duration("1h30m") == 90min);
}

TEST_CASE("durations: anything else is refused") {
  for (const char* bad : {"", "2", "h", "2x", "-2h", "2 h", "2H", "0m", "1h2", "99999999999999999w",
                          "2026-11-22T10:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("since option: a duration counts back from now, and a time is normalised to UTC") {
  const TimePoint now = at("2026-11-22T12:00:00Z");
  CHECK(since_to_rfc3339("2h", now) == "2026-11-22T10:00:00.000Z");
  CHECK(since_to_rfc3339("30m", now) == "2026-11-22T11:30:00.000Z");
  CHECK(since_to_rfc3339("1d", now) == "2026-11-21T12:00:00.000Z");
  CHECK(since_to_rfc3339("2026-11-22T09:00:00+01:00", now) == "2026-11-22T08:00:00.000Z");
  CHECK_FALSE(since_to_rfc3339("last tuesday", now));
}

}  // namespace
}  // namespace regen::ctl
