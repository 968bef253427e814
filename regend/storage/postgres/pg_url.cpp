#include "regend/storage/postgres/pg_url.h"

#include <cctype>

namespace regen::storage {
namespace {

constexpr std::string_view kMask = "***";

bool is_uri(std::string_view url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

// libpq's rule: the credentials end at the first '@' that comes before any '/'.
void mask_userinfo(std::string& url) {
  const std::size_t start = url.find("://") + 3;
  std::size_t at = start;
  while (at < url.size() && url[at] != '@' && url[at] != '/') ++at;
  if (at >= url.size() || url[at] != '@') return;
  const std::size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return;
  url.replace(colon + 1, at - colon - 1, kMask);
}

void mask_query(std::string& url) {
  std::size_t pos = url.find('?');
  if (pos == std::string::npos) return;
  ++pos;
  while (pos < url.size()) {
    std::size_t end = url.find('&', pos);
    if (end == std::string::npos) end = url.size();
    constexpr std::string_view kKey = "password=";
    if (std::string_view(url).substr(pos, end - pos).starts_with(kKey)) {
      url.replace(pos + kKey.size(), end - pos - kKey.size(), kMask);
      end = pos + kKey.size() + kMask.size();
    }
    pos = end + 1;
  }
}

std::size_t skip_spaces(const std::string& text, std::size_t pos) {
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// The end of a conninfo value starting at `pos`: 'single quoted' with backslash escapes, or
// up to the next whitespace.
std::size_t value_end(const std::string& text, std::size_t pos) {
  if (pos < text.size() && text[pos] == '\'') {
    for (++pos; pos < text.size() && text[pos] != '\''; ++pos) {
      if (text[pos] == '\\') ++pos;
    }
    return pos < text.size() ? pos + 1 : text.size();
  }
  while (pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

void mask_keywords(std::string& text) {
  constexpr std::string_view kKey = "password";
  std::size_t pos = 0;
  while ((pos = text.find(kKey, pos)) != std::string::npos) {
    const bool word_start = pos == 0 || std::isspace(static_cast<unsigned char>(text[pos - 1]));
    std::size_t eq = skip_spaces(text, pos + kKey.size());
    if (!word_start || eq >= text.size() || text[eq] != '=') {
      pos += kKey.size();
      continue;
    }
    const std::size_t value = skip_spaces(text, eq + 1);
    text.replace(value, value_end(text, value) - value, kMask);
    pos = value + kMask.size();
  }
}

}  // namespace

std::string mask_password(std::string_view url) {
  std::string masked(url);
  if (is_uri(masked)) {
    mask_userinfo(masked);
    mask_query(masked);
  } else {
    mask_keywords(masked);
  }
  return masked;
}

}  // namespace regen::storage
