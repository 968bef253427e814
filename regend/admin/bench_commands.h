#pragma once
// bench.seed: loads a synthetic data set shaped like production (seed_data.h) so that the API
// can be benchmarked at scale. A benchmarking tool, never for a real installation: it refuses a
// store that already holds incidents unless told to add to it.
//
//   bench.seed {"incidents"?: 100000, "alerts"?: 1000000, "seed"?: 1, "force"?: false}
//     -> {"incidents","alerts","links","timeline_entries","transactions","elapsed_ms",
//         "backend","seed"}
//   conflict:    the store holds incidents and force is not true
//   busy:        a bench.seed is already running, or the store executor's queue is full
//   unavailable: the store failed; the reply says how much was committed before
//
// The load runs on one store executor thread for its whole duration (minutes at full size), in
// transactions of 2000 incidents with their alerts, links and timelines, and logs its progress
// every 10 seconds. A drain waits for it to finish.

#include <functional>

#include "regend/admin/command_registry.h"
#include "regend/domain/alert.h"
#include "regend/storage/store.h"
#include "regend/storage/store_executor.h"

namespace regen::admin {

struct BenchCommandContext {
  storage::Store* store = nullptr;
  storage::StoreExecutor* executor = nullptr;
  std::function<domain::Timestamp()> clock;
};

// `context` is copied; what it points to must outlive the registry.
void register_bench_commands(CommandRegistry& registry, BenchCommandContext context);

}  // namespace regen::admin
