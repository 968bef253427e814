#include "regenctl/bench/checks.h"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace regen::ctl::bench {
namespace json = boost::json;
namespace {

std::optional<int> parse_status(std::string_view text) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 100 || value > 599) {
    return std::nullopt;
  }
  return value;
}

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<double> number_of(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  if (value.is_double()) return value.get_double();
  return std::nullopt;
}

}  // namespace

Result<StatusSet> StatusSet::parse(const std::vector<std::string>& entries) {
  StatusSet set;
  for (const std::string& entry : entries) {
    const std::size_t dash = entry.find('-');
    const std::optional<int> low = parse_status(entry.substr(0, dash));
    const std::optional<int> high =
        dash == std::string::npos ? low : parse_status(entry.substr(dash + 1));
    if (!low || !high || *high < *low) {
      return Error(ErrorCode::kInvalidArgument,
                   "'" + entry + "' is not a status (100-599) or a range like \"200-299\"");
    }
    set.ranges_.push_back({*low, *high});
  }
  return set;
}

StatusSet StatusSet::range(int low, int high) {
  StatusSet set;
  set.ranges_.push_back({low, high});
  return set;
}

bool StatusSet::contains(int status) const {
  for (const Range& range : ranges_) {
    if (status >= range.low && status <= range.high) return true;
  }
  return false;
}

std::string StatusSet::describe() const {
  std::string text;
  for (const Range& range : ranges_) {
    if (!text.empty()) text += ", ";
    text += std::to_string(range.low);
    if (range.high != range.low) text += "-" + std::to_string(range.high);
  }
  return text;
}

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t dot = std::min(text.find('.', start), text.size());
    if (dot == start) {
      return Error(ErrorCode::kInvalidArgument,
                   "'" + std::string(text) + "' is not a path like \"data.0.incident_number\"");
    }
    path.segments_.emplace_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  return path;
}

const json::value* JsonPath::find(const json::value& root) const {
  const json::value* current = &root;
  for (const std::string& segment : segments_) {
    if (const json::object* object = current->if_object()) {
      current = object->if_contains(segment);
    } else if (const json::array* array = current->if_array(); array && all_digits(segment)) {
      std::size_t index = 0;
      std::from_chars(segment.data(), segment.data() + segment.size(), index);
      current = index < array->size() ? &(*array)[index] : nullptr;
    } else {
      return nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

bool Check::passes(int status, const json::value* body) const {
  switch (kind) {
    case Kind::kStatus:
      return statuses.contains(status);
    case Kind::kJsonExists:
      return body != nullptr && path.find(*body) != nullptr;
    case Kind::kJsonEquals: {
      const json::value* found = body != nullptr ? path.find(*body) : nullptr;
      return found != nullptr && json_equal(*found, expected);
    }
  }
  return false;
}

bool json_equal(const json::value& a, const json::value& b) {
  const std::optional<double> x = number_of(a);
  const std::optional<double> y = number_of(b);
  if (x && y) {
    if (a.is_double() || b.is_double()) return *x == *y;
    // Both integers: compare exactly, minding signs.
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
    const json::value& signed_one = a.is_int64() ? a : b;
    const json::value& unsigned_one = a.is_int64() ? b : a;
    return signed_one.get_int64() >= 0 &&
           static_cast<uint64_t>(signed_one.get_int64()) == unsigned_one.get_uint64();
  }
  return a == b;
}

std::optional<std::string> extract_text(const json::value* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (const json::string* text = value->if_string()) return std::string(*text);
  return json::serialize(*value);
}

}  // namespace regen::ctl::bench
