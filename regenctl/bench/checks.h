#pragma once
// What a scenario asserts about each response (checks), which statuses count as success for
// http_req_failed (expected statuses), and how values are taken out of a JSON body (extract).
// Pure and immutable once built; any thread.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace regen::ctl::bench {

// A set of HTTP statuses: single codes and inclusive ranges ("200-299").
class StatusSet {
 public:
  StatusSet() = default;
  // Each entry is "200" or "200-299". kInvalidArgument naming the entry otherwise, or for a code
  // outside 100..599.
  static Result<StatusSet> parse(const std::vector<std::string>& entries);
  static StatusSet range(int low, int high);

  bool contains(int status) const;
  // "200", "200-399, 429".
  std::string describe() const;

 private:
  struct Range {
    int low = 0;
    int high = 0;
  };
  std::vector<Range> ranges_;
};

// A dotted path into a JSON document: "data.0.incident_number" is member "data", element 0,
// member "incident_number". A segment of digits indexes an array (and names a member of an
// object, for objects keyed by numbers).
class JsonPath {
 public:
  JsonPath() = default;
  // kInvalidArgument for an empty path or an empty segment ("data..id").
  static Result<JsonPath> parse(std::string_view text);

  // The value at the path, or nullptr when a step is missing or of the wrong kind.
  const boost::json::value* find(const boost::json::value& root) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
};

struct Check {
  enum class Kind { kStatus, kJsonExists, kJsonEquals };
  std::string name;  // shown in the summary: "incident_list: status is 200"
  Kind kind = Kind::kStatus;
  StatusSet statuses;           // kStatus
  JsonPath path;                // kJsonExists, kJsonEquals
  boost::json::value expected;  // kJsonEquals

  bool needs_body() const { return kind != Kind::kStatus; }
  // `body` is the parsed response body, or nullptr when it is empty or not JSON (a JSON check
  // then fails).
  bool passes(int status, const boost::json::value* body) const;
};

// JSON equality with numbers compared by value (1 == 1.0, int64 == uint64).
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// A value as extract stores it: strings without quotes, numbers and booleans as written,
// arrays and objects as compact JSON; nullopt for nullptr and null.
std::optional<std::string> extract_text(const boost::json::value* value);

}  // namespace regen::ctl::bench
