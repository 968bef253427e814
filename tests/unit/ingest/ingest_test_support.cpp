#include "ingest_test_support.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/process.h"

namespace regen::ingest::testing {
namespace {

std::string lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace

std::string read_fixture(std::string_view relative) {
  const std::string path = std::string(REGEN_SOURCE_DIR) + "/tests/data/" + std::string(relative);
  INFO("fixture " << path);
  REQUIRE(std::filesystem::is_regular_file(path));
  return test::read_file(path);
}

WebhookRequest make_request(const std::string& body,
                            const std::map<std::string, std::string>& headers) {
  return WebhookRequest{body, [&headers](std::string_view name) -> std::string_view {
                          for (const auto& [key, value] : headers) {
                            if (lowercase(key) == lowercase(name)) return value;
                          }
                          return {};
                        }};
}

ParsedWebhook parse_ok(const Provider& provider, const std::string& body,
                       const std::map<std::string, std::string>& headers) {
  Result<ParsedWebhook> result = provider.parse(make_request(body, headers));
  if (!result.ok()) {
    FAIL_CHECK("unexpected error on field \"" << result.error().field
                                              << "\": " << result.error().message);
  }
  REQUIRE(result.ok());
  return std::move(result).value();
}

Error parse_error(const Provider& provider, const std::string& body,
                  const std::map<std::string, std::string>& headers) {
  Result<ParsedWebhook> result = provider.parse(make_request(body, headers));
  REQUIRE_FALSE(result.ok());
  return result.error();
}

domain::Timestamp utc(int year, unsigned month, unsigned day, int hour, int minute, int second,
                      int millis) {
  const std::chrono::sys_days date{std::chrono::year{year} / std::chrono::month{month} /
                                   std::chrono::day{day}};
  return domain::Timestamp{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second} + std::chrono::milliseconds{millis};
}

std::string repeat(std::string_view text, std::size_t count) {
  std::string out;
  out.reserve(text.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += text;
  return out;
}

}  // namespace regen::ingest::testing
