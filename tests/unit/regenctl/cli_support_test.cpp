#include "regenctl/cli_support.h"

#include <catch2/catch.hpp>

namespace regen::ctl {
namespace {

std::string check(const CLI::Validator& validator, std::string input) { return validator(input); }

TEST_CASE("cli: seconds accept decimals within the range and explain anything else") {
  const CLI::Validator seconds = seconds_in_range(0.001, 86400);
  CHECK(check(seconds, "5").empty());
  CHECK(check(seconds, "0.2").empty());
  CHECK(check(seconds, "0") == "expected a number of seconds between 0.001 and 86400, got '0'");
  CHECK_FALSE(check(seconds, "5s").empty());
  CHECK_FALSE(check(seconds, "soon").empty());
  CHECK_FALSE(check(seconds, "1e9").empty());
  CHECK_FALSE(check(seconds, "nan").empty());
}

TEST_CASE("cli: a subcommand is listed by the first sentence of its description") {
  CHECK(first_sentence("Drain regend. It stops accepting.") == "Drain regend.");
  CHECK(first_sentence("No full stop here") == "No full stop here");
  CHECK(first_sentence("Version 0.1.0 is shown. Then more.") == "Version 0.1.0 is shown.");
}

}  // namespace
}  // namespace regen::ctl
