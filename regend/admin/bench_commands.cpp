#include "regend/admin/bench_commands.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <memory>

#include "regend/admin/seed_data.h"

namespace regen::admin {
namespace json = boost::json;

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int64_t kDefaultIncidents = 100000;
constexpr int64_t kDefaultAlerts = 1000000;
constexpr int64_t kMaxIncidents = 10000000;
constexpr int64_t kMaxAlerts = 100000000;
// Large enough that commits are a small part of the load, small enough to bound the memory a
// transaction's rows take (about 20,000 alerts at the default ratio).
constexpr int64_t kIncidentsPerTransaction = 2000;
constexpr auto kProgressInterval = std::chrono::seconds(10);

struct SeedArgs {
  int64_t incidents = kDefaultIncidents;
  int64_t alerts = kDefaultAlerts;
  uint64_t seed = 1;
  bool force = false;
};

// Reads an optional integer argument in [min, max] into `out`.
std::optional<std::string> read_integer(const json::object& args, std::string_view name,
                                        int64_t min, int64_t max, int64_t& out) {
  const json::value* value = args.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_int64() || value->as_int64() < min || value->as_int64() > max) {
    return std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
           std::to_string(max);
  }
  out = value->as_int64();
  return std::nullopt;
}

Result<SeedArgs> parse_args(const json::object& args) {
  if (auto bad = unknown_argument(args, {"incidents", "alerts", "seed", "force"})) {
    return Error{ErrorCode::kInvalidArgument, *bad};
  }
  SeedArgs parsed;
  int64_t seed = 1;
  for (auto bad : {read_integer(args, "incidents", 1, kMaxIncidents, parsed.incidents),
                   read_integer(args, "alerts", 0, kMaxAlerts, parsed.alerts),
                   read_integer(args, "seed", 0, INT64_MAX, seed)}) {
    if (bad) return Error{ErrorCode::kInvalidArgument, *bad};
  }
  parsed.seed = static_cast<uint64_t>(seed);
  if (const json::value* force = args.if_contains("force")) {
    if (!force->is_bool()) return Error{ErrorCode::kInvalidArgument, "force must be true or false"};
    parsed.force = force->get_bool();
  }
  return parsed;
}

Response store_failure(const Error& error, const std::string& context) {
  const std::string_view code =
      error.code == ErrorCode::kUnavailable ? kErrUnavailable : kErrFailed;
  return Response::failure(code, context + error.message);
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Whether the store already holds an incident; the answer decides whether seeding may start.
Result<bool> holds_incidents(storage::Store& store) {
  bool any = false;
  Status status = store.read([&](storage::ReadTx& tx) -> Status {
    storage::PageRequest first;
    first.limit = 1;
    any = !tx.list_incidents({}, first).rows.empty();
    return {};
  });
  if (!status) return status.error();
  return any;
}

// One transaction of the load, retried once when the store asks for a retry.
Status write_chunk(storage::Store& store, SeedGenerator& generator, SeedCounts& written) {
  Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    SeedCounts chunk;
    status = store.write([&](storage::WriteTx& tx) -> Status {
      chunk = generator.write_next(tx, kIncidentsPerTransaction);
      return {};
    });
    if (status) {
      written += chunk;
      return status;
    }
    if (status.error().code != ErrorCode::kUnavailable) break;
  }
  return status;
}

Response run_seed(const BenchCommandContext& context, const SeedArgs& args) {
  Result<bool> occupied = holds_incidents(*context.store);
  if (!occupied) return store_failure(occupied.error(), "cannot check the store: ");
  if (occupied.value() && !args.force) {
    return Response::failure(
        kErrConflict,
        "the store already holds incidents; bench.seed writes synthetic benchmark data and "
        "refuses to mix it into an installation's own; add to it anyway with force "
        "(regenctl bench seed --force)");
  }
  SeedPlan plan{.incidents = args.incidents,
                .alerts = args.alerts,
                .seed = args.seed,
                .now = context.clock(),
                .run_salt = 0};
  // A second run adding to the same store must not repeat the first run's external ids.
  if (occupied.value()) plan.run_salt = static_cast<uint64_t>(plan.now.time_since_epoch().count());
  spdlog::info("bench.seed: loading {} incidents and {} alerts (seed {}) into {} {}",
               args.incidents, args.alerts, args.seed, context.store->backend(),
               context.store->location());
  const auto started = SteadyClock::now();
  auto next_report = started + kProgressInterval;
  SeedGenerator generator(plan);
  SeedCounts written;
  int64_t transactions = 0;
  while (!generator.done()) {
    if (Status status = write_chunk(*context.store, generator, written); !status) {
      spdlog::error("bench.seed: failed after {} incidents and {} alerts: {}", written.incidents,
                    written.alerts, status.error().message);
      return store_failure(status.error(), "failed after " + std::to_string(written.incidents) +
                                               " incidents and " + std::to_string(written.alerts) +
                                               " alerts were committed: ");
    }
    ++transactions;
    if (SteadyClock::now() >= next_report) {
      spdlog::info("bench.seed: {}/{} incidents, {} alerts, {} timeline entries, {:.1f}s",
                   written.incidents, args.incidents, written.alerts, written.timeline_entries,
                   seconds_since(started));
      next_report += kProgressInterval;
    }
  }
  const double elapsed = seconds_since(started);
  spdlog::info(
      "bench.seed: seeded {} incidents, {} alerts, {} links, {} timeline entries in {:.1f}s",
      written.incidents, written.alerts, written.links, written.timeline_entries, elapsed);
  return Response::success(json::object{
      {"incidents", written.incidents},
      {"alerts", written.alerts},
      {"links", written.links},
      {"timeline_entries", written.timeline_entries},
      {"transactions", transactions},
      {"elapsed_ms", static_cast<int64_t>(elapsed * 1000)},
      {"backend", context.store->backend()},
      {"seed", static_cast<int64_t>(args.seed)},
  });
}

void start_seed(const BenchCommandContext& context,
                const std::shared_ptr<std::atomic<bool>>& running, const json::object& args,
                Reply reply) {
  Result<SeedArgs> parsed = parse_args(args);
  if (!parsed) return reply(Response::failure(kErrInvalidArgs, parsed.error().message));
  if (running->exchange(true)) {
    return reply(Response::failure(kErrBusy, "a bench.seed is already running"));
  }
  auto shared = std::make_shared<Reply>(std::move(reply));
  bool posted = context.executor->post([context, running, shared, seed = parsed.value()] {
    Response response = run_seed(context, seed);
    // The seed's chunks (about 20,000 rows at a time) leave this executor thread's malloc arena
    // holding tens of MB of free but fragmented memory, which glibc keeps unless asked: without
    // this, a seeded daemon's idle RSS was 82 MB instead of ~20 (docs/BENCHMARKS.md, target 5).
    malloc_trim(0);
    running->store(false);
    (*shared)(std::move(response));
  });
  if (!posted) {
    running->store(false);
    (*shared)(Response::failure(kErrBusy, "regend is busy; retry shortly"));
  }
}

}  // namespace

void register_bench_commands(CommandRegistry& registry, BenchCommandContext context) {
  auto running = std::make_shared<std::atomic<bool>>(false);
  registry.add({"bench.seed",
                "Load a synthetic benchmark data set (refuses a store holding incidents unless "
                "force); replies when loaded",
                "incidents: integer, optional (100000); alerts: integer, optional (1000000); "
                "seed: integer, optional (1); force: boolean, optional",
                [context, running](const json::object& args, Reply reply) {
                  start_seed(context, running, args, std::move(reply));
                }});
}

}  // namespace regen::admin
