#pragma once
// Digests, MACs, constant-time comparison and random bytes (OpenSSL), shared by webhook
// signatures and API tokens. Pure functions; any thread.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace regen::crypto {

// Lowercase hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

// Lowercase hex HMAC-SHA256 of `data` keyed with `key` (64 characters).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Whether a and b are equal, in time that depends only on their lengths (CRYPTO_memcmp), so a
// caller cannot learn how many leading characters of a secret value it guessed right.
bool constant_time_equal(std::string_view a, std::string_view b);

// `count` bytes from the operating system's CSPRNG, as lowercase hex (2 * count characters).
// Aborts if the generator fails: a daemon must never hand out a predictable secret.
std::string random_hex(std::size_t count);

// Decodes standard base64 (RFC 4648 section 4: A-Z a-z 0-9 + /), with or without its '='
// padding. nullopt for any other character (whitespace included), padding anywhere but the end,
// a length no encoder produces, or set bits in the unused tail (so each value has one encoding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace regen::crypto
