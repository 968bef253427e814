#include "common/json_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "common/byte_scan.h"

namespace regen {
namespace {

// What each byte becomes inside a string literal: 0 copies it, 'u' writes \u00XX, any other
// value is the letter after the backslash.
constexpr auto kEscapes = [] {
  struct Table {
    char of[256] = {};
  } table;
  for (int c = 0; c < 0x20; ++c) table.of[c] = 'u';
  table.of[static_cast<unsigned char>('"')] = '"';
  table.of[static_cast<unsigned char>('\\')] = '\\';
  table.of[static_cast<unsigned char>('\b')] = 'b';
  table.of[static_cast<unsigned char>('\f')] = 'f';
  table.of[static_cast<unsigned char>('\n')] = 'n';
  table.of[static_cast<unsigned char>('\r')] = 'r';
  table.of[static_cast<unsigned char>('\t')] = 't';
  return table;
}();

// Whether any of the 8 bytes of `word` needs escaping: below 0x20, '"' or '\\'.
constexpr bool any_byte_to_escape(std::uint64_t word) {
  using namespace byte_scan;
  return (any_below(word, 0x20) | any_equal(word, '"') | any_equal(word, '\\')) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t plain_from = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // Most text needs no escape at all: skip it a word at a time.
    if (text.size() - i >= 8) {
      if (!any_byte_to_escape(byte_scan::load_word(text.data() + i))) {
        i += 8;
        continue;
      }
    }
    for (const std::size_t end = std::min(text.size(), i + 8); i < end; ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      const char escape = kEscapes.of[byte];
      if (escape == 0) continue;
      out.append(text.substr(plain_from, i - plain_from));
      plain_from = i + 1;
      if (escape == 'u') {
        const char sequence[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
        out.append(sequence, sizeof sequence);
      } else {
        out += '\\';
        out += escape;
      }
    }
  }
  out.append(text.substr(plain_from));
  out += '"';
}

void JsonObjectText::key(std::string_view name) {
  if (text_.size() > 1) text_ += ',';
  append_json_string(text_, name);
  text_ += ':';
}

JsonObjectText& JsonObjectText::add(std::string_view name, std::string_view value) {
  key(name);
  append_json_string(text_, value);
  return *this;
}

JsonObjectText& JsonObjectText::add(std::string_view name, int64_t value) {
  key(name);
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  text_.append(digits, end);
  return *this;
}

JsonObjectText& JsonObjectText::add_bool(std::string_view name, bool value) {
  key(name);
  text_ += value ? "true" : "false";
  return *this;
}

JsonObjectText& JsonObjectText::add_null(std::string_view name) {
  key(name);
  text_ += "null";
  return *this;
}

JsonObjectText& JsonObjectText::add_optional(std::string_view name,
                                             std::optional<std::string_view> value) {
  return value ? add(name, *value) : add_null(name);
}

std::string JsonObjectText::finish() && {
  text_ += '}';
  return std::move(text_);
}

}  // namespace regen
