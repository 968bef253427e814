#include "regend/ingest/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

namespace regen::ingest {
namespace {

std::string to_hex(const unsigned char* bytes, unsigned size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(static_cast<std::size_t>(size) * 2, '0');
  for (unsigned i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return hex;
}

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

// Digesting bytes in memory with a built-in algorithm cannot fail short of a broken libcrypto.
void check_digest(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "regend: libcrypto failed to compute %s\n", what);
  std::abort();
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  check_digest(EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) == 1,
               "SHA-256");
  return to_hex(digest, size);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  check_digest(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                    reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
                    &size) != nullptr,
               "HMAC-SHA256");
  return to_hex(digest, size);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

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
