#pragma once
// What people do to incidents through the API, written once on top of storage::WriteTx:
// open one by hand, change its status, severity, summary or commander, add a note, acknowledge
// an alert. Every change is one timeline entry naming the actor and one outbox event.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regend/domain/alert.h"
#include "regend/domain/incident.h"
#include "regend/storage/store.h"

namespace regen::domain {

struct NewIncident {
  std::string title;
  Severity severity = Severity::kWarning;
  std::string summary;
};

// Inserts a triggered incident and records incident_created with the actor.
storage::IncidentRow create_incident(storage::WriteTx& tx, const NewIncident& input,
                                     std::string_view actor, Timestamp now);

// Fields to change; absent ones stay. commander: a value sets it, nullopt inside clears it.
struct IncidentPatch {
  std::optional<IncidentStatus> status;
  std::optional<Severity> severity;
  std::optional<std::string> summary;
  std::optional<std::optional<std::string>> commander;
};

struct TransitionRefused {
  IncidentStatus from = IncidentStatus::kTriggered;
  IncidentStatus to = IncidentStatus::kTriggered;
  std::vector<IncidentStatus> allowed;
};

struct PatchOutcome {
  storage::IncidentRow incident;             // as stored afterwards
  std::vector<std::string> changed;          // field names, in the order applied; empty: a no-op
  std::optional<TransitionRefused> refused;  // set: nothing was written
};

// Applies `patch` to `incident` (read in the same transaction). A status equal to the current
// one is a no-op; a transition the lifecycle does not allow refuses the whole patch. Each
// changed field is one "<field>_changed" entry {"field","from","to"}.
PatchOutcome apply_patch(storage::WriteTx& tx, storage::IncidentRow incident,
                         const IncidentPatch& patch, std::string_view actor, Timestamp now);

// Appends a note entry {"text"} (also an outbox event); returns the entry as stored.
storage::TimelineEntry add_note(storage::WriteTx& tx, int64_t incident_id, std::string_view text,
                                std::string_view actor, Timestamp now);

// Marks the alert acknowledged (once) and records alert_acknowledged on its incident, if any.
// False when it was acknowledged already.
bool acknowledge_alert(storage::WriteTx& tx, const storage::AlertRow& alert, std::string_view actor,
                       Timestamp now);

}  // namespace regen::domain
