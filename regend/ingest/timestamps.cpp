#include "regend/ingest/timestamps.h"

#include <cstddef>
#include <cstdio>

namespace regen::ingest {
namespace {

using std::chrono::milliseconds;

// A cursor over the text; every read fails (returns false) past the end.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool digits(std::size_t count, int& value) {
    if (text_.size() - pos_ < count) return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return true;
  }

  bool literal(char expected) { return literal_either(expected, expected); }

  bool literal_either(char a, char b) {
    if (!peek_is(a) && !peek_is(b)) return false;
    ++pos_;
    return true;
  }

  bool peek_is(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_end() const { return pos_ == text_.size(); }

  // Reads ".ddd…" if present, keeping the first three digits as milliseconds.
  bool fraction(int& millis) {
    millis = 0;
    if (!literal('.')) return true;
    int count = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (count < 3) millis = millis * 10 + (text_[pos_] - '0');
      ++count;
      ++pos_;
    }
    for (int i = count; i < 3; ++i) millis *= 10;
    return count > 0;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<std::chrono::sys_days> read_date(Scanner& in) {
  int year = 0;
  int month = 0;
  int day = 0;
  if (!in.digits(4, year) || !in.literal('-') || !in.digits(2, month) || !in.literal('-') ||
      !in.digits(2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date};
}

// Seconds may be 60 (a leap second), which lands on the next minute.
std::optional<milliseconds> read_time(Scanner& in) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  if (!in.digits(2, hour) || !in.literal(':') || !in.digits(2, minute) || !in.literal(':') ||
      !in.digits(2, second) || !in.fraction(millis)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second} +
         milliseconds{millis};
}

// The offset of local time from UTC: "Z", "±hh:mm" or "±hhmm".
std::optional<std::chrono::minutes> read_offset(Scanner& in) {
  if (in.literal_either('Z', 'z')) return std::chrono::minutes{0};
  const bool negative = in.peek_is('-');
  if (!in.literal_either('+', '-')) return std::nullopt;
  int hours = 0;
  int minutes = 0;
  if (!in.digits(2, hours)) return std::nullopt;
  in.literal(':');
  if (!in.digits(2, minutes) || hours > 23 || minutes > 59) return std::nullopt;
  const std::chrono::minutes offset{hours * 60 + minutes};
  return negative ? -offset : offset;
}

}  // namespace

std::optional<domain::Timestamp> parse_rfc3339(std::string_view text) {
  Scanner in(text);
  const auto date = read_date(in);
  if (!date || !in.literal_either('T', 't')) return std::nullopt;
  const auto time = read_time(in);
  if (!time) return std::nullopt;
  const auto offset = read_offset(in);
  if (!offset || !in.at_end()) return std::nullopt;
  return domain::Timestamp{*date} + *time - *offset;
}

std::string format_rfc3339(domain::Timestamp at) {
  auto day = std::chrono::floor<std::chrono::days>(at);
  std::chrono::year_month_day date(day);
  std::chrono::hh_mm_ss<std::chrono::milliseconds> time(at - day);
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return text;
}

}  // namespace regen::ingest
