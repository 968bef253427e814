#include "regend/ingest/signature.h"

#include "common/crypto.h"

namespace regen::ingest {

using crypto::constant_time_equal;
using crypto::hmac_sha256_hex;
using crypto::sha256_hex;

namespace {

// A netstring ("5:hello"): a length prefix keeps "a"+"bc" and "ab"+"c" apart.
void append_field(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

void append_labels(std::string& out, const std::map<std::string, std::string>& labels) {
  for (const auto& [key, value] : labels) {
    append_field(out, key);
    append_field(out, value);
  }
}

}  // namespace

bool hmac_sha256_matches(std::string_view key, std::string_view body,
                         std::string_view hex_signature) {
  std::string given(hex_signature);
  for (char& c : given) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return constant_time_equal(hmac_sha256_hex(key, body), given);
}

Status verify_body_signature(const WebhookRequest& request, std::string_view header,
                             std::string_view prefix, std::string_view secret) {
  if (secret.empty()) return {};
  const std::string_view given = request.header ? request.header(header) : std::string_view();
  if (given.empty()) {
    return Error{ErrorCode::kUnauthorized, "missing " + std::string(header) + " header", "", {}};
  }
  if (!given.starts_with(prefix) ||
      !hmac_sha256_matches(secret, request.body, given.substr(prefix.size()))) {
    return Error{
        ErrorCode::kUnauthorized, std::string(header) + " does not match the request body", "", {}};
  }
  return {};
}

std::string labels_hash(const std::map<std::string, std::string>& labels) {
  std::string encoded;
  append_labels(encoded, labels);
  return sha256_hex(encoded);
}

std::string title_labels_hash(std::string_view title,
                              const std::map<std::string, std::string>& labels) {
  std::string encoded;
  append_field(encoded, title);
  append_labels(encoded, labels);
  return sha256_hex(encoded);
}

}  // namespace regen::ingest
