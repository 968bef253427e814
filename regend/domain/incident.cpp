#include "regend/domain/incident.h"

namespace regen::domain {

std::string_view to_string(IncidentStatus status) {
  switch (status) {
    case IncidentStatus::kTriggered:
      return "triggered";
    case IncidentStatus::kAcknowledged:
      return "acknowledged";
    case IncidentStatus::kResolved:
      return "resolved";
    case IncidentStatus::kCanceled:
      return "canceled";
  }
  return "triggered";
}

std::optional<IncidentStatus> parse_incident_status(std::string_view text) {
  if (text == "triggered") return IncidentStatus::kTriggered;
  if (text == "acknowledged") return IncidentStatus::kAcknowledged;
  if (text == "resolved") return IncidentStatus::kResolved;
  if (text == "canceled") return IncidentStatus::kCanceled;
  return std::nullopt;
}

std::vector<IncidentStatus> allowed_transitions(IncidentStatus from) {
  switch (from) {
    case IncidentStatus::kTriggered:
      return {IncidentStatus::kAcknowledged, IncidentStatus::kResolved, IncidentStatus::kCanceled};
    case IncidentStatus::kAcknowledged:
      return {IncidentStatus::kResolved};
    case IncidentStatus::kResolved:
    case IncidentStatus::kCanceled:
      return {};
  }
  return {};
}

}  // namespace regen::domain
