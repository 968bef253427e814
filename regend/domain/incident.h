#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace regen::domain {

// triggered -> acknowledged -> resolved; triggered -> resolved | canceled.
enum class IncidentStatus { kTriggered, kAcknowledged, kResolved, kCanceled };

std::string_view to_string(IncidentStatus status);
std::optional<IncidentStatus> parse_incident_status(std::string_view text);
inline bool is_open(IncidentStatus status) {
  return status == IncidentStatus::kTriggered || status == IncidentStatus::kAcknowledged;
}

// The statuses an incident in `from` may move to; empty for resolved and canceled.
std::vector<IncidentStatus> allowed_transitions(IncidentStatus from);

}  // namespace regen::domain
