#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

#include "regenctl/admin_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Load a synthetic data set shaped like production into the daemon's store, for benchmarks "
    "(e.g. the api-read scenario at 100,000 incidents and 1,000,000 alerts): incidents over the "
    "last 30 days with their alerts, links and timelines, written in large transactions. The "
    "daemon refuses a store that already holds incidents unless --force is given: never run it "
    "against a real installation. Waits for the whole load (about a minute and a half at the "
    "default size on SQLite) and prints what was written.";

// The load takes about a millisecond per thousand rows on SQLite; allow for a slower store.
constexpr std::chrono::minutes kBaseReplyTimeout{10};
constexpr double kReplyMsPerRow = 1.0;

struct SeedOptions {
  int64_t incidents = 100000;
  int64_t alerts = 1000000;
  int64_t seed = 1;
  bool force = false;
};

std::chrono::milliseconds reply_timeout(const CommandContext& context, const SeedOptions& options) {
  const auto rows = static_cast<double>(options.incidents + options.alerts);
  const auto load =
      kBaseReplyTimeout + std::chrono::milliseconds(static_cast<int64_t>(rows * kReplyMsPerRow));
  return std::max(context.globals.timeout(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(load));
}

int run_seed(const CommandContext& context, const SeedOptions& options) {
  const admin::Request request{"bench.seed", json::object{{"incidents", options.incidents},
                                                          {"alerts", options.alerts},
                                                          {"seed", options.seed},
                                                          {"force", options.force}}};
  return run_command(context.globals, request, reply_timeout(context, options),
                     [&](const json::value& data) {
                       if (context.globals.json()) {
                         print_json(data);
                       } else {
                         std::cout << render_seed_summary(data) << '\n';
                       }
                       return kExitOk;
                     });
}

}  // namespace

std::string render_seed_summary(const json::value& data) {
  auto count = [&](std::string_view key) { return scalar_text(find_member(data, {key})); };
  std::string elapsed(kMissing);
  if (auto ms = as_number(find_member(data, {"elapsed_ms"}))) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1fs", *ms / 1000.0);
    elapsed = text;
  }
  return "seeded " + count("incidents") + " incidents, " + count("alerts") + " alerts, " +
         count("timeline_entries") + " timeline entries in " + elapsed;
}

void add_bench_seed_command(CLI::App& bench, CommandContext& context) {
  CLI::App* command = bench.add_subcommand("seed", kDescription);
  auto options = std::make_shared<SeedOptions>();
  command->add_option("--incidents", options->incidents, "Incidents to create (default 100000)")
      ->type_name("N")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  command->add_option("--alerts", options->alerts, "Alerts spread over them (default 1000000)")
      ->type_name("N")
      ->check(CLI::Range(int64_t{0}, int64_t{100000000}));
  command->add_option("--seed", options->seed, "Random seed: same seed, same data set (default 1)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--force", options->force,
                    "Add to a store that already holds incidents (benchmark stores only)");
  command->callback([&context, options] { context.exit_code = run_seed(context, *options); });
}

}  // namespace regen::ctl
