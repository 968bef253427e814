#include "regend/storage/row_codec.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "common/json_text.h"
#include "regend/storage/store.h"

namespace regen::storage {
namespace json = boost::json;

std::string encode_map(const std::map<std::string, std::string>& values) {
  JsonObjectText object;
  for (const auto& [key, value] : values) object.add(key, value);
  return std::move(object).finish();
}

std::map<std::string, std::string> decode_map(std::string_view text) {
  // The parsed tree lives only until it is copied into the map: a buffer on the stack (heap
  // blocks beyond it) saves a malloc and a free per node, for every alert a read decodes.
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  json::error_code ec;
  json::value value = json::parse(text, ec, &arena);
  if (ec || !value.is_object())
    throw StoreError(ErrorCode::kInternal, "stored map is not a JSON object");
  std::map<std::string, std::string> values;
  for (const auto& entry : value.as_object()) {
    if (!entry.value().is_string())
      throw StoreError(ErrorCode::kInternal, "stored map value is not a string");
    values.emplace(std::string(entry.key()), std::string(entry.value().as_string()));
  }
  return values;
}

}  // namespace regen::storage
