#pragma once
// The one way admin-socket subcommands call the daemon, so that every subcommand reports
// failures with the same wording and the same exit codes.

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/admin_protocol.h"
#include "regenctl/admin_client.h"
#include "regenctl/options.h"

namespace regen::ctl {

// The exit code (exit_codes.h) for a failed call.
int exit_code_for(AdminErrorKind kind);
// As above, except that a command failure with code admin::kErrNotFound (tokens.revoke of an
// unknown name) is kExitNotFound.
int exit_code_for(const AdminError& error);

// One line, without the "regenctl: " prefix, saying what went wrong and what to try, e.g.
// "admin socket ./var/regend.sock not found (is regend running? set --socket or
// REGEN_ADMIN_SOCKET)" or "reload failed: failed: 2 configuration error(s): ...". `command` names
// the request.
std::string describe_failure(const AdminError& error, std::string_view socket_path,
                             std::string_view command);

// Writes "regenctl: <message>\n" to stderr, with any line breaks in `message` turned into "; "
// so that the error stays on one line.
void print_error(std::string_view message);

// Writes `data` as one line of JSON to stdout.
void print_json(const boost::json::value& data);

// Sends `request` to the daemon at globals.socket_path (connect bounded by globals.timeout(),
// the reply by `reply_timeout`). On failure prints describe_failure() and returns its exit code;
// on success returns on_data(reply data).
int run_command(const GlobalOptions& globals, const admin::Request& request,
                std::chrono::milliseconds reply_timeout,
                const std::function<int(const boost::json::value& data)>& on_data);

}  // namespace regen::ctl
