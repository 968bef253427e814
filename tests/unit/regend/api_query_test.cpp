// Query strings and pagination of the API: decoding, typed reads whose errors name the
// parameter, and the limit/offset/page/cursor rules every list shares.

#include "regend/api/query.h"

#include <catch2/catch.hpp>

namespace regen::api {
namespace {

QueryParams parse_ok(std::string_view query,
                     std::initializer_list<std::string_view> known = {
                         "status", "q", "limit", "offset", "page", "cursor", "created_after"}) {
  Result<QueryParams> params = QueryParams::parse(query, known);
  REQUIRE(params.ok());
  return params.value();
}

TEST_CASE("api query: values are percent-decoded and '+' is a space") {
  QueryParams params = parse_ok("q=disk%20full+now&status=triggered");
  Result<std::optional<std::string>> q = params.one("q");
  REQUIRE(q.ok());
  CHECK(q.value() == "disk full now");
}

TEST_CASE("api query: a repeatable parameter collects repeats and comma lists in order") {
  QueryParams params = parse_ok("status=triggered&status=acknowledged,resolved&status=");
  CHECK(params.all("status") == std::vector<std::string>{"triggered", "acknowledged", "resolved"});
  CHECK(params.all("q").empty());
}

TEST_CASE("api query: an unknown parameter is refused by name, listing the known ones") {
  Result<QueryParams> params = QueryParams::parse("stauts=triggered", {"status", "limit"});
  REQUIRE_FALSE(params.ok());
  CHECK(params.error().code == ErrorCode::kInvalidArgument);
  CHECK(params.error().field == "stauts");
  CHECK(params.error().message.find("status, limit") != std::string::npos);
}

TEST_CASE("api query: a bad or truncated percent escape is refused") {
  CHECK_FALSE(QueryParams::parse("q=%zz", {"q"}).ok());
  CHECK_FALSE(QueryParams::parse("q=%4", {"q"}).ok());
  CHECK_FALSE(QueryParams::parse("q=%", {"q"}).ok());
  Result<std::optional<std::string>> q = parse_ok("q=%41%2c").one("q");
  REQUIRE(q.ok());
  CHECK(q.value() == "A,");
}

TEST_CASE("api query: the last value ends where the query ends") {
  std::string target = "limit=1 HTTP/1.1\r\nAccept: */*\r\n";
  QueryParams params = parse_ok(std::string_view(target).substr(0, 7));
  Result<std::optional<int64_t>> limit = params.integer("limit", 1, 250);
  REQUIRE(limit.ok());
  CHECK(limit.value() == 1);
}

TEST_CASE("api query: a single-valued parameter given twice is refused") {
  Result<std::optional<std::string>> q = parse_ok("q=a&q=b").one("q");
  REQUIRE_FALSE(q.ok());
  CHECK(q.error().field == "q");
}

TEST_CASE("api query: integers are checked against their range, naming the parameter") {
  QueryParams params = parse_ok("limit=251&offset=x");
  Result<std::optional<int64_t>> limit = params.integer("limit", 1, 250);
  REQUIRE_FALSE(limit.ok());
  CHECK(limit.error().field == "limit");
  CHECK(limit.error().message.find("between 1 and 250") != std::string::npos);
  CHECK_FALSE(params.integer("offset", 0, 100).ok());
  Result<std::optional<int64_t>> page = params.integer("page", 1, 10);
  REQUIRE(page.ok());
  CHECK_FALSE(page.value().has_value());
}

TEST_CASE("api query: times are RFC 3339, and anything else names the parameter") {
  QueryParams good = parse_ok("created_after=2026-01-15T10:30:00Z");
  Result<std::optional<domain::Timestamp>> at = good.time("created_after");
  REQUIRE(at.ok());
  REQUIRE(at.value().has_value());
  CHECK(at.value()->time_since_epoch().count() == 1768473000000);
  Result<std::optional<domain::Timestamp>> bad =
      parse_ok("created_after=yesterday").time("created_after");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "created_after");
}

TEST_CASE("api pagination: defaults, page to offset, and one extra row asked of the store") {
  Result<Pagination> defaults = parse_pagination(parse_ok(""));
  REQUIRE(defaults.ok());
  CHECK(defaults.value().limit == kDefaultLimit);
  CHECK(defaults.value().offset == 0);
  const storage::PageRequest request = defaults.value().page_request(kMaxExactIncidentTotal);
  CHECK(request.limit == kDefaultLimit + 1);
  CHECK(request.count_limit == kMaxExactIncidentTotal);

  Result<Pagination> page = parse_pagination(parse_ok("limit=20&page=3"));
  REQUIRE(page.ok());
  CHECK(page.value().offset == 40);
}

TEST_CASE("api pagination: limit past the maximum, offset with page, cursor with offset fail") {
  Result<Pagination> over = parse_pagination(parse_ok("limit=251"));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().field == "limit");
  CHECK_FALSE(parse_pagination(parse_ok("offset=5&page=2")).ok());
  std::string cursor = encode_cursor({domain::Timestamp(std::chrono::milliseconds(5)), 9});
  CHECK_FALSE(parse_pagination(parse_ok("offset=5&cursor=" + cursor)).ok());
  Result<Pagination> garbage = parse_pagination(parse_ok("cursor=nonsense"));
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().field == "cursor");
}

TEST_CASE("api pagination: a cursor round-trips, including times before 1970") {
  for (int64_t ms : {int64_t{0}, int64_t{1768473000123}, int64_t{-86400000}}) {
    storage::Cursor cursor{domain::Timestamp(std::chrono::milliseconds(ms)), 42};
    std::optional<storage::Cursor> decoded = decode_cursor(encode_cursor(cursor));
    REQUIRE(decoded);
    CHECK(decoded->at == cursor.at);
    CHECK(decoded->id == 42);
  }
  CHECK_FALSE(decode_cursor("12-"));
  CHECK_FALSE(decode_cursor("-12"));
  CHECK_FALSE(decode_cursor("12-x"));
}

TEST_CASE("api pagination: take_page trims the extra row and points the cursor at the last kept") {
  Pagination pagination;
  pagination.limit = 2;
  std::vector<int64_t> rows{30, 20, 10};
  auto position = [](int64_t id) {
    return storage::Cursor{domain::Timestamp(std::chrono::milliseconds(id * 1000)), id};
  };
  std::optional<std::string> next = take_page(rows, pagination, position);
  CHECK(rows == std::vector<int64_t>{30, 20});
  REQUIRE(next);
  CHECK(*next == encode_cursor(position(20)));

  std::vector<int64_t> last{10};
  CHECK_FALSE(take_page(last, pagination, position));
}

}  // namespace
}  // namespace regen::api
