#include "common/crypto.h"

#include <catch2/catch.hpp>

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace regen::crypto {
namespace {

TEST_CASE("crypto: sha256_hex matches the FIPS 180-2 test vector") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("crypto: hmac_sha256_hex matches RFC 4231 test case 2") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("crypto: constant_time_equal compares contents and lengths") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK_FALSE(constant_time_equal("abc", ""));
}

TEST_CASE("crypto: random_hex gives the asked length in hex and differs between calls") {
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    std::string value = random_hex(16);
    CHECK(value.size() == 32);
    CHECK(value.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(value);
  }
  CHECK(seen.size() == 16);
}

TEST_CASE("crypto: base64_decode matches the RFC 4648 test vectors, padded or not") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"Zg==", "f"},
                                                         {"Zm8=", "fo"},
                                                         {"Zm9v", "foo"},
                                                         {"Zm9vYg==", "foob"},
                                                         {"Zm9vYmE=", "fooba"},
                                                         {"Zm9vYmFy", "foobar"}};
  for (const auto& [encoded, decoded] : vectors) {
    INFO(encoded);
    CHECK(base64_decode(encoded) == std::optional<std::string>(decoded));
    std::string unpadded(encoded);
    unpadded.erase(unpadded.find_last_not_of('=') + 1);
    CHECK(base64_decode(unpadded) == std::optional<std::string>(decoded));
  }
}

TEST_CASE("crypto: base64_decode keeps every byte value, NUL and high bytes included") {
  CHECK(base64_decode("AP8=") == std::optional<std::string>(std::string("\0\xff", 2)));
  CHECK(base64_decode("+/+/") == std::optional<std::string>("\xfb\xff\xbf"));
  CHECK(base64_decode("cmVnZW46czNjcjN0") == std::optional<std::string>("regen:s3cr3t"));
}

TEST_CASE("crypto: base64_decode rejects what no encoder produces") {
  for (const char* bad : {"Z", "Zm9vY", "Zg=", "Zg===", "====", "=Zg=", "Zg==Zg==", "Zm9v\n",
                          " Zm9v", "Zm 9v", "Zm9v!", "Zm-_", "Zh==", "Zm9=",
                          "\xc3\xa9"
                          "AA"}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
}

}  // namespace
}  // namespace regen::crypto
