#include "regenctl/time_text.h"

#include <cstdio>
#include <limits>

#include "regenctl/output.h"

namespace regen::ctl {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `count` digits at `pos`; advances `pos`.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view choices) {
  if (pos >= text.size() || choices.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

// Milliseconds from a fraction after '.', extra digits truncated.
milliseconds fraction(std::string_view text, std::size_t& pos) {
  int value = 0;
  int used = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (used < 3) {
      value = value * 10 + (text[pos] - '0');
      ++used;
    }
    ++pos;
  }
  for (; used < 3; ++used) value *= 10;
  return milliseconds(value);
}

// The offset east of UTC at `pos`: "Z", "+HH:MM" or "+HHMM".
std::optional<minutes> offset(std::string_view text, std::size_t& pos) {
  if (expect(text, pos, "Zz")) return minutes(0);
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return std::nullopt;
  const int sign = text[pos++] == '-' ? -1 : 1;
  const auto hh = digits(text, pos, 2);
  if (pos < text.size() && text[pos] == ':') ++pos;
  const auto mm = digits(text, pos, 2);
  if (!hh || !mm || *hh > 23 || *mm > 59) return std::nullopt;
  return minutes(sign * (*hh * 60 + *mm));
}

struct Fields {
  int year, month, day, hour, minute, second, millisecond;
};

Fields split(TimePoint time) {
  const auto day_start = std::chrono::floor<days>(time);
  const std::chrono::year_month_day date(day_start);
  const std::chrono::hh_mm_ss clock(time - day_start);
  return Fields{static_cast<int>(date.year()),
                static_cast<int>(static_cast<unsigned>(date.month())),
                static_cast<int>(static_cast<unsigned>(date.day())),
                static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<int>(clock.subseconds().count())};
}

std::string date_and_clock(const Fields& f, char separator) {
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d%c%02d:%02d:%02d", f.year, f.month, f.day,
                separator, f.hour, f.minute, f.second);
  return text;
}

std::optional<std::chrono::seconds> unit_size(char unit) {
  switch (unit) {
    case 's':
      return seconds(1);
    case 'm':
      return minutes(1);
    case 'h':
      return hours(1);
    case 'd':
      return days(1);
    case 'w':
      return std::chrono::weeks(1);
    default:
      return std::nullopt;
  }
}

}  // namespace

TimePoint now_ms() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  std::size_t pos = 0;
  const auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, "-")) return std::nullopt;
  const auto month = digits(text, pos, 2);
  if (!month || !expect(text, pos, "-")) return std::nullopt;
  const auto day = digits(text, pos, 2);
  if (!day || !expect(text, pos, "Tt ")) return std::nullopt;
  const auto hour = digits(text, pos, 2);
  if (!hour || !expect(text, pos, ":")) return std::nullopt;
  const auto minute = digits(text, pos, 2);
  if (!minute || !expect(text, pos, ":")) return std::nullopt;
  const auto second = digits(text, pos, 2);
  if (!second) return std::nullopt;
  milliseconds sub{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    sub = fraction(text, pos);
    if (pos == start) return std::nullopt;
  }
  const auto east = offset(text, pos);
  if (!east || pos != text.size()) return std::nullopt;
  // A leap second (:60) is accepted by RFC 3339; it reads as the next second.
  if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  return TimePoint(std::chrono::sys_days(date)) + hours(*hour) + minutes(*minute) +
         seconds(*second) + sub - *east;
}

std::string format_rfc3339(TimePoint time) {
  const Fields f = split(time);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", f.millisecond);
  return date_and_clock(f, 'T') + millis + "Z";
}

std::string format_utc(TimePoint time) { return date_and_clock(split(time), ' ') + " UTC"; }

std::string format_age(milliseconds age) {
  const auto total = std::chrono::duration_cast<seconds>(age).count();
  if (total < 60) return std::to_string(total < 0 ? 0 : total) + "s";
  if (total < 3600) return std::to_string(total / 60) + "m";
  if (total < 86400) return std::to_string(total / 3600) + "h";
  return std::to_string(total / 86400) + "d";
}

std::optional<seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr auto kMax = std::numeric_limits<seconds::rep>::max() / 1000;  // safe as milliseconds
  seconds::rep total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    seconds::rep count = 0;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (count > kMax / 10) return std::nullopt;
      count = count * 10 + (text[pos++] - '0');
    }
    if (pos == start || pos == text.size()) return std::nullopt;
    const auto unit = unit_size(text[pos++]);
    if (!unit || (count > 0 && unit->count() > (kMax - total) / count)) return std::nullopt;
    total += count * unit->count();
  }
  if (total == 0) return std::nullopt;
  return seconds(total);
}

std::optional<std::string> since_to_rfc3339(std::string_view text, TimePoint now) {
  if (const auto back = parse_duration(text)) return format_rfc3339(now - *back);
  if (const auto time = parse_rfc3339(text)) return format_rfc3339(*time);
  return std::nullopt;
}

std::string age_text(const boost::json::value* time, TimePoint now) {
  if (time == nullptr || !time->is_string()) return std::string(kMissing);
  const auto parsed = parse_rfc3339(time->get_string());
  return parsed ? format_age(now - *parsed) : std::string(kMissing);
}

std::string utc_text(const boost::json::value* time) {
  if (time == nullptr || !time->is_string()) return std::string(kMissing);
  const auto parsed = parse_rfc3339(time->get_string());
  return parsed ? format_utc(*parsed) : std::string(time->get_string());
}

}  // namespace regen::ctl
