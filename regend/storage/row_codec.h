#pragma once
// How rows' non-scalar values are written to both backends: times as UTC milliseconds since the
// epoch, label/annotation maps as compact JSON objects.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "regend/domain/alert.h"

namespace regen::storage {

inline int64_t to_millis(domain::Timestamp at) { return at.time_since_epoch().count(); }
inline domain::Timestamp from_millis(int64_t ms) {
  return domain::Timestamp(std::chrono::milliseconds(ms));
}

std::string encode_map(const std::map<std::string, std::string>& values);
// Throws StoreError(kInternal) on text that is not a JSON object of strings.
std::map<std::string, std::string> decode_map(std::string_view json);

}  // namespace regen::storage
