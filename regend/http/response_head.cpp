#include "regend/http/response_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <charconv>

namespace regen::http {
namespace {

using Field = std::pair<std::string_view, std::string_view>;
// Three fixed fields, a handler's few extras, Connection, Content-Length: no heap allocation.
using Fields = boost::container::small_vector<Field, 12>;

void erase(Fields& fields, std::string_view name) {
  fields.erase(
      std::remove_if(fields.begin(), fields.end(),
                     [name](const Field& f) { return boost::beast::iequals(f.first, name); }),
      fields.end());
}

// Beast's basic_fields::set(): drop every field of that name, append the new one at the end.
void set(Fields& fields, std::string_view name, std::string_view value) {
  erase(fields, name);
  fields.emplace_back(name, value);
}

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end);
}

}  // namespace

void write_response_head(std::string& out, const Response& response, unsigned version,
                         bool keep_alive, std::string_view server, std::string_view request_id) {
  Fields fields{
      {"Server", server}, {"Content-Type", response.content_type}, {"X-Request-ID", request_id}};
  // Only a handler's extra headers can repeat a name or bring a field this function writes
  // itself: most responses have none, and skip the case-insensitive passes.
  if (!response.headers.empty()) {
    for (const auto& [name, value] : response.headers) set(fields, name, value);
    erase(fields, "Connection");
    erase(fields, "Content-Length");
  }
  if (version >= 11 && !keep_alive) fields.emplace_back("Connection", "close");
  if (version < 11 && keep_alive) fields.emplace_back("Connection", "keep-alive");

  const auto status = static_cast<boost::beast::http::status>(response.status);
  const std::string_view reason = boost::beast::http::obsolete_reason(status);
  out.clear();
  out.append("HTTP/1.");
  out.push_back(version >= 11 ? '1' : '0');
  out.push_back(' ');
  append_number(out, response.status);
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");
  for (const auto& [name, value] : fields) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  out.append("\r\n\r\n");
}

}  // namespace regen::http
