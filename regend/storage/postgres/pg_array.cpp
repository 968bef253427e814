#include "regend/storage/postgres/pg_array.h"

#include "regend/storage/store.h"

namespace regen::storage {

void append_array_element(std::string& array, std::string_view value) {
  if (!array.empty() && array.back() != '{') array += ',';
  array += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') array += '\\';
    array += c;
  }
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
