#include "regend/domain/api_token.h"

#include <array>

#include "common/crypto.h"

namespace regen::domain {
namespace {

constexpr std::string_view kPrefix = "rgn_";
constexpr std::size_t kKeyIdBytes = 6;    // 12 hex characters
constexpr std::size_t kSecretBytes = 32;  // 64 hex characters

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoleNames{{
    {Role::kViewer, "viewer"},
    {Role::kResponder, "responder"},
    {Role::kAdmin, "admin"},
}};

bool is_lower_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& [value, name] : kRoleNames) {
    if (value == role) return name;
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view text) {
  for (const auto& [value, name] : kRoleNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

GeneratedToken generate_token() {
  GeneratedToken generated;
  generated.key_id = crypto::random_hex(kKeyIdBytes);
  generated.token =
      std::string(kPrefix) + generated.key_id + "_" + crypto::random_hex(kSecretBytes);
  generated.secret_hash = hash_token(generated.token);
  return generated;
}

std::optional<std::string> token_key_id(std::string_view token) {
  if (!token.starts_with(kPrefix)) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  constexpr std::size_t kKeyIdLength = 2 * kKeyIdBytes;
  if (token.size() != kKeyIdLength + 1 + 2 * kSecretBytes || token[kKeyIdLength] != '_') {
    return std::nullopt;
  }
  std::string_view key_id = token.substr(0, kKeyIdLength);
  if (!is_lower_hex(key_id) || !is_lower_hex(token.substr(kKeyIdLength + 1))) {
    return std::nullopt;
  }
  return std::string(key_id);
}

std::string hash_token(std::string_view token) { return crypto::sha256_hex(token); }

bool token_matches(std::string_view token, std::string_view stored_hash) {
  return crypto::constant_time_equal(hash_token(token), stored_hash);
}

}  // namespace regen::domain
