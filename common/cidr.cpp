#include "common/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace regen::net {
namespace {

constexpr unsigned kMappedPrefix = 96;  // ::ffff:0:0/96 holds the IPv4-mapped addresses

Error invalid(std::string why) { return Error{ErrorCode::kInvalidArgument, std::move(why)}; }

bool is_v4_mapped(const std::array<std::uint8_t, 16>& bytes) {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<unsigned> parse_prefix(std::string_view text) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton wants a NUL-terminated string; nothing longer than this is an address.
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buffer)) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  if (inet_pton(AF_INET, buffer, address.bytes_.data()) == 1) return address;
  if (inet_pton(AF_INET6, buffer, address.bytes_.data()) != 1) return std::nullopt;
  if (is_v4_mapped(address.bytes_)) {
    std::copy(address.bytes_.begin() + 12, address.bytes_.end(), address.bytes_.begin());
    std::fill(address.bytes_.begin() + 4, address.bytes_.end(), 0);
    return address;
  }
  address.v4_ = false;
  return address;
}

std::string IpAddress::to_string() const {
  if (v4_) {
    // inet_ntop formats IPv4 with sprintf; this runs for every request's client address.
    char text[16];
    char* out = text;
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != 0) *out++ = '.';
      out = std::to_chars(out, text + sizeof(text), static_cast<unsigned>(bytes_[i])).ptr;
    }
    return std::string(text, out);
  }
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return buffer;
}

Result<Cidr> Cidr::parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  std::optional<IpAddress> address = IpAddress::parse(text.substr(0, slash));
  if (!address) return invalid("not an IPv4 or IPv6 address");
  // A mapped block is written in IPv6 form but holds IPv4 addresses: count its prefix from
  // the start of the IPv4 part.
  const bool mapped = address->is_v4() && text.substr(0, slash).find(':') != std::string::npos;
  const unsigned bits = address->is_v4() ? 32 : 128;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    const unsigned written_bits = mapped ? 128 : bits;
    std::optional<unsigned> written = parse_prefix(text.substr(slash + 1));
    if (!written || *written > written_bits) {
      return invalid("prefix length must be a number from 0 to " + std::to_string(written_bits));
    }
    if (mapped && *written < kMappedPrefix) {
      return invalid("an IPv4-mapped block needs a prefix length of at least 96");
    }
    prefix = mapped ? *written - kMappedPrefix : *written;
  }
  Cidr cidr;
  cidr.network_ = *address;
  cidr.prefix_ = prefix;
  std::array<std::uint8_t, 16>& bytes = cidr.network_.bytes_;
  for (unsigned bit = prefix; bit < bits; ++bit) {
    bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  return cidr;
}

bool Cidr::contains(const IpAddress& address) const {
  if (address.v4_ != network_.v4_) return false;
  const std::size_t whole = prefix_ / 8;
  if (!std::equal(network_.bytes_.begin(), network_.bytes_.begin() + whole,
                  address.bytes_.begin())) {
    return false;
  }
  const unsigned rest = prefix_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xffu << (8 - rest));
  return (address.bytes_[whole] & mask) == network_.bytes_[whole];
}

bool Cidr::contains(std::string_view address) const {
  std::optional<IpAddress> parsed = IpAddress::parse(address);
  return parsed && contains(*parsed);
}

std::string Cidr::to_string() const { return network_.to_string() + "/" + std::to_string(prefix_); }

}  // namespace regen::net
