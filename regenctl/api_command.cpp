#include "regenctl/api_command.h"

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <iostream>

#include "regenctl/admin_command.h"
#include "regenctl/output.h"
#include "regenctl/terminal.h"
#include "regenctl/user_config.h"

namespace regen::ctl {
namespace json = boost::json;
namespace {

std::optional<std::string> cursor_of(const json::value& page) {
  const json::value* cursor = find_member(page, {"next_cursor"});
  if (cursor == nullptr || !cursor->is_string() || cursor->get_string().empty()) {
    return std::nullopt;
  }
  return std::string(cursor->get_string());
}

json::array* rows_of(json::value& page) {
  json::object* object = page.if_object();
  if (object == nullptr) return nullptr;
  json::value* rows = object->if_contains("data");
  return rows == nullptr ? nullptr : rows->if_array();
}

}  // namespace

void add_api_flags(CLI::App& command, ApiFlags& flags) {
  command
      .add_option("--url", flags.url,
                  "regend's HTTP API (default: $" + std::string(kUrlEnvVar) +
                      ", else url in regenctl.toml, else " + std::string(kDefaultApiUrl) + ")")
      ->type_name("URL");
  command
      .add_option(
          "--token", flags.token,
          "API token (default: $" + std::string(kTokenEnvVar) + ", else token in regenctl.toml)")
      ->type_name("TOKEN");
}

int with_api_client(const CommandContext& context,
                    const std::function<int(const ApiClient& client)>& body) {
  auto settings = resolve_api_settings(context.api, process_environment());
  if (!settings) {
    print_error(settings.error().message);
    return kExitUsage;
  }
  for (const std::string& warning : settings.value().warnings) print_warning(warning);
  auto endpoint = parse_endpoint(settings.value().url);
  if (!endpoint) {
    print_error(endpoint.error().message);
    return kExitUsage;
  }
  const ApiClient client(std::move(endpoint.value()), std::move(settings.value().token),
                         context.globals.timeout());
  return body(client);
}

int report_failure(const ApiFailure& failure, std::string_view prefix) {
  print_error(std::string(prefix) + failure.message);
  return failure.exit_code;
}

void print_warning(std::string_view message) { print_error("warning: " + std::string(message)); }

ViewOptions view_options(const GlobalOptions& globals) {
  ViewOptions view;
  view.now = now_ms();
  view.wide = globals.wide();
  view.colour = !globals.json() && stdout_wants_colour();
  return view;
}

ApiResult fetch_list(const ApiClient& client, std::string_view path, const QueryParams& params,
                     bool all, std::string_view noun) {
  ApiResult first = client.get(with_query(path, params));
  if (!first || !all) return first;
  json::value envelope = first.data();
  json::array* rows = rows_of(envelope);
  if (rows == nullptr) return envelope;
  std::optional<std::string> cursor = cursor_of(envelope);
  while (cursor && rows->size() < kMaxListRows) {
    QueryParams next = params;
    next.emplace_back("cursor", *cursor);
    ApiResult page = client.get(with_query(path, next));
    if (!page) return page;
    json::value data = page.data();
    json::array* more = rows_of(data);
    if (more == nullptr) break;
    for (json::value& row : *more) rows->push_back(std::move(row));
    std::optional<std::string> following = cursor_of(data);
    // A daemon that hands back the same cursor would keep us here forever.
    cursor = following == cursor ? std::nullopt : following;
  }
  if (cursor) {
    rows->resize(std::min(rows->size(), kMaxListRows));
    print_warning("stopped after " + std::to_string(kMaxListRows) + " " + std::string(noun) +
                  "; narrow the list with filters");
  }
  json::object& object = envelope.as_object();
  object["next_cursor"] = cursor ? json::value(*cursor) : json::value(nullptr);
  return envelope;
}

void hint_more_rows(const json::value& envelope, std::string_view noun) {
  const json::value* rows = find_member(envelope, {"data"});
  if (rows == nullptr || !rows->is_array() || !cursor_of(envelope)) return;
  const auto total = as_number(find_member(envelope, {"total"}));
  const json::value* exact = find_member(envelope, {"total_exact"});
  std::string line = "showing " + std::to_string(rows->get_array().size());
  if (total) line += " of " + format_number(*total);
  // The daemon stopped counting there: the total is a lower bound.
  if (total && exact != nullptr && exact->is_bool() && !exact->get_bool()) line += "+";
  std::cerr << line << " " << noun << "; use --all or --limit for more\n";
}

std::optional<std::string> parse_incident_number(std::string_view text) {
  constexpr std::string_view kIdPrefix = "id:";
  std::string prefix;
  if (text.substr(0, kIdPrefix.size()) == kIdPrefix) {
    prefix = kIdPrefix;
    text.remove_prefix(kIdPrefix.size());
  } else if (!text.empty() && text.front() == '#') {
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (text.size() > 1 && text.front() == '0') text.remove_prefix(1);
  if (text == "0") return std::nullopt;
  return prefix + std::string(text);
}

std::string incident_label(std::string_view ref) {
  if (ref.substr(0, 3) == "id:") return std::string(ref);
  return "#" + std::string(ref);
}

CLI::Validator incident_number_check() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        if (parse_incident_number(input)) return std::string();
        return "expected an incident number such as 12 or #12 (or id:N), got '" + input + "'";
      },
      "", "incident number");
}

}  // namespace regen::ctl
