#include "common/result.h"

#include <catch2/catch.hpp>
#include <memory>
#include <set>
#include <string>

namespace regen {

TEST_CASE("result: a value result is ok and gives its value back") {
  Result<int> result = 7;
  REQUIRE(result.ok());
  CHECK(static_cast<bool>(result));
  CHECK(result.value() == 7);
}

TEST_CASE("result: an error result is not ok and keeps its code and message") {
  const Result<std::string> result = Error{ErrorCode::kNotFound, "no alert 42"};
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kNotFound);
  CHECK(result.error().message == "no alert 42");
}

TEST_CASE("result: a move-only value can be moved out") {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(3);
  std::unique_ptr<int> value = std::move(result).value();
  REQUIRE(value != nullptr);
  CHECK(*value == 3);
}

TEST_CASE("result: Status is ok by default and not ok with an error") {
  const Status ok;
  CHECK(ok.ok());
  const Status failed = Error{ErrorCode::kUnavailable, "store down"};
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kUnavailable);
}

TEST_CASE("result: every error code has a distinct snake_case name") {
  CHECK(error_code_name(ErrorCode::kInvalidArgument) == "invalid_argument");
  CHECK(error_code_name(ErrorCode::kPayloadTooLarge) == "payload_too_large");
  CHECK(error_code_name(ErrorCode::kInternal) == "internal");
  std::set<std::string_view> names;
  for (int code = 0; code <= static_cast<int>(ErrorCode::kInternal); ++code) {
    CHECK(names.insert(error_code_name(static_cast<ErrorCode>(code))).second);
  }
}

}  // namespace regen
