#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "regenctl/admin_command.h"
#include "regenctl/api_command.h"
#include "regenctl/bench/report.h"
#include "regenctl/bench/runner.h"
#include "regenctl/bench/scenario.h"
#include "regenctl/bench/summary.h"
#include "regenctl/commands.h"
#include "regenctl/http_client.h"
#include "regenctl/terminal.h"
#include "regenctl/user_config.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kBenchDescription[] =
    "Load tests: run a scenario against a target, or tabulate saved results. `bench run` judges "
    "the scenario's thresholds (exit 99 when one fails); `bench report` turns results files into "
    "the reliability report's Markdown tables. Scenarios are TOML files (load-tests/*.toml; the "
    "format is in docs/CLI.md).";

constexpr const char kRunDescription[] =
    "Run a load scenario and print a k6-style summary. SCENARIO is a .toml file, or a name looked "
    "up as NAME.toml in ./load-tests, then $REGEN_LOAD_TESTS, then the installed scenarios. The "
    "target is --target, else $REGEN_URL, else url in regenctl.toml, else "
    "http://127.0.0.1:8080; a scenario that uses {{token}} takes --token, else $REGEN_TOKEN, else "
    "token in regenctl.toml. Progress goes to stderr (one line redrawn on a terminal, a line every "
    "few seconds otherwise); the summary to stdout. Ctrl-C stops early and still prints the "
    "summary. Exits 0 when every threshold holds, 99 when one fails, 1 when stopped early, 2 for a "
    "bad scenario or flag, 5 when the target does not answer before the start.";

constexpr const char kReportDescription[] =
    "Print the reliability report's tables as Markdown. Reads results files written by `bench run "
    "--out FILE` (or its -o json output) and prints one table per kind of scenario (webhook "
    "sustained, webhook burst, API reads, capacity, others), one row per file, in the order "
    "given.";

// Threshold failures exit 99, as k6 does, so CI can tell them from other failures.
constexpr int kExitThresholds = kExitThresholdsFailed;

struct RunFlags {
  std::string scenario;
  std::string target;
  std::string token;
  double duration_scale = 1.0;
  int vus = 0;
  int connections = 0;
  double rate = 0;
  std::string duration;
  int threads = 1;
  std::string format;  // "" follows the global -o: json stays json, anything else is text
  std::string out_file;
  bool quiet = false;
};

std::optional<std::string> non_empty_env(std::string_view name) {
  std::optional<std::string> value = process_environment()(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// --target/--token, else the environment, else regenctl.toml (read only when needed).
Result<std::pair<std::string, std::optional<std::string>>> resolve_target_and_token(
    const RunFlags& flags, bool needs_token) {
  std::optional<std::string> url =
      flags.target.empty() ? non_empty_env(kUrlEnvVar) : std::optional(flags.target);
  std::optional<std::string> token =
      flags.token.empty() ? non_empty_env(kTokenEnvVar) : std::optional(flags.token);
  const std::string path = user_config_path(process_environment());
  if ((!url || (needs_token && !token)) && !path.empty()) {
    Result<UserConfig> file = load_user_config(path);
    if (!file) return file.error();
    for (const std::string& warning : file.value().warnings) print_warning(warning);
    if (!url) url = file.value().url;
    if (!token) token = file.value().token;
  }
  if (needs_token && (!token || token->empty())) {
    return Error(ErrorCode::kInvalidArgument,
                 "this scenario sends {{token}}: pass --token, set " + std::string(kTokenEnvVar) +
                     ", or add token = \"...\" to " +
                     (path.empty() ? std::string("~/.config/regen/regenctl.toml") : path) +
                     "; an operator creates one with `regenctl tokens create --name bench --role "
                     "viewer`");
  }
  return std::pair(url && !url->empty() ? *url : std::string(kDefaultApiUrl), token);
}

Result<bench::Scenario> load_and_adjust(const RunFlags& flags) {
  Result<std::string> path = bench::resolve_scenario_path(
      flags.scenario, [](std::string_view name) { return process_environment()(name); });
  if (!path) return path.error();
  Result<bench::Scenario> scenario = bench::load_scenario(path.value());
  if (!scenario) return scenario;
  bench::Overrides overrides;
  if (flags.vus > 0) overrides.vus = flags.vus;
  if (flags.connections > 0) overrides.connections = flags.connections;
  if (flags.rate > 0) overrides.rate = flags.rate;
  if (!flags.duration.empty()) overrides.duration = bench::parse_duration(flags.duration);
  overrides.duration_scale = flags.duration_scale;
  if (Result<void> applied = bench::apply_overrides(scenario.value(), overrides); !applied) {
    return applied.error();
  }
  return scenario;
}

// The target answers at all: one GET of the scenario's preflight path, any HTTP status.
int preflight(const bench::Scenario& scenario, const HttpEndpoint& endpoint) {
  if (scenario.preflight_path.empty()) return kExitOk;
  HttpRequest request;
  request.target = scenario.preflight_path;
  const HttpResult result = http_exchange(endpoint, request, std::chrono::seconds(5));
  if (result) return kExitOk;
  print_error("target " + endpoint.url + " is not answering: " + result.error().detail + " (GET " +
              scenario.preflight_path + ")");
  return kExitNotAnswering;
}

void print_results(const bench::Results& results, std::string_view format) {
  if (format == "json") {
    print_json(bench::results_to_json(results));
  } else if (format == "markdown") {
    std::cout << bench::render_markdown_summary(results);
  } else {
    std::cout << bench::render_text_summary(results, stdout_wants_colour());
  }
  std::cout.flush();
}

bench::RunOptions::Progress progress_mode(bool quiet) {
  if (quiet) return bench::RunOptions::Progress::kNone;
  return ::isatty(STDERR_FILENO) == 1 ? bench::RunOptions::Progress::kTerminal
                                      : bench::RunOptions::Progress::kPlain;
}

int run_bench(const CommandContext& context, const RunFlags& flags) {
  Result<bench::Scenario> loaded = load_and_adjust(flags);
  if (!loaded) {
    print_error(loaded.error().message);
    return kExitUsage;
  }
  bench::Scenario& scenario = loaded.value();
  auto settings = resolve_target_and_token(flags, scenario.uses_token());
  if (!settings) {
    print_error(settings.error().message);
    return kExitUsage;
  }
  Result<HttpEndpoint> endpoint = parse_endpoint(settings.value().first);
  if (!endpoint) {
    print_error(endpoint.error().message);
    return kExitUsage;
  }
  if (settings.value().second) bench::bind_token(scenario, *settings.value().second);
  // Opened before the run, so that a bad path fails now rather than after it.
  std::ofstream out_file;
  if (!flags.out_file.empty()) {
    out_file.open(flags.out_file, std::ios::trunc);
    if (!out_file) {
      print_error("cannot write " + flags.out_file + ": " + std::strerror(errno));
      return kExitUsage;
    }
  }
  if (int reachable = preflight(scenario, endpoint.value()); reachable != kExitOk) return reachable;
  const HttpEndpoint& url = endpoint.value();
  const bench::Target target{url.host, url.port, url.base_path, url.url};
  bench::RunOptions options;
  options.threads = flags.threads;
  options.duration_scale = flags.duration_scale;
  options.progress = progress_mode(flags.quiet);
  if (!flags.quiet) {
    std::cerr << "regenctl: bench: " << scenario.name << " against " << url.url << ": "
              << bench::executor_name(scenario.executor) << ", " << scenario.max_vus()
              << (scenario.executor == bench::Executor::kRampingVus ||
                          scenario.executor == bench::Executor::kConstantVus
                      ? " users"
                      : " connections")
              << ", " << bench::format_span(scenario.total_duration()) << std::endl;
  }
  Result<bench::Results> results = bench::run_scenario(scenario, target, options, std::cerr);
  if (!results) {
    print_error(results.error().message);
    if (results.error().code == ErrorCode::kUnavailable) return kExitNotAnswering;
    return results.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  const std::string format = !flags.format.empty()    ? flags.format
                             : context.globals.json() ? "json"
                                                      : "text";
  print_results(results.value(), format);
  int exit_code = results.value().thresholds_ok() ? kExitOk : kExitThresholds;
  if (exit_code == kExitOk && results.value().stopped_early) exit_code = kExitFailed;
  if (out_file.is_open()) {
    out_file << json::serialize(bench::results_to_json(results.value())) << '\n';
    out_file.close();
    if (!out_file) {
      print_error("cannot write " + flags.out_file + ": " + std::strerror(errno));
      if (exit_code == kExitOk) exit_code = kExitFailed;
    }
  }
  return exit_code;
}

int run_report(const std::vector<std::string>& files) {
  std::vector<bench::Results> all;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      print_error("cannot read " + file + ": " + std::strerror(errno));
      return kExitUsage;
    }
    std::ostringstream content;
    content << in.rdbuf();
    boost::system::error_code error;
    const json::value parsed = json::parse(content.str(), error);
    if (error) {
      print_error(file + ": not JSON: " + error.message());
      return kExitUsage;
    }
    Result<bench::Results> results = bench::results_from_json(parsed);
    if (!results) {
      print_error(file + ": " + results.error().message);
      return kExitUsage;
    }
    all.push_back(std::move(results).value());
  }
  std::cout << bench::render_report(all);
  return kExitOk;
}

CLI::Validator duration_check() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (bench::parse_duration(input) && bench::parse_duration(input)->count() > 0) return "";
        return "expected a duration like 30s, 2m or 1m30s, got '" + input + "'";
      },
      "", "duration");
}

void add_run_command(CLI::App& bench, CommandContext& context) {
  CLI::App* run = bench.add_subcommand("run", kRunDescription);
  auto flags = std::make_shared<RunFlags>();
  run->add_option("SCENARIO", flags->scenario,
                  "A .toml file, or the name of one (webhook-sustained, webhook-burst, api-read, "
                  "capacity, health-capacity)")
      ->required();
  run->add_option("--target", flags->target,
                  "Base URL of the target (default: $REGEN_URL, else url in regenctl.toml, else "
                  "http://127.0.0.1:8080)")
      ->type_name("URL");
  run->add_option("--token", flags->token,
                  "API token for scenarios that send {{token}} (default: $REGEN_TOKEN, else "
                  "token in regenctl.toml)")
      ->type_name("TOKEN");
  run->add_option("--duration-scale", flags->duration_scale,
                  "Multiply every stage's duration (0.02 turns 5 minutes into 6 seconds)")
      ->type_name("F")
      ->check(CLI::Range(0.0001, 1000.0));
  run->add_option("--vus", flags->vus,
                  "Users: sets a constant-vus scenario's users, scales ramping-vus stages to "
                  "this peak")
      ->type_name("N")
      ->check(CLI::Range(1, 100000));
  run->add_option("--connections", flags->connections,
                  "Connections of a constant-connections or constant-arrival-rate scenario "
                  "(capacity: 64)")
      ->type_name("N")
      ->check(CLI::Range(1, 100000));
  run->add_option("--rate", flags->rate,
                  "Open model: start this many iterations per second, latency measured from "
                  "each one's scheduled time (capacity-style scenarios)")
      ->type_name("R")
      ->check(CLI::Range(0.001, 10000000.0));
  run->add_option("--duration", flags->duration,
                  "Run a constant-* scenario this long (30s, 2m); ramping scenarios take "
                  "--duration-scale")
      ->type_name("D")
      ->check(duration_check());
  run->add_option("--threads", flags->threads,
                  "Event-loop threads sharing the users (default 1; one drives 50k+ req/s)")
      ->type_name("N")
      ->check(CLI::Range(1, 64));
  run->add_option("-o,--output", flags->format,
                  "Summary format on stdout: text (default; json with the global -o json), json "
                  "or markdown")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json", "markdown"}, CLI::ignore_case));
  run->add_option("--out", flags->out_file, "Also write the results as JSON to FILE")
      ->type_name("FILE");
  run->add_flag("-q,--quiet", flags->quiet, "No progress on stderr");
  run->callback([&context, flags] { context.exit_code = run_bench(context, *flags); });
}

void add_report_command(CLI::App& bench, CommandContext& context) {
  CLI::App* report = bench.add_subcommand("report", kReportDescription);
  auto files = std::make_shared<std::vector<std::string>>();
  report->add_option("RESULTS", *files, "Results files (JSON) of bench run")->required();
  report->callback([&context, files] { context.exit_code = run_report(*files); });
}

}  // namespace

void add_bench_command(CLI::App& app, CommandContext& context) {
  CLI::App* bench = app.add_subcommand("bench", kBenchDescription);
  bench->require_subcommand(1);
  add_run_command(*bench, context);
  add_report_command(*bench, context);
  add_bench_seed_command(*bench, context);  // cmd_bench_seed.cpp
}

}  // namespace regen::ctl
