#pragma once
// Rendering helpers for regenctl's human ("table") output. Widths count bytes, so non-ASCII text
// may misalign; everything the daemon reports today is ASCII.

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regen::ctl {

// Shown wherever a value is missing from a reply or has an unexpected type.
inline constexpr std::string_view kMissing = "-";

// Two aligned columns, one "key  value" line per entry. A value holding several lines keeps its
// continuation lines indented under the first.
class KeyValueTable {
 public:
  void add(std::string key, std::string value);
  // Every line ends in '\n'; an empty table renders as "".
  std::string render() const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

// Columns separated by two spaces, each padded to its widest cell except the last (no trailing
// blanks). With no headers there is no header row. Colour escapes in cells take no width.
class ColumnTable {
 public:
  explicit ColumnTable(std::vector<std::string> headers = {});
  void add_row(std::vector<std::string> cells);
  // Every line ends in '\n'; rows shorter than the widest one render as if padded with "".
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// "0s", "59s", "1m 0s", "3h 2m 5s", "2d 0h 0m 1s": whole seconds, rounded down, from the largest
// non-zero unit. Negative or non-finite input gives kMissing.
std::string format_duration(double seconds);

// Short elapsed times with centiseconds ("0.12s", "59.99s"); a minute or more as format_duration.
std::string format_elapsed_ms(double milliseconds);

// Greedy word wrap at `width` columns, keeping the text's own line breaks; a word longer than
// `width` gets a line of its own. No trailing newline is added.
std::string wrap_text(std::string_view text, std::size_t width);

// Shortest round-tripping text for a double: 12.5 -> "12.5", 3.0 -> "3".
std::string format_number(double value);

// The member at `path` of nested objects, or nullptr when a step is missing or not an object.
const boost::json::value* find_member(const boost::json::value& root,
                                      std::initializer_list<std::string_view> path);

// The numeric value of an int64, uint64 or double, else nullopt (also for a null `value`).
std::optional<double> as_number(const boost::json::value* value);

// A scalar for humans: strings unquoted, numbers as written, booleans "true"/"false"; nullptr,
// null, arrays and objects give kMissing.
std::string scalar_text(const boost::json::value* value);

// Text from the daemon made safe for one table cell: line breaks and tabs become spaces, other
// control characters (terminal escapes from a webhook's title, say) become '?', and text longer
// than `max_bytes` is cut at a character boundary and ends in "...". 0 means no limit.
std::string one_line(std::string_view text, std::size_t max_bytes = 0);

// one_line(scalar_text(value), max_bytes).
std::string cell_text(const boost::json::value* value, std::size_t max_bytes = 0);

}  // namespace regen::ctl
