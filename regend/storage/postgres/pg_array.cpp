#include "regend/storage/postgres/pg_array.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "common/byte_scan.h"
#include "regend/storage/store.h"

namespace regen::storage {

namespace {

bool needs_escape(char c) { return c == '"' || c == '\\'; }

// Appends `value` with `"` and `\` escaped. Runs of plain bytes, nearly all of a label or a raw
// payload, are copied whole; the scan for the two characters goes a word at a time.
void append_escaped(std::string& out, std::string_view value) {
  const char* run = value.data();
  const char* p = run;
  const char* const end = p + value.size();
  while (p < end) {
    if (end - p >= 8) {
      const std::uint64_t word = byte_scan::load_word(p);
      if ((byte_scan::any_equal(word, '"') | byte_scan::any_equal(word, '\\')) == 0) {
        p += 8;
        continue;
      }
    }
    for (const char* stop = p + std::min<std::ptrdiff_t>(8, end - p); p < stop; ++p) {
      if (!needs_escape(*p)) continue;
      out.append(run, p);
      out += '\\';
      run = p;  // the character itself starts the next run
    }
  }
  out.append(run, end);
}

}  // namespace

void append_array_element(std::string& array, std::string_view value) {
  if (!array.empty() && array.back() != '{') array += ',';
  array += '"';
  append_escaped(array, value);
  array += '"';
}

void append_array_element(std::string& array, const char* value) {
  if (value != nullptr) return append_array_element(array, std::string_view(value));
  if (!array.empty() && array.back() != '{') array += ',';
  array += "NULL";
}

std::string text_array(std::span<const std::string_view> values) {
  std::string array = "{";
  for (std::string_view value : values) {
    if (value.find('\0') != std::string_view::npos) {
      throw StoreError(ErrorCode::kInvalidArgument,
                       "text with a NUL byte cannot be stored in PostgreSQL");
    }
    append_array_element(array, value);
  }
  array += '}';
  return array;
}

}  // namespace regen::storage
