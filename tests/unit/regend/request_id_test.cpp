#include "regend/middleware/request_id.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace regen::middleware {
namespace {

bool is_lowercase_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

TEST_CASE("request id: common id formats are acceptable") {
  for (std::string_view id :
       {"a", "0", "9f86d081884c7d659a2feaa0c55ad015", "123e4567-e89b-12d3-a456-426614174000",
        "01ARZ3NDEKTSV4RRFFQ69G5FAV", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "svc.api:req/42+x=y_z"}) {
    INFO(id);
    CHECK(is_acceptable_request_id(id));
  }
}

TEST_CASE("request id: every allowed punctuation character is acceptable") {
  for (char c : std::string_view("._:/+=-")) {
    INFO(c);
    CHECK(is_acceptable_request_id(std::string(1, c)));
  }
}

TEST_CASE("request id: an empty id is not acceptable") {
  CHECK_FALSE(is_acceptable_request_id(""));
}

TEST_CASE("request id: 128 characters are acceptable and 129 are not") {
  CHECK(is_acceptable_request_id(std::string(kMaxRequestIdLength, 'a')));
  CHECK(kMaxRequestIdLength == 128);
  CHECK_FALSE(is_acceptable_request_id(std::string(kMaxRequestIdLength + 1, 'a')));
}

TEST_CASE("request id: characters that could split a log line or a header are refused") {
  for (std::string_view id :
       {"a b", "a\tb", "a\nb", "a\rb", "a\"b", "a'b", "a\\b", "a,b", "a;b", "a<b>", "a{b}", "a%20b",
        "a?b", "a&b", "a*b", "a#b", "a@b", "caf\xc3\xa9", "a\x7f"}) {
    INFO(id);
    CHECK_FALSE(is_acceptable_request_id(id));
  }
  CHECK_FALSE(is_acceptable_request_id(std::string_view("a\0b", 3)));
}

TEST_CASE("request id: a generated id is 32 lowercase hex digits") {
  const std::string id = generate_request_id();
  CHECK(id.size() == 32);
  CHECK(is_lowercase_hex(id));
  CHECK(is_acceptable_request_id(id));
}

TEST_CASE("request id: generated ids are distinct across many calls") {
  std::set<std::string> seen;
  constexpr int kCount = 10000;
  for (int i = 0; i < kCount; ++i) {
    const std::string id = generate_request_id();
    REQUIRE(id.size() == 32);
    REQUIRE(is_lowercase_hex(id));
    seen.insert(id);
  }
  CHECK(seen.size() == kCount);
}

TEST_CASE("request id: generated ids use both halves of the id") {
  // Guards against one 64-bit draw filling both halves: the halves must differ.
  for (int i = 0; i < 100; ++i) {
    const std::string id = generate_request_id();
    CHECK(id.substr(0, 16) != id.substr(16));
  }
}

TEST_CASE("request id: ids generated on different threads are distinct") {
  // Each thread seeds its own generator: equal seeds would repeat each other's ids.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(generate_request_id());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> seen;
  for (const auto& ids : made) seen.insert(ids.begin(), ids.end());
  CHECK(seen.size() == kThreads * kPerThread);
}

TEST_CASE("request id: every hex digit turns up at every position") {
  // A digit missing at some position over 2000 ids has odds of (15/16)^2000: a broken digit
  // table or a stuck bit, not chance.
  std::vector<std::set<char>> digits(32);
  for (int i = 0; i < 2000; ++i) {
    const std::string id = generate_request_id();
    for (std::size_t at = 0; at < id.size(); ++at) digits[at].insert(id[at]);
  }
  for (std::size_t at = 0; at < digits.size(); ++at) {
    INFO("position " << at);
    CHECK(digits[at].size() == 16);
  }
}

TEST_CASE("request id: an acceptable incoming id is used as is and storage is left alone") {
  const std::string incoming = "trace-123";
  std::string storage = "untouched";
  const std::string_view chosen = choose_request_id(incoming, storage);
  CHECK(chosen == "trace-123");
  CHECK(chosen.data() == incoming.data());
  CHECK(storage == "untouched");
}

TEST_CASE("request id: an absent incoming id is replaced by a generated one in storage") {
  std::string storage;
  const std::string_view chosen = choose_request_id("", storage);
  CHECK(chosen.size() == 32);
  CHECK(is_lowercase_hex(chosen));
  CHECK(chosen.data() == storage.data());
  CHECK(chosen == storage);
}

TEST_CASE("request id: an unacceptable incoming id is replaced by a generated one") {
  for (const std::string& incoming :
       {std::string("has space"), std::string(129, 'x'), std::string("line\nbreak")}) {
    INFO(incoming);
    std::string storage;
    const std::string_view chosen = choose_request_id(incoming, storage);
    CHECK(chosen != incoming);
    CHECK(chosen.size() == 32);
    CHECK(is_lowercase_hex(chosen));
    CHECK(chosen.data() == storage.data());
  }
}

}  // namespace regen::middleware
