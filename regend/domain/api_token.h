#pragma once
// API tokens: roles, and the token format. A token reads "rgn_<key id>_<secret>": the key id
// (12 hex) is public and finds the row; the store keeps only the SHA-256 of the whole token,
// compared in constant time, so a leaked database or a timing probe gives no usable token.

#include <optional>
#include <string>
#include <string_view>

namespace regen::domain {

// Ordered: each role may do everything the ones before it may.
//   viewer: reads; responder: + create incidents, ack, resolve, notes; admin: + rules.
enum class Role { kViewer = 0, kResponder = 1, kAdmin = 2 };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);  // "viewer" | "responder" | "admin"
inline bool role_allows(Role held, Role required) {
  return static_cast<int>(held) >= static_cast<int>(required);
}

struct GeneratedToken {
  std::string token;        // shown to the operator once, never stored
  std::string key_id;       // stored, public
  std::string secret_hash;  // stored: hash_token(token)
};

// A new token from the operating system's CSPRNG (48 bits of key id, 256 bits of secret).
GeneratedToken generate_token();

// The key id of a well-formed token, else nullopt (a malformed bearer value is simply unknown).
std::optional<std::string> token_key_id(std::string_view token);

// Lowercase hex SHA-256 of the token, as stored.
std::string hash_token(std::string_view token);

// Whether `token` hashes to `stored_hash`, compared in constant time.
bool token_matches(std::string_view token, std::string_view stored_hash);

}  // namespace regen::domain
