#pragma once
// Typed access to the fields of a JSON payload. Every error is kInvalidArgument naming the field
// by its path ("alerts[2].labels.team") and saying what was expected ("must be a string").

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "regend/domain/alert.h"

namespace regen::ingest {

// kInvalidArgument naming `field`.
Error invalid_field(std::string field, std::string message);

// "alerts[2]" + "title" → "alerts[2].title"; "" + "title" → "title".
std::string field_path(std::string_view parent, std::string_view key);
// "alerts" + 2 → "alerts[2]".
std::string index_path(std::string_view parent, std::size_t index);

// A field's path kept as its parts ("alerts[2]", "labels", "severity") and joined with dots
// only when an error names it: the checks run on every alert, their messages almost never.
// The parts are views; what they point at must outlive the name.
class FieldName {
 public:
  FieldName() = default;
  FieldName(std::string_view path) : parts_{path} {}    // NOLINT: a path is a name
  FieldName(const std::string& path) : parts_{path} {}  // NOLINT
  FieldName(const char* path) : parts_{path} {}         // NOLINT
  FieldName(std::string_view parent, std::string_view key) : parts_{parent, key} {}
  FieldName(std::string_view parent, std::string_view middle, std::string_view key)
      : parts_{parent, middle, key} {}

  // The name of `key` inside this field ("alerts[2].labels" → "alerts[2].labels.team").
  FieldName child(std::string_view key) const;
  // The non-empty parts joined with dots, as field_path joins two.
  std::string str() const;

 private:
  static constexpr std::size_t kParts = 4;
  std::string_view parts_[kParts];
};

// Where a request body's parsed tree lives while a provider reads it: a buffer inside this
// object first (a typical webhook body fits, so parsing allocates nothing), heap blocks beyond
// it. Meant for the stack of one parse; the tree must not outlive it.
class JsonArena {
 public:
  JsonArena() : resource_(buffer_, sizeof buffer_) {}
  JsonArena(const JsonArena&) = delete;
  JsonArena& operator=(const JsonArena&) = delete;

  boost::json::storage_ptr storage() { return &resource_; }

 private:
  unsigned char buffer_[8192];
  boost::json::monotonic_resource resource_;
};

// Parses `text`, which must hold one JSON object, with its memory from `storage` (a per-request
// arena that must outlive the result). `field` names the document in errors: "" for the request
// body, "Message" for the alarm SNS embeds as a string. Fails when the text is not JSON (the
// message carries Boost.JSON's error and the byte offset) or is JSON but not an object.
Result<boost::json::object> parse_json_object(std::string_view text, std::string_view field,
                                              boost::json::storage_ptr storage);

// Reads the fields of one JSON object. Absent and null fields read as absent; a field of the
// wrong type records an error. The first error is kept and later reads return empty values, so
// a caller reads what it needs and checks ok() once before using any of it.
// The object must outlive the reader and every view it returns. One reader per thread.
class FieldReader {
 public:
  // `path` is the object's own path, prefixed to field names in errors ("" at the top level).
  FieldReader(const boost::json::object& object, std::string path);

  std::optional<std::string_view> string(std::string_view key);
  // Absent or null: "<path> is required".
  std::string_view required_string(std::string_view key);
  const boost::json::object* object(std::string_view key);  // nullptr when absent
  const boost::json::array* array(std::string_view key);    // nullptr when absent
  // An object whose values are all strings; empty when absent.
  std::map<std::string, std::string> string_map(std::string_view key);
  // An RFC 3339 string (see timestamps.h).
  std::optional<domain::Timestamp> timestamp(std::string_view key);
  // An integer within [min, max]; outside it: "<path> must be between min and max".
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max);
  std::optional<bool> boolean(std::string_view key);
  // Whether the key is present with an explicit null (PATCH uses null to clear a field).
  bool is_null(std::string_view key) const;
  // Records an error naming the first key not in `known` (catches typos such as "stauts").
  void reject_unknown(std::initializer_list<std::string_view> known);

  std::string path(std::string_view key) const { return field_path(path_, key); }
  // The same, unjoined: valid while this reader lives.
  FieldName name(std::string_view key) const { return FieldName(path_, key); }
  const std::string& path() const { return path_; }

  // Records `error` unless an earlier one is already recorded.
  void fail(Error error);
  bool ok() const { return !error_.has_value(); }
  // REQUIRES: !ok()
  const Error& error() const { return *error_; }

 private:
  // The field's value, or nullptr when absent or null.
  const boost::json::value* find(std::string_view key) const;

  const boost::json::object& object_;
  std::string path_;
  std::optional<Error> error_;
};

}  // namespace regen::ingest
