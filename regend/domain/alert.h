#pragma once
// The normalized alert every webhook source is turned into. Pure data: no JSON, HTTP or
// storage types, so the domain logic (dedup, routing, grouping) and its tests need none.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace regen::domain {

enum class Severity { kCritical, kWarning, kInfo };
enum class AlertStatus { kFiring, kResolved };

std::string_view to_string(Severity severity);
std::string_view to_string(AlertStatus status);
std::optional<Severity> parse_severity(std::string_view text);  // "critical"|"warning"|"info"
std::optional<AlertStatus> parse_alert_status(std::string_view text);  // "firing"|"resolved"

// UTC instants with millisecond precision, as every source and both stores can represent.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

struct NormalizedAlert {
  std::string source;       // "prometheus", "grafana", "cloudwatch", "generic"
  std::string external_id;  // dedup key within the source
  std::string title;
  std::string description;
  Severity severity = Severity::kWarning;
  AlertStatus status = AlertStatus::kFiring;
  std::map<std::string, std::string> labels;  // sorted: hashing and matching are stable
  std::map<std::string, std::string> annotations;
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> ended_at;
  std::string raw;  // this alert's own JSON as received (compact), kept for audit

  friend bool operator==(const NormalizedAlert&, const NormalizedAlert&) = default;
};

}  // namespace regen::domain
