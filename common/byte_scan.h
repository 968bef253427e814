#pragma once
// Word-at-a-time byte tests, for scanning text 8 bytes per step where nearly every byte is
// plain: the "has a byte less than n" test of Hacker's Delight (6-1), on the word and on its
// XOR with a character. Each says whether some byte matches, not which: a hit is then looked
// at byte by byte.

#include <cstdint>
#include <cstring>

namespace regen::byte_scan {

inline constexpr std::uint64_t kOnes = 0x0101010101010101;
inline constexpr std::uint64_t kHighs = 0x8080808080808080;

// The 8 bytes at `p`, in memory order (alignment does not matter).
inline std::uint64_t load_word(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Non-zero when a byte of `word` is below `n` (exact for n <= 0x80; bytes >= 0x80 never are).
constexpr std::uint64_t any_below(std::uint64_t word, std::uint8_t n) {
  return (word - kOnes * n) & ~word & kHighs;
}

// Non-zero when a byte of `word` equals `c`.
constexpr std::uint64_t any_equal(std::uint64_t word, char c) {
  return any_below(word ^ (kOnes * static_cast<std::uint8_t>(c)), 1);
}

}  // namespace regen::byte_scan
