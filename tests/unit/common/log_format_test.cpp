#include "common/log_format.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace regen::logging {
namespace {

using namespace std::chrono_literals;
using TimePoint = spdlog::log_clock::time_point;

// Sets TZ for the test's duration (POSIX rules: no tzdata needed), then restores it.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) saved_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (saved_) {
      ::setenv("TZ", saved_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> saved_;
};

std::string format_with(spdlog::formatter& formatter, const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t out;
  formatter.format(msg, out);
  return std::string(out.data(), out.size());
}

spdlog::details::log_msg message_at(TimePoint time, spdlog::level::level_enum level,
                                    std::string_view payload) {
  spdlog::details::log_msg msg("access", level,
                               spdlog::string_view_t(payload.data(), payload.size()));
  msg.time = time;
  return msg;
}

TimePoint at(std::int64_t seconds, std::int64_t millis) {
  return TimePoint(std::chrono::duration_cast<spdlog::log_clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::milliseconds(millis)));
}

}  // namespace

TEST_CASE("the plain layout is what spdlog's pattern formatter writes", "[logging]") {
  const char* zone =
      GENERATE("UTC0", "IST-5:30", "NST3:30NDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3");
  ScopedTimeZone tz(zone);
  LineFormatter formatter(LineFormatter::Layout::kPlain, "regend", 4242, "access: ");
  // Repeated seconds (served from the cache), new seconds, a step back in time, both sides
  // of a daylight-saving change (2026-03-08 and 2026-03-29), every millisecond edge.
  const std::vector<TimePoint> times = {
      at(1795500000, 0),   at(1795500000, 999), at(1795500000, 5),  at(1795500001, 10),
      at(1795499000, 120), at(1772947799, 999), at(1772947800, 0),  at(1774745999, 500),
      at(1774746000, 1),   at(86400, 7),        at(4102444800, 42),
  };
  const std::vector<spdlog::level::level_enum> levels = {
      spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
      spdlog::level::warn,  spdlog::level::err,   spdlog::level::critical};
  for (TimePoint time : times) {
    for (spdlog::level::level_enum level : levels) {
      auto msg = message_at(time, level, "method=GET route=/health path=\"/a b\"");
      // A new reference each time: its UTC offset is cached for 10 s of message time.
      spdlog::pattern_formatter reference("%Y-%m-%dT%H:%M:%S.%e%z regend[4242] %l access: %v");
      INFO("zone " << zone << ", seconds " << time.time_since_epoch().count());
      CHECK(format_with(formatter, msg) == format_with(reference, msg));
    }
  }
}

TEST_CASE("the journal layout is the priority, the tag and the message", "[logging]") {
  LineFormatter formatter(LineFormatter::Layout::kJournal, "regend", 4242, "access: ");
  CHECK(format_with(formatter, message_at(at(1795500000, 0), spdlog::level::info, "x=1")) ==
        "<6>access: x=1\n");
  CHECK(format_with(formatter, message_at(at(1795500000, 0), spdlog::level::err, "boom")) ==
        "<3>access: boom\n");
  LineFormatter untagged(LineFormatter::Layout::kJournal, "regend", 4242, "");
  CHECK(format_with(untagged, message_at(at(1795500000, 0), spdlog::level::warn, "")) == "<4>\n");
}

TEST_CASE("a cloned formatter writes the same lines", "[logging]") {
  LineFormatter formatter(LineFormatter::Layout::kPlain, "regenctl", 7, "");
  auto msg = message_at(at(1795500000, 250), spdlog::level::info, "hello");
  const std::string first = format_with(formatter, msg);
  auto clone = formatter.clone();
  CHECK(format_with(*clone, msg) == first);
  CHECK(first.substr(19, 4) == ".250");  // after "YYYY-MM-DDTHH:MM:SS"
  CHECK(first.ends_with(" regenctl[7] info hello\n"));
}

}  // namespace regen::logging
