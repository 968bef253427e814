#pragma once
// A synthetic data set shaped like a production installation's, for benchmarks (the admin
// command bench.seed): incidents spread over the last 30 days with realistic status and
// severity mixes, alerts spread over them with a heavy tail (most incidents hold a few alerts,
// an alert storm hundreds), the links between them, and the timeline that ingestion and
// responders would have written (incident_created, alert_linked, alert_resolved,
// all_alerts_resolved, status, commander and note entries). No outbox rows: nothing is left to
// notify.
//
// Deterministic for a given plan, whatever the chunk sizes. Rows reach the store through
// WriteTx's bulk operations, never through ingestion.
//
// Threads: a SeedGenerator is used by one thread at a time.

#include <cstdint>
#include <span>
#include <vector>

#include "regend/domain/alert.h"
#include "regend/storage/store.h"

namespace regen::admin {

struct SeedPlan {
  int64_t incidents = 100000;
  int64_t alerts = 1000000;
  uint64_t seed = 1;
  domain::Timestamp now{};  // every generated time is before this
  // Mixed into the alerts' external ids (which are unique within a run): runs adding to one
  // store need distinct salts, or a second run on the same seed repeats (source, external_id).
  uint64_t run_salt = 0;
};

struct SeedCounts {
  int64_t incidents = 0;
  int64_t alerts = 0;
  int64_t links = 0;
  int64_t timeline_entries = 0;

  SeedCounts& operator+=(const SeedCounts& other);
};

class SeedGenerator {
 public:
  // REQUIRES: plan.incidents >= 1, plan.alerts >= 0.
  explicit SeedGenerator(const SeedPlan& plan);

  bool done() const { return next_ >= plan_.incidents; }
  int64_t incidents_written() const { return next_; }

  // Generates the next `max_incidents` incidents (fewer at the end) with their alerts, links and
  // timelines and inserts them through `tx`. StoreError propagates; the generator then stands
  // where it was, so the caller's retry of the transaction writes the same rows.
  SeedCounts write_next(storage::WriteTx& tx, int64_t max_incidents);

 private:
  struct Random;
  struct Shape;
  // seed_data.cpp: the plan. Each incident draws from its own random stream, seeded from the
  // plan's seed and its index, so chunking never changes what it looks like.
  std::vector<int32_t> plan_alert_counts() const;
  Shape shape_of(int64_t index, Random& random) const;
  // seed_rows.cpp: the rows.
  SeedCounts write_chunk(storage::WriteTx& tx, int64_t count);
  storage::IncidentRow incident_row(const Shape& s, Random& random) const;
  void add_alerts(const Shape& s, const storage::IncidentRow& incident, Random& random,
                  std::vector<storage::AlertRow>& alerts);
  void add_history(const Shape& s, const storage::IncidentRow& incident,
                   std::span<const storage::AlertRow> alerts, Random& random,
                   std::vector<storage::AlertLink>& links,
                   std::vector<storage::TimelineEntry>& timeline) const;

  SeedPlan plan_;
  std::vector<int32_t> alert_counts_;  // per incident; 0 for incidents opened by hand
  int64_t next_ = 0;                   // first incident not yet written
  uint64_t alert_serial_ = 0;          // alerts generated so far, for unique external ids
};

}  // namespace regen::admin
