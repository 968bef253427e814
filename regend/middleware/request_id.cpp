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

namespace {

constexpr std::size_t kGeneratedLength = 32;

void write_request_id(char* out) {
  // Seeded once per thread from the OS; ids need uniqueness, not secrecy.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = generator();
    for (int i = 0; i < 16; ++i) {
      out[half * 16 + i] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
}

}  // namespace

std::string generate_request_id() {
  std::string id(kGeneratedLength, '0');
  write_request_id(id.data());
  return id;
}

std::string_view choose_request_id(std::string_view incoming, std::string& storage) {
  if (is_acceptable_request_id(incoming)) return incoming;
  // Written in place: a storage string reused across requests allocates only once.
  storage.resize(kGeneratedLength);
  write_request_id(storage.data());
  return storage;
}

}  // namespace regen::middleware
