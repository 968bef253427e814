#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

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
    "Incidents through regend's HTTP API: list, show, create, acknowledge, resolve, add notes. "
    "The API is found from --url, else $REGEN_URL, else url in regenctl.toml, else "
    "http://127.0.0.1:8080; the token from --token, else $REGEN_TOKEN, else token in "
    "regenctl.toml ($XDG_CONFIG_HOME/regen/regenctl.toml or ~/.config/regen/regenctl.toml).";

constexpr const char kListDescription[] =
    "List incidents, newest first. Columns: number, status, severity, age and title (-o wide "
    "adds acknowledged and resolved ages and the commander; -o json prints the API's list "
    "envelope). "
    "Filters combine; --status and --severity may repeat or take a comma-separated list. One page "
    "(--limit rows, the daemon's default 50) unless --all, which follows the pages up to 10000 "
    "incidents.";

constexpr const char kShowDescription[] =
    "Show one incident: its fields, its alerts and its timeline, times in UTC.";

constexpr const char kCreateDescription[] =
    "Open an incident by hand (no alert needed) and print its number.";

const std::vector<std::string> kStatuses{"triggered", "acknowledged", "resolved", "canceled"};
const std::vector<std::string> kSeverities{"critical", "warning", "info"};

struct ListOptions {
  std::vector<std::string> statuses;
  std::vector<std::string> severities;
  std::string since;
  std::string query;
  int limit = 0;
  bool all = false;
};

struct CreateOptions {
  std::string title;
  std::string severity;
  std::string summary;
};

CLI::Validator since_check() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (since_to_rfc3339(input, now_ms())) return std::string();
        return "expected a duration (30m, 2h, 1d, 1h30m) or an RFC 3339 time "
               "(2026-11-22T10:00:00Z), got '" +
               input + "'";
      },
      "", "since");
}

QueryParams list_params(const ListOptions& options) {
  QueryParams params;
  for (const std::string& status : options.statuses) params.emplace_back("status", status);
  for (const std::string& severity : options.severities) params.emplace_back("severity", severity);
  if (!options.since.empty()) {
    params.emplace_back("created_after", *since_to_rfc3339(options.since, now_ms()));
  }
  if (!options.query.empty()) params.emplace_back("q", options.query);
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
        fetch_list(client, "/api/v1/incidents", list_params(options), options.all, "incidents");
    if (!list) return report_failure(list.failure());
    if (context.globals.json()) {
      print_json(list.data());
      return kExitOk;
    }
    const json::value* rows = find_member(list.data(), {"data"});
    std::cout << render_incident_list(rows != nullptr ? *rows : json::value(),
                                      view_options(context.globals));
    hint_more_rows(list.data(), "incidents");
    return kExitOk;
  });
}

int run_show(const CommandContext& context, const std::string& number_text) {
  const std::string number = *parse_incident_number(number_text);
  return with_api_client(context, [&](const ApiClient& client) {
    ApiResult incident = client.get("/api/v1/incidents/" + number);
    if (!incident) return report_failure(incident.failure(), incident_label(number) + ": ");
    if (context.globals.json()) {
      print_json(incident.data());
    } else {
      std::cout << render_incident_detail(incident.data(), view_options(context.globals));
    }
    return kExitOk;
  });
}

int run_create(const CommandContext& context, const CreateOptions& options) {
  json::object body{{"title", options.title}};
  if (!options.severity.empty()) body["severity"] = options.severity;
  if (!options.summary.empty()) body["summary"] = options.summary;
  return with_api_client(context, [&](const ApiClient& client) {
    ApiResult created = client.send("POST", "/api/v1/incidents", body);
    if (!created) return report_failure(created.failure(), "create: ");
    if (context.globals.json()) {
      print_json(created.data());
    } else {
      std::cout << "created incident #"
                << scalar_text(find_member(created.data(), {"incident_number"})) << '\n';
    }
    return kExitOk;
  });
}

void add_list(CLI::App& incidents, CommandContext& context) {
  CLI::App* command = incidents.add_subcommand("ls", kListDescription);
  command->alias("list");
  auto options = std::make_shared<ListOptions>();
  command->add_option("--status", options->statuses, "Only these statuses (repeatable)")
      ->type_name("STATUS")
      ->delimiter(',')
      ->check(CLI::IsMember(kStatuses));
  command->add_option("--severity", options->severities, "Only these severities (repeatable)")
      ->type_name("SEVERITY")
      ->delimiter(',')
      ->check(CLI::IsMember(kSeverities));
  command
      ->add_option("--since", options->since,
                   "Only incidents created since: a duration back from now (30m, 2h, 1d) or an "
                   "RFC 3339 time")
      ->type_name("WHEN")
      ->check(since_check());
  command->add_option("--query", options->query, "Only incidents whose text matches")
      ->type_name("TEXT");
  command->add_option("--limit", options->limit, "Rows per page (1-250; default: the daemon's 50)")
      ->type_name("N")
      ->check(CLI::Range(1, kMaxPageSize));
  command->add_flag("--all", options->all, "Fetch every page (at most 10000 incidents)");
  command->callback([&context, options] { context.exit_code = run_list(context, *options); });
}

void add_show(CLI::App& incidents, CommandContext& context) {
  CLI::App* command = incidents.add_subcommand("show", kShowDescription);
  auto number = std::make_shared<std::string>();
  command->add_option("number", *number, "Incident number")
      ->required()
      ->check(incident_number_check());
  command->callback([&context, number] { context.exit_code = run_show(context, *number); });
}

void add_create(CLI::App& incidents, CommandContext& context) {
  CLI::App* command = incidents.add_subcommand("create", kCreateDescription);
  auto options = std::make_shared<CreateOptions>();
  command->add_option("--title", options->title, "Title")->required()->type_name("TEXT");
  command->add_option("--severity", options->severity, "critical, warning or info")
      ->type_name("SEVERITY")
      ->check(CLI::IsMember(kSeverities));
  command->add_option("--summary", options->summary, "Summary")->type_name("TEXT");
  command->callback([&context, options] { context.exit_code = run_create(context, *options); });
}

}  // namespace

void add_incidents_command(CLI::App& app, CommandContext& context) {
  CLI::App* incidents = app.add_subcommand("incidents", kDescription);
  incidents->require_subcommand(1);
  add_api_flags(*incidents, context.api);
  add_list(*incidents, context);
  add_show(*incidents, context);
  add_create(*incidents, context);
  add_incident_change_commands(*incidents, context);
}

}  // namespace regen::ctl
