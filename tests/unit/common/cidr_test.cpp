#include "common/cidr.h"

#include <catch2/catch.hpp>

#include <string>

namespace regen::net {
namespace {

Cidr cidr(const std::string& text) {
  Result<Cidr> parsed = Cidr::parse(text);
  INFO(text);
  REQUIRE(parsed);
  return parsed.value();
}

std::string parse_error(const std::string& text) {
  Result<Cidr> parsed = Cidr::parse(text);
  INFO(text);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

TEST_CASE("cidr: IPv4 blocks parse and print as network/prefix") {
  CHECK(cidr("10.0.0.0/8").to_string() == "10.0.0.0/8");
  CHECK(cidr("192.168.1.0/24").prefix_length() == 24);
  CHECK(cidr("0.0.0.0/0").to_string() == "0.0.0.0/0");
  CHECK(cidr("203.0.113.7/32").to_string() == "203.0.113.7/32");
}

TEST_CASE("cidr: a bare address is a single-address block") {
  CHECK(cidr("127.0.0.1").to_string() == "127.0.0.1/32");
  CHECK(cidr("::1").to_string() == "::1/128");
  CHECK(cidr("2001:DB8:0:0::1").to_string() == "2001:db8::1/128");
}

TEST_CASE("cidr: IPv6 blocks parse and print in canonical form") {
  CHECK(cidr("2001:db8::/32").to_string() == "2001:db8::/32");
  CHECK(cidr("fd00::/8").prefix_length() == 8);
  CHECK(cidr("::/0").to_string() == "::/0");
  CHECK(cidr("::1/128").to_string() == "::1/128");
}

TEST_CASE("cidr: bits past the prefix are accepted and cleared") {
  CHECK(cidr("10.0.0.1/8").to_string() == "10.0.0.0/8");
  CHECK(cidr("192.168.1.77/25").to_string() == "192.168.1.0/25");
  CHECK(cidr("192.168.1.200/25").to_string() == "192.168.1.128/25");
  CHECK(cidr("2001:db8::1/32").to_string() == "2001:db8::/32");
  CHECK(cidr("1.2.3.4/0").to_string() == "0.0.0.0/0");
  CHECK(cidr("10.0.0.1/8") == cidr("10.0.0.0/8"));
}

TEST_CASE("cidr: contains honours the prefix, including prefixes off byte boundaries") {
  const Cidr ten = cidr("10.0.0.0/8");
  CHECK(ten.contains("10.0.0.0"));
  CHECK(ten.contains("10.255.255.255"));
  CHECK_FALSE(ten.contains("11.0.0.0"));
  CHECK_FALSE(ten.contains("9.255.255.255"));

  const Cidr odd = cidr("172.16.0.0/12");
  CHECK(odd.contains("172.16.0.1"));
  CHECK(odd.contains("172.31.255.255"));
  CHECK_FALSE(odd.contains("172.32.0.0"));
  CHECK_FALSE(odd.contains("172.15.255.255"));

  const Cidr host = cidr("203.0.113.7");
  CHECK(host.contains("203.0.113.7"));
  CHECK_FALSE(host.contains("203.0.113.8"));

  const Cidr v6 = cidr("2001:db8:abcd::/49");
  CHECK(v6.contains("2001:db8:abcd:7fff::1"));
  CHECK_FALSE(v6.contains("2001:db8:abcd:8000::1"));
  CHECK(cidr("::1/128").contains("::1"));
  CHECK(cidr("::1/128").contains("0:0:0:0:0:0:0:1"));
  CHECK_FALSE(cidr("::1/128").contains("::2"));
}

TEST_CASE("cidr: /0 contains every address of its own family and none of the other") {
  CHECK(cidr("0.0.0.0/0").contains("1.2.3.4"));
  CHECK(cidr("0.0.0.0/0").contains("255.255.255.255"));
  CHECK_FALSE(cidr("0.0.0.0/0").contains("::1"));
  CHECK(cidr("::/0").contains("2001:db8::1"));
  CHECK_FALSE(cidr("::/0").contains("1.2.3.4"));
}

TEST_CASE("cidr: IPv4-mapped IPv6 addresses and blocks count as IPv4") {
  CHECK(cidr("10.0.0.0/8").contains("::ffff:10.1.2.3"));
  CHECK_FALSE(cidr("10.0.0.0/8").contains("::ffff:11.1.2.3"));
  CHECK(cidr("::ffff:10.0.0.0/104").to_string() == "10.0.0.0/8");
  CHECK(cidr("::ffff:10.0.0.0/104").contains("10.9.9.9"));
  CHECK(cidr("::ffff:127.0.0.1").to_string() == "127.0.0.1/32");
  CHECK(IpAddress::parse("::ffff:192.0.2.1")->to_string() == "192.0.2.1");
  CHECK(IpAddress::parse("::ffff:192.0.2.1")->is_v4());
  CHECK(parse_error("::ffff:10.0.0.0/64") ==
        "an IPv4-mapped block needs a prefix length of at least 96");
}

TEST_CASE("cidr: contains is false for text that is not an address") {
  const Cidr all = cidr("0.0.0.0/0");
  for (const char* text : {"", "1.2.3", "1.2.3.4:80", "[::1]", "localhost", " 1.2.3.4"}) {
    INFO(text);
    CHECK_FALSE(all.contains(std::string(text)));
  }
}

TEST_CASE("cidr: prefixes longer than the address are rejected") {
  CHECK(parse_error("10.0.0.0/33") == "prefix length must be a number from 0 to 32");
  CHECK(parse_error("::/129") == "prefix length must be a number from 0 to 128");
  CHECK(parse_error("10.0.0.0/4294967296") == "prefix length must be a number from 0 to 32");
}

TEST_CASE("cidr: malformed addresses and prefixes are rejected") {
  for (const char* bad : {"1.2.3",
                          "::g",
                          "",
                          "/8",
                          "10.0.0.0/",
                          "10.0.0.0/-1",
                          "10.0.0.0/+8",
                          "10.0.0.0/8/8",
                          "10.0.0.0/ 8",
                          "10.0.0.0 /8",
                          " 10.0.0.0/8",
                          "256.0.0.0/8",
                          "1.2.3.4.5",
                          "01.2.3.4",
                          "0x0a.0.0.0/8",
                          "[::1]/128",
                          "fe80::1%eth0",
                          "localhost",
                          "10.0.0.0/8x",
                          "1:2:3:4:5:6:7:8:9"}) {
    INFO(bad);
    CHECK_FALSE(Cidr::parse(bad));
  }
  CHECK(parse_error("1.2.3") == "not an IPv4 or IPv6 address");
  CHECK(parse_error("::g") == "not an IPv4 or IPv6 address");
}

}  // namespace
}  // namespace regen::net
