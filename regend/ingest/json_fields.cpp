#include "regend/ingest/json_fields.h"

#include <algorithm>
#include <boost/json/parser.hpp>
#include <cassert>
#include <utility>

#include "regend/ingest/timestamps.h"

namespace regen::ingest {
namespace {

Error wrong_type(std::string field, std::string_view expected) {
  std::string message = field + " must be " + std::string(expected);
  return invalid_field(std::move(field), std::move(message));
}

}  // namespace

Error invalid_field(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field), std::nullopt};
}

std::string field_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += key;
  return path;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + '[' + std::to_string(index) + ']';
}

FieldName FieldName::child(std::string_view key) const {
  // After the last part in use: a top-level reader's name is ("", "labels").
  std::size_t next = kParts;
  while (next > 0 && parts_[next - 1].empty()) --next;
  // Names are at most "<alert>.<map>.<key>": a fourth level is a programming error; the last
  // part is replaced rather than the key dropped in release builds.
  assert(next < kParts && "FieldName has no room for another part");
  FieldName name = *this;
  name.parts_[std::min(next, kParts - 1)] = key;
  return name;
}

std::string FieldName::str() const {
  std::string joined;
  for (std::string_view part : parts_) {
    if (part.empty()) continue;
    if (!joined.empty()) joined += '.';
    joined += part;
  }
  return joined;
}

Result<boost::json::object> parse_json_object(std::string_view text, std::string_view field,
                                              boost::json::storage_ptr storage) {
  // The parser's working stack (values and text not yet placed in their object) starts in this
  // buffer: for a typical webhook body it is the only memory parsing uses besides `storage`.
  unsigned char scratch[4096];
  boost::json::parser parser(boost::json::storage_ptr(), boost::json::parse_options(), scratch,
                             sizeof scratch);
  parser.reset(std::move(storage));
  boost::json::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  const auto name = [field] { return field.empty() ? "request body" : std::string(field); };
  if (ec) {
    return invalid_field(std::string(field), name() + " is not valid JSON (at byte " +
                                                 std::to_string(consumed) + "): " + ec.message());
  }
  boost::json::value value = parser.release();
  if (!value.is_object()) {
    return invalid_field(std::string(field), name() + " must be a JSON object");
  }
  return std::move(value.get_object());
}

FieldReader::FieldReader(const boost::json::object& object, std::string path)
    : object_(object), path_(std::move(path)) {}

const boost::json::value* FieldReader::find(std::string_view key) const {
  const boost::json::value* value = object_.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

void FieldReader::fail(Error error) {
  if (!error_) error_ = std::move(error);
}

std::optional<std::string_view> FieldReader::string(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    fail(wrong_type(path(key), "a string"));
    return std::nullopt;
  }
  return std::string_view(value->get_string());
}

std::string_view FieldReader::required_string(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value == nullptr) {
    std::string field = path(key);
    fail(invalid_field(field, field + " is required"));
    return {};
  }
  return string(key).value_or(std::string_view());
}

const boost::json::object* FieldReader::object(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value != nullptr && !value->is_object()) {
    fail(wrong_type(path(key), "an object"));
    return nullptr;
  }
  return value == nullptr ? nullptr : &value->get_object();
}

const boost::json::array* FieldReader::array(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value != nullptr && !value->is_array()) {
    fail(wrong_type(path(key), "an array"));
    return nullptr;
  }
  return value == nullptr ? nullptr : &value->get_array();
}

std::map<std::string, std::string> FieldReader::string_map(std::string_view key) {
  std::map<std::string, std::string> entries;
  const boost::json::object* source = object(key);
  if (source == nullptr) return entries;
  for (const auto& [name, value] : *source) {
    if (!value.is_string()) {
      fail(wrong_type(field_path(path(key), name), "a string"));
      return {};
    }
    entries.insert_or_assign(std::string(name), std::string(value.get_string()));
  }
  return entries;
}

std::optional<domain::Timestamp> FieldReader::timestamp(std::string_view key) {
  const std::optional<std::string_view> text = string(key);
  if (!text) return std::nullopt;
  std::optional<domain::Timestamp> parsed = parse_rfc3339(*text);
  if (!parsed) {
    std::string field = path(key);
    fail(invalid_field(field,
                       field + " must be an RFC 3339 timestamp such as 2024-01-15T10:30:00Z"));
  }
  return parsed;
}

std::optional<int64_t> FieldReader::integer(std::string_view key, int64_t min, int64_t max) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  std::optional<int64_t> number;
  if (value->is_int64()) number = value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    number = static_cast<int64_t>(value->get_uint64());
  }
  if (!number) {
    fail(wrong_type(path(key), "an integer"));
    return std::nullopt;
  }
  if (*number < min || *number > max) {
    fail(invalid_field(path(key), path(key) + " must be between " + std::to_string(min) + " and " +
                                      std::to_string(max)));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> FieldReader::boolean(std::string_view key) {
  const boost::json::value* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_bool()) {
    fail(wrong_type(path(key), "a boolean"));
    return std::nullopt;
  }
  return value->get_bool();
}

bool FieldReader::is_null(std::string_view key) const {
  const boost::json::value* value = object_.if_contains(key);
  return value != nullptr && value->is_null();
}

void FieldReader::reject_unknown(std::initializer_list<std::string_view> known) {
  for (const auto& member : object_) {
    bool listed = false;
    for (std::string_view name : known) listed = listed || member.key() == name;
    if (!listed) {
      fail(invalid_field(path(member.key()), "unknown field " + path(member.key())));
      return;
    }
  }
}

}  // namespace regen::ingest
