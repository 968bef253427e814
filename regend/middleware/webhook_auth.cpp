#include "regend/middleware/webhook_auth.h"

#include <optional>
#include <utility>

#include "common/crypto.h"

namespace regen::middleware {
namespace {

Error unauthorized(std::string why) { return Error{ErrorCode::kUnauthorized, std::move(why)}; }

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// The token a request presents: a Bearer token, or the password of Basic credentials (RFC 7617:
// the user name ends at the first colon; the password may contain more).
Result<std::string> presented_token(std::string_view header) {
  header = trim(header);
  if (header.empty()) {
    return unauthorized(
        "this webhook source requires a token: send \"Authorization: Bearer <token>\" or Basic "
        "credentials with the token as password");
  }
  const std::size_t space = header.find_first_of(" \t");
  const std::string_view scheme = header.substr(0, space);
  const std::string_view credentials =
      space == std::string_view::npos ? std::string_view{} : trim(header.substr(space));
  if (iequals(scheme, "Bearer")) {
    if (credentials.empty()) return unauthorized("Bearer authorization without a token");
    return std::string(credentials);
  }
  if (iequals(scheme, "Basic")) {
    std::optional<std::string> decoded = crypto::base64_decode(credentials);
    const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return unauthorized("malformed Basic credentials: expected base64 of user:token");
    }
    return decoded->substr(colon + 1);
  }
  return unauthorized("unsupported Authorization scheme: use Bearer or Basic");
}

}  // namespace

WebhookSecrets::WebhookSecrets(const config::WebhooksConfig& config) {
  const std::pair<std::string_view, const std::string*> configured[] = {
      {"prometheus", &config.prometheus_token},
      {"grafana", &config.grafana_token},
      {"cloudwatch", &config.cloudwatch_token},
      {"generic", &config.generic_token}};
  for (const auto& [source, token] : configured) {
    if (!token->empty()) tokens_.push_back({std::string(source), crypto::sha256_hex(*token)});
  }
}

const WebhookSecrets::SourceToken* WebhookSecrets::find(std::string_view source) const {
  for (const SourceToken& entry : tokens_) {
    if (entry.source == source) return &entry;
  }
  return nullptr;
}

bool WebhookSecrets::requires_token(std::string_view source) const {
  return find(source) != nullptr;
}

Status WebhookSecrets::check(std::string_view source, std::string_view authorization_header) const {
  const SourceToken* expected = find(source);
  if (expected == nullptr) return {};
  Result<std::string> token = presented_token(authorization_header);
  if (!token) return token.error();
  // Comparing digests keeps the comparison's time independent of the token's length too.
  if (!crypto::constant_time_equal(crypto::sha256_hex(token.value()), expected->token_digest)) {
    return unauthorized("invalid webhook token");
  }
  return {};
}

}  // namespace regen::middleware
