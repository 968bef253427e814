#pragma once
// PostgreSQL array literals in text format ('{"a","b",NULL}'), the form a statement takes its
// arrays in: `= ANY($1::text[])`, or `unnest($1::bigint[], $2::text[])` for many rows at once.

#include <span>
#include <string>
#include <string_view>

namespace regen::storage {

// Appends one element to an array literal being built: `value` double-quoted with `"` and `\`
// escaped (any text, the empty string and the word NULL included), or NULL when `value` is
// null. Adds the separating comma itself when `array` already holds an element, that is when
// it does not end with the opening brace.
void append_array_element(std::string& array, const char* value);
void append_array_element(std::string& array, std::string_view value);

// '{"v1","v2",...}' for text values. Throws StoreError(kInvalidArgument) for a value holding a
// NUL byte, as PgParam does.
std::string text_array(std::span<const std::string_view> values);

}  // namespace regen::storage
