#include "regend/api/query.h"

#include <charconv>

#include "regend/ingest/timestamps.h"

namespace regen::api {
namespace {

Error invalid(std::string_view name, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::string(name));
}

std::optional<int64_t> to_integer(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: "%41" is 'A', '+' is a space. nullopt for a
// truncated or non-hex escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_digit(text[i + 1]);
      int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<QueryParams> QueryParams::parse(std::string_view query,
                                       std::initializer_list<std::string_view> known) {
  QueryParams parsed;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::optional<std::string> key = percent_decode(pair.substr(0, eq));
    std::optional<std::string> value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!key || !value) {
      return invalid("query", "the query string is not valid percent-encoding near \"" +
                                  std::string(pair) + "\"");
    }
    bool listed = false;
    for (std::string_view name : known) listed = listed || *key == name;
    if (!listed) {
      std::string names;
      for (std::string_view name : known) names += (names.empty() ? "" : ", ") + std::string(name);
      return invalid(*key, "unknown query parameter \"" + *key + "\" (known: " + names + ")");
    }
    parsed.params_.emplace_back(std::move(*key), std::move(*value));
  }
  return parsed;
}

std::vector<std::string> QueryParams::all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : params_) {
    if (key != name) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      if (!item.empty()) values.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return values;
}

Result<std::optional<std::string>> QueryParams::one(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, value] : params_) {
    if (key != name) continue;
    if (found) return invalid(name, std::string(name) + " may be given only once");
    found = value;
  }
  return found;
}

Result<std::optional<int64_t>> QueryParams::integer(std::string_view name, int64_t min,
                                                    int64_t max) const {
  Result<std::optional<std::string>> text = one(name);
  if (!text) return text.error();
  if (!text.value()) return std::optional<int64_t>();
  std::optional<int64_t> value = to_integer(*text.value());
  if (!value || *value < min || *value > max) {
    return invalid(name, std::string(name) + " must be a whole number between " +
                             std::to_string(min) + " and " + std::to_string(max) + ", got \"" +
                             *text.value() + "\"");
  }
  return value;
}

Result<std::optional<domain::Timestamp>> QueryParams::time(std::string_view name) const {
  Result<std::optional<std::string>> text = one(name);
  if (!text) return text.error();
  if (!text.value()) return std::optional<domain::Timestamp>();
  std::optional<domain::Timestamp> at = ingest::parse_rfc3339(*text.value());
  if (!at) {
    return invalid(name, std::string(name) + " must be an RFC 3339 time such as " +
                             "2026-01-15T10:30:00Z, got \"" + *text.value() + "\"");
  }
  return at;
}

storage::PageRequest Pagination::page_request(int64_t count_limit) const {
  storage::PageRequest request;
  request.limit = limit + 1;
  request.offset = offset;
  request.after = cursor;
  request.count_limit = count_limit;
  return request;
}

Result<Pagination> parse_pagination(const QueryParams& params) {
  Pagination pagination;
  Result<std::optional<int64_t>> limit = params.integer("limit", 1, kMaxLimit);
  if (!limit) return limit.error();
  if (limit.value()) pagination.limit = *limit.value();
  Result<std::optional<int64_t>> offset = params.integer("offset", 0, INT64_MAX / 2);
  if (!offset) return offset.error();
  Result<std::optional<int64_t>> page = params.integer("page", 1, INT64_MAX / (2 * kMaxLimit));
  if (!page) return page.error();
  Result<std::optional<std::string>> cursor = params.one("cursor");
  if (!cursor) return cursor.error();
  if (offset.value() && page.value()) {
    return invalid("page", "give offset or page, not both");
  }
  if (cursor.value() && (offset.value() || page.value())) {
    return invalid("cursor", "a cursor continues a list: give it without offset or page");
  }
  if (offset.value()) pagination.offset = *offset.value();
  if (page.value()) pagination.offset = (*page.value() - 1) * pagination.limit;
  if (cursor.value()) {
    pagination.cursor = decode_cursor(*cursor.value());
    if (!pagination.cursor) {
      return invalid("cursor", "cursor is not one this server issued (take it from next_cursor)");
    }
  }
  return pagination;
}

std::string encode_cursor(const storage::Cursor& cursor) {
  return std::to_string(cursor.at.time_since_epoch().count()) + "-" + std::to_string(cursor.id);
}

std::optional<storage::Cursor> decode_cursor(std::string_view text) {
  std::size_t dash = text.find('-', 1);  // a time before 1970 would start with '-'
  if (dash == std::string_view::npos) return std::nullopt;
  std::optional<int64_t> ms = to_integer(text.substr(0, dash));
  std::optional<int64_t> id = to_integer(text.substr(dash + 1));
  if (!ms || !id || *id < 0) return std::nullopt;
  storage::Cursor cursor;
  cursor.at = domain::Timestamp(std::chrono::milliseconds(*ms));
  cursor.id = *id;
  return cursor;
}

}  // namespace regen::api
