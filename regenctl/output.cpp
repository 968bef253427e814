#include "regenctl/output.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "regenctl/terminal.h"

namespace regen::ctl {
namespace json = boost::json;

void KeyValueTable::add(std::string key, std::string value) {
  rows_.emplace_back(std::move(key), std::move(value));
}

std::string KeyValueTable::render() const {
  std::size_t width = 0;
  for (const auto& row : rows_) width = std::max(width, row.first.size());
  std::string out;
  for (const auto& [key, value] : rows_) {
    std::string prefix = key + std::string(width + 2 - key.size(), ' ');
    std::string_view rest = value;
    do {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      out += prefix;
      out += rest.substr(0, end);
      out += '\n';
      rest.remove_prefix(std::min(end + 1, rest.size()));
      prefix.assign(width + 2, ' ');
    } while (!rest.empty());
  }
  return out;
}

ColumnTable::ColumnTable(std::vector<std::string> headers) {
  if (!headers.empty()) rows_.push_back(std::move(headers));
}

void ColumnTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string ColumnTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], visible_width(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - visible_width(row[i]), ' ');
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::string(kMissing);
  // Beyond ~292 billion years int64 overflows; such an uptime is a broken clock, not a duration.
  if (seconds >= 9.2e18) return std::string(kMissing);
  auto left = static_cast<std::int64_t>(seconds);
  constexpr std::pair<std::int64_t, char> kUnits[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}};
  std::string out;
  for (const auto& [size, suffix] : kUnits) {
    if (left < size && out.empty()) continue;
    out += std::to_string(left / size) + suffix + ' ';
    left %= size;
  }
  return out + std::to_string(left) + 's';
}

std::string format_elapsed_ms(double milliseconds) {
  if (!std::isfinite(milliseconds) || milliseconds < 0) return std::string(kMissing);
  if (milliseconds >= 60000) return format_duration(milliseconds / 1000);
  char text[32];
  const auto result =
      std::to_chars(text, text + sizeof text, milliseconds / 1000, std::chars_format::fixed, 2);
  return std::string(text, result.ptr) + 's';
}

std::string wrap_text(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t column = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(" \n", start), text.size());
    const std::string_view word = text.substr(start, end - start);
    if (!word.empty()) {
      if (column > 0 && column + 1 + word.size() > width) {
        out += '\n';
        column = 0;
      } else if (column > 0) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word.size();
    }
    if (end < text.size() && text[end] == '\n') {
      out += '\n';
      column = 0;
    }
    start = end + 1;
  }
  return out;
}

std::string format_number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

const json::value* find_member(const json::value& root,
                               std::initializer_list<std::string_view> path) {
  const json::value* current = &root;
  for (std::string_view key : path) {
    const json::object* object = current->if_object();
    if (object == nullptr) return nullptr;
    current = object->if_contains(key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::optional<double> as_number(const json::value* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return static_cast<double>(value->get_int64());
  if (value->is_uint64()) return static_cast<double>(value->get_uint64());
  if (value->is_double()) return value->get_double();
  return std::nullopt;
}

std::string scalar_text(const json::value* value) {
  if (value == nullptr) return std::string(kMissing);
  switch (value->kind()) {
    case json::kind::string:
      return std::string(value->get_string());
    case json::kind::int64:
      return std::to_string(value->get_int64());
    case json::kind::uint64:
      return std::to_string(value->get_uint64());
    case json::kind::double_:
      return format_number(value->get_double());
    case json::kind::bool_:
      return value->get_bool() ? "true" : "false";
    default:
      return std::string(kMissing);
  }
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    // U+0080..U+009F (UTF-8 C2 80..C2 9F) include CSI, which some terminals obey like ESC [.
    const bool c1 = byte == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (byte < 0x20 || byte == 0x7f) {
      out += '?';
    } else if (c1) {
      out += '?';
      ++i;
    } else {
      out += c;
    }
  }
  if (max_bytes == 0 || out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  // Back off over UTF-8 continuation bytes so that no character is split.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "...";
}

std::string cell_text(const json::value* value, std::size_t max_bytes) {
  return one_line(scalar_text(value), max_bytes);
}

}  // namespace regen::ctl
