#pragma once
// Reading request bodies and writing response bodies for the API handlers.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

#include "common/result.h"
#include "regend/http/request.h"
#include "regend/ingest/json_fields.h"

namespace regen::api {

// The body as one JSON object; kInvalidArgument (naming Boost.JSON's complaint) otherwise.
Result<boost::json::object> parse_body(std::string_view body);

http::Response json_response(unsigned status, const boost::json::object& body);

// Memory for one response body under construction (representation.h): bump allocation from a
// buffer on the stack, then from the heap in growing blocks, all freed when it goes out of
// scope. Whatever uses storage() must be destroyed first.
class ResponseArena {
 public:
  ResponseArena() : resource_(buffer_, sizeof buffer_) {}
  ResponseArena(const ResponseArena&) = delete;
  ResponseArena& operator=(const ResponseArena&) = delete;

  boost::json::storage_ptr storage() { return &resource_; }

 private:
  unsigned char buffer_[16 * 1024];
  boost::json::monotonic_resource resource_;
};

// Text fields of request bodies share their checks: a string, at most `limit` characters, no
// NUL. Errors are recorded on the reader, naming the field.
std::optional<std::string> optional_text_field(ingest::FieldReader& reader, std::string_view key,
                                               std::size_t limit);
// The same, and present and not blank ("" when an error was recorded).
std::string required_text_field(ingest::FieldReader& reader, std::string_view key,
                                std::size_t limit);

// A numeric path id ("42"); kInvalidArgument naming the parameter otherwise.
Result<int64_t> parse_id(std::string_view text, std::string_view name);

}  // namespace regen::api
