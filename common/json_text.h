#pragma once
// JSON text written directly, for the hot paths that only ever produce small flat objects
// (the payload of every incident event, the labels of every alert). Building a
// boost::json::object first costs an allocation per member and a rehash, then a serializer
// pass; these write the same text in one pass. The output is what boost::json::serialize
// writes for the same members in the same order (the tests compare the two).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace regen {

// Appends `text` as a JSON string literal: quotes, backslashes and control characters are
// escaped (\b \f \n \r \t, else \u00XX); every other byte, UTF-8 or not, is copied as is.
void append_json_string(std::string& out, std::string_view text);

// A JSON object written member by member, in the order given. Keys are not checked for
// duplicates: callers write fixed sets of keys, or the keys of a map.
class JsonObjectText {
 public:
  JsonObjectText() {
    text_.reserve(kInitialCapacity);
    text_ += '{';
  }

  JsonObjectText& add(std::string_view key, std::string_view value);
  JsonObjectText& add(std::string_view key, int64_t value);
  // Named apart: a string literal converts to bool before it converts to a string_view.
  JsonObjectText& add_bool(std::string_view key, bool value);
  JsonObjectText& add_null(std::string_view key);
  // The value, or null when there is none.
  JsonObjectText& add_optional(std::string_view key, std::optional<std::string_view> value);

  // The object's text, closed. The builder is spent.
  std::string finish() &&;

 private:
  // Room for an incident event's payload or an alert's labels without growing.
  static constexpr std::size_t kInitialCapacity = 256;

  void key(std::string_view name);

  std::string text_;
};

}  // namespace regen
