#include "regend/ingest/signature.h"

#include <catch2/catch.hpp>

namespace regen::ingest {
namespace {

TEST_CASE("signature: a hex HMAC matches in either case and nothing else does") {
  const std::string good = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string body = "what do ya want for nothing?";
  CHECK(hmac_sha256_matches("Jefe", body, good));
  CHECK(hmac_sha256_matches("Jefe", body,
                            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"));
  CHECK_FALSE(hmac_sha256_matches("jefe", body, good));
  CHECK_FALSE(hmac_sha256_matches("Jefe", body + " ", good));
  CHECK_FALSE(hmac_sha256_matches("Jefe", body, good.substr(0, 63)));
  CHECK_FALSE(hmac_sha256_matches("Jefe", body, ""));
}

TEST_CASE("signature: the labels hash is pinned, since stored dedup keys depend on it") {
  const std::map<std::string, std::string> labels{{"alertname", "InstanceDown"},
                                                  {"instance", "cache-1:9121"},
                                                  {"job", "redis"},
                                                  {"severity", "critical"}};
  CHECK(labels_hash(labels) == "f9ce0a7da77822a923b4baf8be605ac8acdf9020925ec54eb8a9ad5a5d95ad97");
  CHECK(title_labels_hash("Something is wrong", {}) ==
        "35da70fc265498391b825abfe5f5085f55c011a0e96cf3b79125b526053b06af");
}

TEST_CASE("signature: label sets that concatenate alike still hash apart") {
  CHECK(labels_hash({{"a", "bc"}}) != labels_hash({{"ab", "c"}}));
  CHECK(labels_hash({{"a", ""}, {"b", ""}}) != labels_hash({{"a", "1:b0:"}}));
  CHECK(title_labels_hash("x", {}) != labels_hash({{"x", ""}}));
  CHECK(title_labels_hash("t", {{"k", "v"}}) != title_labels_hash("t", {{"k", "w"}}));
}

}  // namespace
}  // namespace regen::ingest
