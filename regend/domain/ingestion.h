#pragma once
// What accepting alerts means, written once for every backend: dedup on (source, external_id),
// resolve, re-fire as a new occurrence, routing, grouping into incidents, timeline entries and
// outbox events, all through the primitive operations of one storage::WriteTx.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "regend/domain/alert.h"
#include "regend/domain/rules.h"
#include "regend/storage/store.h"

namespace regen::domain {

struct IngestionSettings {
  bool auto_resolve = false;  // resolve an incident once all its alerts have resolved
};

// One accepted webhook request.
struct Submission {
  std::string source;
  std::vector<NormalizedAlert> alerts;
  std::optional<std::string> delivery_id;  // SNS MessageId: a replayed delivery is skipped
};

// The counts a webhook's 200 reports.
struct SubmissionResult {
  std::size_t received = 0;
  std::size_t created = 0;  // new alerts and new occurrences of resolved ones
  std::size_t updated = 0;  // firing alerts changed, or resolved
  std::size_t incidents_created = 0;
  std::array<std::size_t, 3> incidents_by_severity{};  // indexed by Severity
  bool replayed_delivery = false;
};

// Applies `submission` inside `tx` at time `now`. Throws storage::StoreError from the backend;
// the caller's transaction then rolls back. Applying the same submission twice changes nothing
// the second time.
SubmissionResult apply(storage::WriteTx& tx, const RuleSet& rules, const Submission& submission,
                       Timestamp now, const IngestionSettings& settings);
// Applies `submissions` in order, as one apply() each would, and returns their results in the
// same order. First it tells the transaction every alert and incident group they will look up
// (WriteTx::prefetch), so a backend can read them all at once.
std::vector<SubmissionResult> apply(storage::WriteTx& tx, const RuleSet& rules,
                                    std::span<const Submission* const> submissions, Timestamp now,
                                    const IngestionSettings& settings);

// The incident group `alert` would join when firing under `rules` (routing applied, as
// apply() groups it), or nullopt when no grouping rule matches it or routing gives it no
// incident. The answer does not depend on the alert's status: a resolved alert gets the group
// it joined when firing, as long as its labels and severity are unchanged.
std::optional<std::string> incident_group(const RuleSet& rules, const NormalizedAlert& alert);

}  // namespace regen::domain
