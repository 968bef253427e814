#pragma once
// Per-source webhook tokens (webhooks.<source>_token): a source with a token accepts only
// requests that present it, either as "Authorization: Bearer <token>" (Alertmanager, Grafana,
// anything that can set a header) or as HTTP Basic credentials with any user name and the
// token as password (Amazon SNS, which can only send credentials from an
// https://user:password@host/ subscription URL).
//
// Checked before the body is parsed, so an unauthenticated request costs no parsing and
// stores nothing. Independent of, and in addition to, the providers' HMAC body signatures.

#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/result.h"

namespace regen::middleware {

// The WWW-Authenticate value of a 401 from a webhook: both schemes we accept, Bearer first.
// Clients that send Basic credentials only after a challenge (SNS) need the Basic one.
inline constexpr std::string_view kWebhookChallenge =
    R"(Bearer realm="regen", Basic realm="regen")";

class WebhookSecrets {
 public:
  // Reads the *_token keys; sources with an empty token are not checked.
  explicit WebhookSecrets(const config::WebhooksConfig& config);

  // Ok when `source` has no token or `authorization_header` (the Authorization value, empty
  // when absent) presents it; otherwise kUnauthorized saying what was wrong (missing header,
  // unsupported scheme, malformed Basic credentials, wrong token) without echoing what was
  // sent. Scheme names are case-insensitive. Tokens are compared in constant time, and as
  // digests so their length does not show either. Const: any thread.
  Status check(std::string_view source, std::string_view authorization_header) const;

  // Whether `source` ("prometheus", ...) has a token configured.
  bool requires_token(std::string_view source) const;

 private:
  struct SourceToken {
    std::string source;
    std::string token_digest;  // hex SHA-256 of the token
  };
  const SourceToken* find(std::string_view source) const;

  std::vector<SourceToken> tokens_;  // only sources with a token
};

}  // namespace regen::middleware
