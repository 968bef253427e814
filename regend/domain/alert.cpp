#include "regend/domain/alert.h"

namespace regen::domain {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "warning";
}

std::string_view to_string(AlertStatus status) {
  return status == AlertStatus::kFiring ? "firing" : "resolved";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "critical") return Severity::kCritical;
  if (text == "warning") return Severity::kWarning;
  if (text == "info") return Severity::kInfo;
  return std::nullopt;
}

std::optional<AlertStatus> parse_alert_status(std::string_view text) {
  if (text == "firing") return AlertStatus::kFiring;
  if (text == "resolved") return AlertStatus::kResolved;
  return std::nullopt;
}

}  // namespace regen::domain
