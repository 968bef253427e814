#pragma once
// Query strings of API requests: decoding, typed reads with errors that name the parameter, and
// the pagination every list shares (limit, offset or page, and a keyset cursor).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "regend/storage/store.h"

namespace regen::api {

// Every list: limit default 50, at most 250.
inline constexpr int64_t kDefaultLimit = 50;
inline constexpr int64_t kMaxLimit = 250;
// Lists count their matching rows up to a bound; past it, total is the bound and total_exact is
// false. Counting reads an index entry per match, so an exact total over 1M alerts would cost
// the page many times over. Every incident filter is an index range of its own (10,000 entries
// take about 0.3 ms); an alert filter combining columns no index leads with (source and
// severity) also reads the entries that do not match, hence the lower bound for alerts.
inline constexpr int64_t kMaxExactIncidentTotal = 10000;
inline constexpr int64_t kMaxExactAlertTotal = 1000;

class QueryParams {
 public:
  // Percent-decodes "a=1&b=x%20y" ('+' is a space). kInvalidArgument naming the parameter for a
  // bad escape, or for a parameter not in `known` (a typo must not silently list everything).
  static Result<QueryParams> parse(std::string_view query,
                                   std::initializer_list<std::string_view> known);

  // Every value of a repeatable parameter, in order; "a,b" counts as two values.
  std::vector<std::string> all(std::string_view name) const;
  // A single-valued parameter; kInvalidArgument when given more than once.
  Result<std::optional<std::string>> one(std::string_view name) const;
  // A whole number within [min, max].
  Result<std::optional<int64_t>> integer(std::string_view name, int64_t min, int64_t max) const;
  // An RFC 3339 time.
  Result<std::optional<domain::Timestamp>> time(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// Every value of `name` parsed with `parse` (e.g. domain::parse_severity); kInvalidArgument
// naming the parameter and listing `allowed` for a value it does not know.
template <typename T, typename Parse>
Result<std::vector<T>> parse_enum_list(const QueryParams& params, std::string_view name,
                                       Parse parse, std::string_view allowed) {
  std::vector<T> values;
  for (const std::string& text : params.all(name)) {
    std::optional<T> value = parse(text);
    if (!value) {
      return Error(
          ErrorCode::kInvalidArgument,
          std::string(name) + " must be one of " + std::string(allowed) + ", got \"" + text + "\"",
          std::string(name));
    }
    values.push_back(*value);
  }
  return values;
}

// limit, offset or page (1-based), cursor. A cursor excludes offset and page. The request asks
// the store for one row more than `limit`: its presence says a next page exists.
struct Pagination {
  int64_t limit = kDefaultLimit;
  int64_t offset = 0;
  std::optional<storage::Cursor> cursor;

  // limit + 1 rows, counting matches up to `count_limit`.
  storage::PageRequest page_request(int64_t count_limit) const;
};
Result<Pagination> parse_pagination(const QueryParams& params);

// Opaque to clients: "<time ms>-<id>" of the last row of a page.
std::string encode_cursor(const storage::Cursor& cursor);
std::optional<storage::Cursor> decode_cursor(std::string_view text);

// Trims the store's limit + 1 rows to `limit` and returns the cursor to the next page, if any.
// `position` gives a row's keyset position.
template <typename Row, typename Position>
std::optional<std::string> take_page(std::vector<Row>& rows, const Pagination& pagination,
                                     Position position) {
  if (static_cast<int64_t>(rows.size()) <= pagination.limit) return std::nullopt;
  rows.resize(static_cast<std::size_t>(pagination.limit));
  return encode_cursor(position(rows.back()));
}

}  // namespace regen::api
