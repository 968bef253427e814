#include "regenctl/bench/units.h"

#include <charconv>
#include <cmath>

namespace regen::ctl::bench {
namespace {

// Nanoseconds in one unit, or 0 for an unknown unit.
double unit_nanos(std::string_view unit) {
  if (unit == "h") return 3600e9;
  if (unit == "m") return 60e9;
  if (unit == "s") return 1e9;
  if (unit == "ms") return 1e6;
  if (unit == "us" || unit == "µs") return 1e3;
  if (unit == "ns") return 1;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t number_end = at;
    while (number_end < text.size() && (is_digit(text[number_end]) || text[number_end] == '.')) {
      ++number_end;
    }
    double number = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + at, text.data() + number_end, number);
    if (number_end == at || ec != std::errc() || ptr != text.data() + number_end) {
      return std::nullopt;
    }
    std::size_t unit_end = number_end;
    while (unit_end < text.size() && !is_digit(text[unit_end]) && text[unit_end] != '.') {
      ++unit_end;
    }
    const double scale = unit_nanos(text.substr(number_end, unit_end - number_end));
    if (scale == 0) return std::nullopt;
    total += number * scale;
    at = unit_end;
  }
  if (!std::isfinite(total) || total > 9e18) return std::nullopt;
  return Nanos(static_cast<int64_t>(std::llround(total)));
}

std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  char text[64];
  auto result =
      std::to_chars(text, text + sizeof text, rounded, std::chars_format::fixed, decimals);
  std::string out(text, result.ptr);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  if (out == "-0") out = "0";
  return out;
}

std::string format_latency(double nanoseconds) {
  if (!std::isfinite(nanoseconds) || nanoseconds < 0) return "-";
  if (nanoseconds < 1e3) return format_decimal(nanoseconds, 0) + "ns";
  if (nanoseconds < 1e6) return format_decimal(nanoseconds / 1e3, 2) + "µs";
  if (nanoseconds < 1e9) return format_decimal(nanoseconds / 1e6, 2) + "ms";
  if (nanoseconds < 60e9) return format_decimal(nanoseconds / 1e9, 2) + "s";
  return format_span(Nanos(static_cast<int64_t>(nanoseconds)));
}

std::string format_span(Nanos span) {
  const double seconds = static_cast<double>(span.count()) / 1e9;
  if (seconds < 10) return format_decimal(seconds, 1) + "s";
  auto whole = static_cast<int64_t>(std::llround(seconds));
  const int64_t hours = whole / 3600;
  const int64_t minutes = whole / 60 % 60;
  const int64_t secs = whole % 60;
  std::string out;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + std::to_string(secs) + "s";
}

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0) return "-";
  if (bytes < 1e3) return format_decimal(bytes, 0) + " B";
  if (bytes < 1e6) return format_decimal(bytes / 1e3, 1) + " kB";
  if (bytes < 1e9) return format_decimal(bytes / 1e6, 1) + " MB";
  return format_decimal(bytes / 1e9, 1) + " GB";
}

std::string format_percent(double share) {
  if (!std::isfinite(share)) return "-";
  char text[64];
  auto result = std::to_chars(text, text + sizeof text, share * 100.0, std::chars_format::fixed, 2);
  return std::string(text, result.ptr) + "%";
}

}  // namespace regen::ctl::bench
