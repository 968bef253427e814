#include "regend/api/api_json.h"

#include <boost/json/serialize.hpp>

#include <charconv>

#include "regend/ingest/limits.h"

namespace regen::api {

Result<boost::json::object> parse_body(std::string_view body) {
  if (body.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  }
  return ingest::parse_json_object(body, "", boost::json::storage_ptr());
}

http::Response json_response(unsigned status, const boost::json::object& body) {
  return http::Response::json(status, boost::json::serialize(body));
}

std::optional<std::string> optional_text_field(ingest::FieldReader& reader, std::string_view key,
                                               std::size_t limit) {
  std::optional<std::string_view> value = reader.string(key);
  if (!value) return std::nullopt;
  if (Status length = ingest::check_length(*value, limit, reader.path(key)); !length) {
    reader.fail(length.error());
    return std::nullopt;
  }
  return std::string(*value);
}

std::string required_text_field(ingest::FieldReader& reader, std::string_view key,
                                std::size_t limit) {
  std::string_view value = reader.required_string(key);
  if (!reader.ok()) return {};
  if (value.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    reader.fail(ingest::invalid_field(reader.path(key), reader.path(key) + " must not be empty"));
    return {};
  }
  std::optional<std::string> text = optional_text_field(reader, key, limit);
  return text.value_or("");
}

Result<int64_t> parse_id(std::string_view text, std::string_view name) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    return Error(
        ErrorCode::kInvalidArgument,
        std::string(name) + " must be a positive whole number, got \"" + std::string(text) + "\"",
        std::string(name));
  }
  return id;
}

}  // namespace regen::api
