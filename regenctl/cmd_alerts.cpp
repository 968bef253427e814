#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "regenctl/admin_command.h"
#include "regenctl/api_command.h"
#include "regenctl/commands.h"
#include "regenctl/output.h"

namespace regen::ctl {
namespace json = boost::json;

namespace {

constexpr const char kDescription[] =
    "Alerts through regend's HTTP API. Target and token as for `incidents` (--url, --token, "
    "REGEN_URL, REGEN_TOKEN, regenctl.toml).";

constexpr const char kListDescription[] =
    "List alerts, newest first. Columns: id, source, status, severity, age, incident and title "
    "(-o wide adds the external id and the occurrence count; -o json prints the API's list "
    "envelope). "
    "--source, --status and --severity may repeat or take a comma-separated list.";

struct ListOptions {
  std::vector<std::string> sources;
  std::vector<std::string> statuses;
  std::vector<std::string> severities;
  int limit = 0;
  bool all = false;
};

QueryParams list_params(const ListOptions& options) {
  QueryParams params;
  for (const std::string& source : options.sources) params.emplace_back("source", source);
  for (const std::string& status : options.statuses) params.emplace_back("status", status);
  for (const std::string& severity : options.severities) params.emplace_back("severity", severity);
  if (options.limit > 0) {
    params.emplace_back("limit", std::to_string(options.limit));
  } else if (options.all) {
    params.emplace_back("limit", std::to_string(kMaxPageSize));
  }
  return params;
}

int run_list(const CommandContext& context, const ListOptions& options) {
  return with_api_client(context, [&](const ApiClient& client) {
    ApiResult list =
        fetch_list(client, "/api/v1/alerts", list_params(options), options.all, "alerts");
    if (!list) return report_failure(list.failure());
    if (context.globals.json()) {
      print_json(list.data());
      return kExitOk;
    }
    const json::value* rows = find_member(list.data(), {"data"});
    std::cout << render_alert_list(rows != nullptr ? *rows : json::value(),
                                   view_options(context.globals));
    hint_more_rows(list.data(), "alerts");
    return kExitOk;
  });
}

}  // namespace

void add_alerts_command(CLI::App& app, CommandContext& context) {
  CLI::App* alerts = app.add_subcommand("alerts", kDescription);
  alerts->require_subcommand(1);
  add_api_flags(*alerts, context.api);
  CLI::App* command = alerts->add_subcommand("ls", kListDescription);
  command->alias("list");
  auto options = std::make_shared<ListOptions>();
  command
      ->add_option("--source", options->sources,
                   "Only these sources: prometheus, grafana, cloudwatch, generic (repeatable)")
      ->type_name("SOURCE")
      ->delimiter(',');
  command->add_option("--status", options->statuses, "Only these statuses (repeatable)")
      ->type_name("STATUS")
      ->delimiter(',')
      ->check(CLI::IsMember({"firing", "resolved"}));
  command->add_option("--severity", options->severities, "Only these severities (repeatable)")
      ->type_name("SEVERITY")
      ->delimiter(',')
      ->check(CLI::IsMember({"critical", "warning", "info"}));
  command->add_option("--limit", options->limit, "Rows per page (1-250; default: the daemon's 50)")
      ->type_name("N")
      ->check(CLI::Range(1, kMaxPageSize));
  command->add_flag("--all", options->all, "Fetch every page (at most 10000 alerts)");
  command->callback([&context, options] { context.exit_code = run_list(context, *options); });
}

}  // namespace regen::ctl
