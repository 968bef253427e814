#pragma once
// Digests and signature checks for webhook bodies (OpenSSL). Pure functions; any thread.

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "regend/ingest/provider.h"

namespace regen::ingest {

// Whether `hex_signature` (hex, either case) is the HMAC-SHA256 of `body` under `key`.
bool hmac_sha256_matches(std::string_view key, std::string_view body,
                         std::string_view hex_signature);

// For a source configured with `secret` (empty: no check, always ok): kUnauthorized unless the
// header `header` holds `prefix` followed by the hex HMAC-SHA256 of the request body.
Status verify_body_signature(const WebhookRequest& request, std::string_view header,
                             std::string_view prefix, std::string_view secret);

// Dedup keys for alerts that carry none: hex SHA-256 over the labels in key order, with every
// string length-prefixed so that no two label sets share an encoding. The order in which the
// sender wrote the labels does not matter. title_labels_hash covers the title, then the labels.
std::string labels_hash(const std::map<std::string, std::string>& labels);
std::string title_labels_hash(std::string_view title,
                              const std::map<std::string, std::string>& labels);

}  // namespace regen::ingest
