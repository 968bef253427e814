#pragma once
// Which address a request really came from, when regend sits behind reverse proxies that
// append the address they received a request from to X-Forwarded-For.
//
// Only the entries added by proxies we trust can be believed: a client may send any
// X-Forwarded-For it likes, and each proxy appends to whatever it received, so the list reads
// "<anything the client wrote>, <client as seen by proxy 1>, <proxy 1 as seen by proxy 2>...".
// Walking from the right past our own proxies finds the first address that a trusted proxy
// vouched for and that is not one of ours: the client.

#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"

namespace regen::middleware {

class ClientAddressResolver {
 public:
  // `trusted_proxies`: config server.trusted_proxies. Empty: X-Forwarded-For is never believed.
  explicit ClientAddressResolver(std::vector<net::Cidr> trusted_proxies);

  // The client's IP address in canonical text ("203.0.113.9", "2001:db8::1"), no port.
  // `peer` is the connection's "IP:PORT" or "[V6]:PORT" (http::Request::client);
  // `forwarded_for` the X-Forwarded-For value, several headers joined with commas.
  //  - peer not a trusted proxy: the peer's IP; X-Forwarded-For is ignored;
  //  - otherwise the rightmost X-Forwarded-For entry that is not a trusted proxy; if every
  //    entry is trusted, the leftmost;
  //  - an entry that is not an address ("unknown", "", a name) ends the walk: the last address
  //    accepted before it (or the peer's IP) is the answer, since nothing left of it can be
  //    told apart from what the client wrote.
  // Entries may be bracketed IPv6 ("[2001:db8::1]", with or without ":PORT") or IPv4 with a
  // port ("192.0.2.1:8080"). A peer that does not parse ("-") is returned unchanged.
  // Const and lock-free: any thread.
  std::string resolve(std::string_view peer, std::string_view forwarded_for) const;

  // The same, for a peer whose address is known already as canonical text without a port
  // (http::Request::peer_address, worked out once per connection). Without trusted proxies
  // or an X-Forwarded-For that text is the answer, and nothing is parsed: the common case,
  // once per request.
  std::string resolve_known(std::string_view peer_address, std::string_view forwarded_for) const;

  bool trusts(const net::IpAddress& address) const;

 private:
  // The walk through X-Forwarded-For that resolve() describes, from the peer's address.
  std::string walk(net::IpAddress peer, std::string_view forwarded_for) const;

  std::vector<net::Cidr> trusted_;
};

}  // namespace regen::middleware
