#include "regend/ingest/limits.h"

#include <utility>

#include "regend/ingest/json_fields.h"

namespace regen::ingest {
namespace {

Error over_limit(std::string field, std::string message, std::size_t limit) {
  Error error = invalid_field(std::move(field), std::move(message));
  error.limit = static_cast<int64_t>(limit);
  return error;
}

// Whether UTF-8 text has more than `limit` code points. A code point takes at least one byte,
// so text no longer in bytes than the limit needs no counting: nearly every field, every time.
bool longer_than(std::string_view utf8, std::size_t limit) {
  return utf8.size() > limit && count_code_points(utf8) > limit;
}

Status check_entries(const std::map<std::string, std::string>& entries, const IngestLimits& limits,
                     const FieldName& map_field) {
  if (entries.size() > limits.max_labels) {
    const std::string path = map_field.str();
    return over_limit(path,
                      path + " has more than " + std::to_string(limits.max_labels) + " entries",
                      limits.max_labels);
  }
  for (const auto& [key, value] : entries) {
    if (key.find('\0') != std::string::npos) {
      const std::string path = map_field.str();
      return invalid_field(path, "a key in " + path + " contains a NUL character");
    }
    if (longer_than(key, limits.max_label_key)) {
      return over_limit(map_field.child(key).str(),
                        "a key in " + map_field.str() + " is longer than " +
                            std::to_string(limits.max_label_key) + " characters",
                        limits.max_label_key);
    }
    if (Status status = check_length(value, limits.max_label_value, map_field.child(key));
        !status.ok()) {
      return status;
    }
  }
  return {};
}

}  // namespace

std::size_t count_code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (const char c : utf8) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

Status check_length(std::string_view text, std::size_t limit, const FieldName& field) {
  // JSON can carry \u0000, PostgreSQL text cannot: refuse it for every backend alike.
  if (text.find('\0') != std::string_view::npos) {
    const std::string name = field.str();
    return invalid_field(name, name + " must not contain a NUL character");
  }
  if (!longer_than(text, limit)) return {};
  const std::string name = field.str();
  return over_limit(name, name + " is longer than " + std::to_string(limit) + " characters", limit);
}

Status check_alert_count(std::size_t count, const IngestLimits& limits, std::string_view field) {
  if (count <= limits.max_alerts) return {};
  return over_limit(std::string(field),
                    "a request may carry at most " + std::to_string(limits.max_alerts) + " alerts",
                    limits.max_alerts);
}

Status check_alert(const domain::NormalizedAlert& alert, const IngestLimits& limits,
                   const AlertFieldPaths& paths) {
  if (alert.title.empty()) {
    const std::string name = paths.title.str();
    return invalid_field(name, name + " must not be empty");
  }
  if (Status s = check_length(alert.title, limits.max_title, paths.title); !s.ok()) return s;
  if (Status s = check_length(alert.description, limits.max_description, paths.description);
      !s.ok()) {
    return s;
  }
  if (Status s = check_length(alert.external_id, limits.max_external_id, paths.external_id);
      !s.ok()) {
    return s;
  }
  if (Status s = check_entries(alert.labels, limits, paths.labels); !s.ok()) return s;
  return check_entries(alert.annotations, limits, paths.annotations);
}

}  // namespace regen::ingest
