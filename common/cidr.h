#pragma once
// IP addresses and CIDR blocks (IPv4 and IPv6), for deciding whether a peer is a trusted proxy.
// Plain values; parsing and matching allocate nothing and may run on any thread.
//
// IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, what a dual-stack socket reports for an IPv4
// peer) are treated as the IPv4 address they carry, so "192.0.2.0/24" matches them; a block
// written in that form (::ffff:192.0.2.0/120) is likewise the IPv4 block 192.0.2.0/24.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace regen::net {

class IpAddress {
 public:
  // "192.0.2.1" or "2001:db8::1" (no brackets, no port, no zone); nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_v4() const { return v4_; }
  // The canonical text: dotted quad, or RFC 5952 IPv6 ("2001:db8::1").
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  friend class Cidr;
  std::array<std::uint8_t, 16> bytes_{};  // network order; an IPv4 address uses the first 4
  bool v4_ = true;
};

class Cidr {
 public:
  // "10.0.0.0/8", "2001:db8::/32", or a bare address meaning /32 (IPv4) or /128 (IPv6).
  // Bits set past the prefix ("10.0.0.1/8") are accepted and cleared, giving "10.0.0.0/8", as
  // Go's net.ParseCIDR and nginx's set_real_ip_from do: the operator's intent is unambiguous.
  // Fails with kInvalidArgument and a reason: bad address, prefix over 32/128, junk.
  static Result<Cidr> parse(std::string_view text);

  // Whether `address` lies in the block; an IPv4 address never lies in an IPv6 block or back.
  bool contains(const IpAddress& address) const;
  // As above for an address in text; false when `address` does not parse.
  bool contains(std::string_view address) const;

  unsigned prefix_length() const { return prefix_; }
  // "10.0.0.0/8": the network address and the prefix, always both.
  std::string to_string() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;

 private:
  IpAddress network_;
  unsigned prefix_ = 0;
};

}  // namespace regen::net
