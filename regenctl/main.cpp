#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "common/version.h"
#include "regenctl/admin_command.h"
#include "regenctl/cli_support.h"
#include "regenctl/commands.h"
#include "regenctl/exit_codes.h"
#include "regenctl/options.h"

namespace {

using regen::ctl::GlobalOptions;
using regen::ctl::OutputFormat;

constexpr const char kDescription[] =
    "regenctl is the tool for regend, the Regen incident-management daemon. On-call engineers use "
    "its `incidents` and `alerts` commands, which talk to the daemon's HTTP API with a bearer "
    "token. Operators use the rest, which talk to a running daemon over its Unix admin socket "
    "(newline-delimited JSON) to show its status, check its health, drain it before a restart, "
    "reload its configuration, and create and revoke API tokens. CI pipelines use `bench` to run "
    "load scenarios against a target and judge their thresholds.";

constexpr const char kGlobalsHint[] =
    "Global options (--socket, --timeout, -o/--output) go before or after the subcommand; --url "
    "and --token go after `incidents` or `alerts`. Colour only when stdout is a terminal and "
    "NO_COLOR is unset.";

void add_global_options(CLI::App& app, GlobalOptions& globals) {
  app.add_option("--socket", globals.socket_path,
                 "Admin socket (default: $" + std::string(regen::ctl::kSocketEnvVar) + ", else " +
                     std::string(regen::ctl::kDefaultSocketPath) + ")")
      ->type_name("PATH")
      ->envname(std::string(regen::ctl::kSocketEnvVar));
  app.add_option("--timeout", globals.timeout_s,
                 "Seconds to wait for the connection, and then for the reply (default 5)")
      ->type_name("SECONDS")
      ->check(regen::ctl::seconds_in_range(0.001, 86400));
  app.add_option_function<std::string>(
         "-o,--output",
         [&globals](const std::string& format) {
           // IsMember below has already turned "JSON" into "json".
           globals.output = format == "json"   ? OutputFormat::kJson
                            : format == "wide" ? OutputFormat::kWide
                                               : OutputFormat::kTable;
         },
         "Output format: table (default), wide (more columns) or json")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "json", "wide"}, CLI::ignore_case));
  app.set_version_flag("--version", "regenctl " + std::string(regen::kVersion));
}

// --help and --version arrive as "errors" with exit code 0; every real parse error is exit 2,
// reported on one line like every other regenctl error.
int handle_parse_error(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
  regen::ctl::print_error(std::string(error.what()) + " (see regenctl --help)");
  return regen::ctl::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "regenctl");
  // Set before adding subcommands: they copy the formatter when created.
  app.formatter(std::make_shared<regen::ctl::HelpFormatter>());
  // Subcommands copy the footer when created, so their --help also shows it.
  app.footer(std::string(kGlobalsHint) + "\n\n" + std::string(regen::ctl::kExitCodesHelp));
  app.require_subcommand(1);
  // Lets global options follow the subcommand: `regenctl status -o json`.
  app.fallthrough();

  regen::ctl::CommandContext context;
  add_global_options(app, context.globals);
  regen::ctl::add_status_command(app, context);
  regen::ctl::add_health_command(app, context);
  regen::ctl::add_drain_command(app, context);
  regen::ctl::add_reload_command(app, context);
  regen::ctl::add_tokens_command(app, context);
  regen::ctl::add_incidents_command(app, context);
  regen::ctl::add_alerts_command(app, context);
  regen::ctl::add_bench_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return handle_parse_error(app, error);
  }
  return context.exit_code;
}
