#include "regend/middleware/request_id.h"

#include <cstdint>
#include <random>

namespace regen::middleware {

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("._:/+=-").find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string generate_request_id() {
  // Seeded once per thread from the OS; ids need uniqueness, not secrecy.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = generator();
    for (int i = 0; i < 16; ++i) {
      id[half * 16 + i] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

std::string_view choose_request_id(std::string_view incoming, std::string& storage) {
  if (is_acceptable_request_id(incoming)) return incoming;
  storage = generate_request_id();
  return storage;
}

}  // namespace regen::middleware
