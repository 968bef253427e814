#include "common/json_text.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace {

std::string quoted(std::string_view text) {
  std::string out;
  regen::append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("append_json_string writes what boost::json::serialize writes, for every byte") {
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text = std::string("a") + static_cast<char>(byte) + "b";
    INFO("byte " << byte);
    CHECK(quoted(text) == boost::json::serialize(boost::json::string(text)));
  }
}

TEST_CASE("append_json_string finds every byte to escape wherever it sits in a word") {
  // Text is skipped eight bytes at a time where none needs escaping: put each byte at every
  // offset of three words, among plain ASCII and among UTF-8 bytes (high bit set).
  for (const char filler : {'a', '\xc3'}) {
    for (int byte = 0; byte < 256; ++byte) {
      for (std::size_t at = 0; at < 24; ++at) {
        std::string text(24, filler);
        text[at] = static_cast<char>(byte);
        INFO("byte " << byte << " at " << at);
        REQUIRE(quoted(text) == boost::json::serialize(boost::json::string(text)));
      }
    }
  }
}

TEST_CASE("append_json_string escapes quotes, backslashes and control characters") {
  CHECK(quoted("") == R"("")");
  CHECK(quoted("plain text") == R"("plain text")");
  CHECK(quoted(R"(say "hi" \ bye)") == R"("say \"hi\" \\ bye")");
  CHECK(quoted("tab\there\nline\r\b\f") == R"("tab\there\nline\r\b\f")");
  CHECK(quoted(std::string("nul\0bell\a", 9)) == R"("nul\u0000bell\u0007")");
  CHECK(quoted("caf\xc3\xa9 \xe2\x9c\x93") == "\"caf\xc3\xa9 \xe2\x9c\x93\"");
}

TEST_CASE("append_json_string appends to what is there") {
  std::string out = "prefix:";
  regen::append_json_string(out, "x\"y");
  CHECK(out == R"(prefix:"x\"y")");
}

TEST_CASE("JsonObjectText writes members in order, as boost::json::serialize does") {
  regen::JsonObjectText object;
  object.add("alert_id", int64_t{42})
      .add("title", "Disk \"/\" full\n")
      .add("negative", std::numeric_limits<int64_t>::min())
      .add_null("group_key")
      .add("", "empty key")
      .add_bool("manual", true)
      .add_bool("automatic", false)
      .add_optional("commander", std::string("ana"))
      .add_optional("previous", std::nullopt);
  const std::string text = std::move(object).finish();
  const boost::json::object expected{{"alert_id", 42},
                                     {"title", "Disk \"/\" full\n"},
                                     {"negative", std::numeric_limits<int64_t>::min()},
                                     {"group_key", nullptr},
                                     {"", "empty key"},
                                     {"manual", true},
                                     {"automatic", false},
                                     {"commander", "ana"},
                                     {"previous", nullptr}};
  CHECK(text == boost::json::serialize(expected));
  CHECK(boost::json::parse(text).as_object() == expected);
}

TEST_CASE("JsonObjectText with no members is an empty object") {
  CHECK(regen::JsonObjectText().finish() == "{}");
}
