#pragma once
// The one way HTTP API subcommands reach the daemon, so that every subcommand resolves its
// target and token, pages through lists, and reports failures alike.

#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "regenctl/api_client.h"
#include "regenctl/options.h"
#include "regenctl/views.h"

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace regen::ctl {

// `--all` stops after this many rows, with a warning, however many the daemon has.
inline constexpr std::size_t kMaxListRows = 10000;
// The API's largest page; --limit is checked against it.
inline constexpr int kMaxPageSize = 250;

// Adds --url and --token to `command` (a group such as `incidents`; its subcommands see them
// through fallthrough). `flags` must outlive the parse.
void add_api_flags(CLI::App& command, ApiFlags& flags);

// Resolves target and token (user_config.h), prints any warnings, and runs `body` with a client.
// A settings problem is printed and returns kExitUsage without calling `body`.
int with_api_client(const CommandContext& context,
                    const std::function<int(const ApiClient& client)>& body);

// Prints `prefix` + failure.message with print_error and returns failure.exit_code.
int report_failure(const ApiFailure& failure, std::string_view prefix = "");

// "regenctl: warning: <message>" on stderr.
void print_warning(std::string_view message);

// Table-mode options from the globals: now, -o wide, and colour when stdout wants it.
ViewOptions view_options(const GlobalOptions& globals);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// GETs `path` with `params`. With `all`, follows next_cursor until the daemon says there is no
// more or kMaxListRows rows have arrived (then warns on stderr). Returns one envelope:
// {"data":[...],"total":...,"limit":...,"next_cursor":...} with every row fetched.
ApiResult fetch_list(const ApiClient& client, std::string_view path, const QueryParams& params,
                     bool all, std::string_view noun);

// After a table of one page, on stderr: "showing 50 of 312 incidents; use --all or --limit"
// ("of 10000+" when the total is a lower bound: total_exact false).
// Nothing when the page holds everything.
void hint_more_rows(const boost::json::value& envelope, std::string_view noun);

// An incident as typed, as the path segment the API takes: "12" or "#12" (its number) gives
// "12"; "id:40" (its internal id, as `alerts ls` shows it) gives "id:40". nullopt for anything
// else, zero or negative.
std::optional<std::string> parse_incident_number(std::string_view text);

// How messages name an incident given by parse_incident_number's result: "#12", "id:40".
std::string incident_label(std::string_view ref);

// A CLI11 check that accepts what parse_incident_number accepts.
CLI::Validator incident_number_check();

}  // namespace regen::ctl
