#include "regend/middleware/client_address.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace regen::middleware {
namespace {

ClientAddressResolver resolver(const std::vector<std::string>& trusted) {
  std::vector<net::Cidr> cidrs;
  for (const std::string& text : trusted) {
    Result<net::Cidr> cidr = net::Cidr::parse(text);
    REQUIRE(cidr);
    cidrs.push_back(cidr.value());
  }
  return ClientAddressResolver(std::move(cidrs));
}

TEST_CASE("client address: with no trusted proxies X-Forwarded-For is ignored") {
  const ClientAddressResolver none = resolver({});
  CHECK(none.resolve("203.0.113.9:51234", "") == "203.0.113.9");
  CHECK(none.resolve("203.0.113.9:51234", "198.51.100.1") == "203.0.113.9");
  CHECK(none.resolve("[2001:db8::9]:443", "198.51.100.1") == "2001:db8::9");
}

TEST_CASE("client address: an untrusted peer is the client whatever it forwards") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("203.0.113.9:51234", "10.0.0.1") == "203.0.113.9");
  CHECK(proxies.resolve("203.0.113.9:51234", "198.51.100.1, 10.0.0.2") == "203.0.113.9");
}

TEST_CASE("client address: a trusted peer's rightmost forwarded address is the client") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7") == "198.51.100.7");
  CHECK(proxies.resolve("10.0.0.5:40000", "192.0.2.1, 198.51.100.7") == "198.51.100.7");
}

TEST_CASE("client address: a trusted peer without X-Forwarded-For is the client") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", "") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "   ") == "10.0.0.5");
}

TEST_CASE("client address: a chain of trusted proxies is walked past to the client") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8", "192.168.0.0/16"});
  // client -> 192.168.1.1 -> 10.0.0.2 -> 10.0.0.5 (peer)
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7, 192.168.1.1, 10.0.0.2") == "198.51.100.7");
  // A proxy may also add itself; it is skipped like any other trusted hop.
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7,10.0.0.5") == "198.51.100.7");
}

TEST_CASE("client address: when every forwarded address is trusted the leftmost is used") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", "10.1.1.1, 10.2.2.2") == "10.1.1.1");
}

TEST_CASE("client address: addresses a client prepends cannot displace the real one") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  // The client sent "X-Forwarded-For: 127.0.0.1, 10.9.9.9"; our proxy appended the real peer.
  CHECK(proxies.resolve("10.0.0.5:40000", "127.0.0.1, 10.9.9.9, 198.51.100.7") == "198.51.100.7");
  CHECK(proxies.resolve("10.0.0.5:40000", "1.1.1.1,2.2.2.2,3.3.3.3,198.51.100.7") ==
        "198.51.100.7");
  // Prepending a trusted-looking address does not help either: the walk stops at the first
  // untrusted address from the right.
  CHECK(proxies.resolve("10.0.0.5:40000", "10.0.0.1, 198.51.100.7") == "198.51.100.7");
}

TEST_CASE("client address: a malformed entry stops the walk at the last good address") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", "unknown") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7, unknown") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7, garbage, 10.0.0.2") == "10.0.0.2");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7,,10.0.0.2") == "10.0.0.2");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7, 10.0.0.2,") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "1.2.3, 10.0.0.2") == "10.0.0.2");
  CHECK(proxies.resolve("10.0.0.5:40000", "_hidden, 10.0.0.2") == "10.0.0.2");
  // Only what a proxy wrote is reported, never the raw text of a malformed entry.
  CHECK(proxies.resolve("10.0.0.5:40000", "evil\" x=y") == "10.0.0.5");
}

TEST_CASE("client address: spaces and tabs around entries are ignored") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", " \t198.51.100.7 \t, 10.0.0.2 ") == "198.51.100.7");
}

TEST_CASE("client address: ports on forwarded IPv4 entries are ignored") {
  const ClientAddressResolver proxies = resolver({"10.0.0.0/8"});
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7:5678") == "198.51.100.7");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7:5678, 10.0.0.2:80") == "198.51.100.7");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7:") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7:123456") == "10.0.0.5");
  CHECK(proxies.resolve("10.0.0.5:40000", "198.51.100.7:http") == "10.0.0.5");
}

TEST_CASE("client address: IPv6 peers and entries, bracketed or not") {
  const ClientAddressResolver proxies = resolver({"::1/128", "fd00::/8"});
  CHECK(proxies.resolve("[::1]:40000", "2001:db8::7") == "2001:db8::7");
  CHECK(proxies.resolve("[::1]:40000", "[2001:db8::7]") == "2001:db8::7");
  CHECK(proxies.resolve("[::1]:40000", "[2001:db8::7]:5678") == "2001:db8::7");
  CHECK(proxies.resolve("[::1]:40000", "2001:db8::7, fd00::1, [fd12::2]:80") == "2001:db8::7");
  CHECK(proxies.resolve("[::1]:40000", "2001:DB8:0::7") == "2001:db8::7");
  CHECK(proxies.resolve("[::1]:40000", "198.51.100.7") == "198.51.100.7");
  CHECK(proxies.resolve("[2001:db8::9]:443", "198.51.100.7") == "2001:db8::9");
  CHECK(proxies.resolve("[::1]:40000", "[2001:db8::7") == "::1");
  CHECK(proxies.resolve("[::1]:40000", "[2001:db8::7]x") == "::1");
  CHECK(proxies.resolve("[::1]:40000", "[198.51.100.7]") == "::1");
}

TEST_CASE("client address: IPv4-mapped peers match IPv4 proxies") {
  const ClientAddressResolver proxies = resolver({"127.0.0.1"});
  CHECK(proxies.resolve("[::ffff:127.0.0.1]:40000", "198.51.100.7") == "198.51.100.7");
  CHECK(proxies.resolve("[::ffff:203.0.113.9]:40000", "198.51.100.7") == "203.0.113.9");
}

TEST_CASE("client address: a peer that is not IP:PORT is returned unchanged") {
  const ClientAddressResolver proxies = resolver({"0.0.0.0/0"});
  CHECK(proxies.resolve("-", "198.51.100.7") == "-");
  CHECK(proxies.resolve("", "198.51.100.7") == "");
}

}  // namespace
TEST_CASE("client address: a peer known by its address resolves as the same peer with a port") {
  struct Case {
    std::string peer;          // as the session describes the connection
    std::string peer_address;  // as it is known once per connection
    std::string forwarded_for;
  };
  const std::vector<Case> cases = {
      {"203.0.113.9:51234", "203.0.113.9", ""},
      {"203.0.113.9:51234", "203.0.113.9", "198.51.100.1"},
      {"[2001:db8::9]:443", "2001:db8::9", "198.51.100.1"},
      {"10.0.0.5:40000", "10.0.0.5", ""},
      {"10.0.0.5:40000", "10.0.0.5", "198.51.100.7, 192.168.1.1, 10.0.0.2"},
      {"10.0.0.5:40000", "10.0.0.5", "10.1.1.1, 10.2.2.2"},
      {"10.0.0.5:40000", "10.0.0.5", "unknown, 198.51.100.7"},
      {"10.0.0.5:40000", "10.0.0.5", "198.51.100.7, unknown"},
      {"[::1]:40000", "::1", "[2001:db8::7]:8080"},
      // A link-local peer with a zone parses neither way: the session passes it whole.
      {"[fe80::1%eth0]:5678", "[fe80::1%eth0]:5678", "198.51.100.7"},
  };
  for (const std::vector<std::string>& trusted :
       {std::vector<std::string>{}, std::vector<std::string>{"10.0.0.0/8", "192.168.0.0/16"},
        std::vector<std::string>{"::1/128"}}) {
    const ClientAddressResolver proxies = resolver(trusted);
    for (const Case& c : cases) {
      INFO(c.peer << " forwarded for " << c.forwarded_for);
      CHECK(proxies.resolve_known(c.peer_address, c.forwarded_for) ==
            proxies.resolve(c.peer, c.forwarded_for));
    }
  }
  // A peer whose address could not be read is described as "-" both ways.
  CHECK(resolver({"10.0.0.0/8"}).resolve_known("-", "198.51.100.7") == "-");
}

}  // namespace regen::middleware
