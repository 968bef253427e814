#pragma once
// Every incident change is written twice in one transaction: a timeline entry (the audit
// trail people read) and an outbox event (what notifiers deliver). This is the one place that
// writes both, for ingestion and for the API alike.

#include <cstdint>
#include <string_view>

#include "common/json_text.h"
#include "regend/storage/store.h"

namespace regen::domain {

// The actor of changes made by regend itself (ingestion, auto-resolve).
inline constexpr std::string_view kSystemActor = "system";

// Appends the timeline entry and enqueues the outbox event `kind` for the incident; the
// payload gets "incident_id" added last. Returns the timeline entry as stored (with its id).
// Payloads are written as text directly (JsonObjectText): ingestion writes one per alert.
storage::TimelineEntry record_incident_event(storage::WriteTx& tx, int64_t incident_id,
                                             std::string_view kind, std::string_view actor,
                                             JsonObjectText payload, Timestamp now);
// The same for callers that do not need the entry back (ingestion): the store may then send
// both writes without waiting for either, with one statement (see WriteTx::append_event).
void add_incident_event(storage::WriteTx& tx, int64_t incident_id, std::string_view kind,
                        std::string_view actor, JsonObjectText payload, Timestamp now);

}  // namespace regen::domain
