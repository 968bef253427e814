#include "regend/middleware/client_address.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace regen::middleware {
namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

bool is_port(std::string_view text) {
  constexpr std::size_t kMaxDigits = 5;
  return !text.empty() && text.size() <= kMaxDigits &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "192.0.2.1", "192.0.2.1:8080", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:8080":
// the forms describe_peer (session.cpp) writes and proxies put in X-Forwarded-For.
std::optional<net::IpAddress> parse_host_port(std::string_view text) {
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view after = text.substr(close + 1);
    if (!after.empty() && !(after.starts_with(':') && is_port(after.substr(1)))) {
      return std::nullopt;
    }
    std::optional<net::IpAddress> address = net::IpAddress::parse(text.substr(1, close - 1));
    // Brackets hold IPv6 only; "[::ffff:1.2.3.4]" still counts, mapped to IPv4.
    if (!address || text.substr(1, close - 1).find(':') == std::string_view::npos) {
      return std::nullopt;
    }
    return address;
  }
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // Exactly one colon: IPv4 with a port (an IPv6 address has at least two).
    if (!is_port(text.substr(colon + 1))) return std::nullopt;
    std::optional<net::IpAddress> address = net::IpAddress::parse(text.substr(0, colon));
    if (!address || !address->is_v4()) return std::nullopt;
    return address;
  }
  return net::IpAddress::parse(text);
}

}  // namespace

ClientAddressResolver::ClientAddressResolver(std::vector<net::Cidr> trusted_proxies)
    : trusted_(std::move(trusted_proxies)) {}

bool ClientAddressResolver::trusts(const net::IpAddress& address) const {
  return std::any_of(trusted_.begin(), trusted_.end(),
                     [&address](const net::Cidr& cidr) { return cidr.contains(address); });
}

std::string ClientAddressResolver::resolve(std::string_view peer,
                                           std::string_view forwarded_for) const {
  std::optional<net::IpAddress> client = parse_host_port(peer);
  if (!client) return std::string(peer);
  return walk(*client, forwarded_for);
}

std::string ClientAddressResolver::resolve_known(std::string_view peer_address,
                                                 std::string_view forwarded_for) const {
  if (trusted_.empty() || forwarded_for.empty()) return std::string(peer_address);
  std::optional<net::IpAddress> client = net::IpAddress::parse(peer_address);
  if (!client) return std::string(peer_address);
  return walk(*client, forwarded_for);
}

std::string ClientAddressResolver::walk(net::IpAddress client,
                                        std::string_view forwarded_for) const {
  // Right to left: each entry was written by the hop to its right, which must be trusted for
  // the entry to be believed. The leftmost entries are whatever the client chose to send.
  std::string_view rest = forwarded_for;
  bool more = true;
  while (more && trusts(client)) {
    const std::size_t comma = rest.rfind(',');
    more = comma != std::string_view::npos;
    std::optional<net::IpAddress> entry =
        parse_host_port(trim(more ? rest.substr(comma + 1) : rest));
    if (!entry) break;
    client = *entry;
    if (more) rest = rest.substr(0, comma);
  }
  return client.to_string();
}

}  // namespace regen::middleware
