#include "regenctl/admin_command.h"

#include <boost/json/serialize.hpp>

#include <iostream>

#include "regenctl/exit_codes.h"

namespace regen::ctl {

int exit_code_for(AdminErrorKind kind) {
  switch (kind) {
    case AdminErrorKind::kSocketMissing:
      return kExitSocketMissing;
    case AdminErrorKind::kPermissionDenied:
      return kExitPermissionDenied;
    case AdminErrorKind::kNotAnswering:
      return kExitNotAnswering;
    case AdminErrorKind::kCommandFailed:
      return kExitFailed;
  }
  return kExitFailed;
}

int exit_code_for(const AdminError& error) {
  if (error.kind == AdminErrorKind::kCommandFailed && error.code == admin::kErrNotFound) {
    return kExitNotFound;
  }
  return exit_code_for(error.kind);
}

std::string describe_failure(const AdminError& error, std::string_view socket_path,
                             std::string_view command) {
  const std::string path(socket_path);
  switch (error.kind) {
    case AdminErrorKind::kSocketMissing:
      return "admin socket " + path + " " + error.detail + " (is regend running? set --socket or " +
             std::string(kSocketEnvVar) + ")";
    case AdminErrorKind::kPermissionDenied:
      return "permission denied on " + path + " (run as the regend user or a member of its group)";
    case AdminErrorKind::kNotAnswering:
      return "regend at " + path + " is not answering: " + error.detail;
    case AdminErrorKind::kCommandFailed:
      return std::string(command) + " failed: " + error.code +
             (error.detail.empty() ? "" : ": " + error.detail);
  }
  return std::string(command) + " failed";
}

void print_error(std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.remove_suffix(1);
  }
  std::string line = "regenctl: ";
  for (char c : message) {
    if (c == '\r') continue;
    if (c == '\n') {
      line += "; ";
    } else {
      line += c;
    }
  }
  std::cerr << line << '\n';
}

void print_json(const boost::json::value& data) {
  std::cout << boost::json::serialize(data) << '\n';
}

int run_command(const GlobalOptions& globals, const admin::Request& request,
                std::chrono::milliseconds reply_timeout,
                const std::function<int(const boost::json::value& data)>& on_data) {
  const CallTimeouts timeouts{globals.timeout(), reply_timeout};
  const AdminResult reply = call_admin(globals.socket_path, request, timeouts);
  if (!reply) {
    print_error(describe_failure(reply.error(), globals.socket_path, request.cmd));
    return exit_code_for(reply.error());
  }
  return on_data(reply.data());
}

}  // namespace regen::ctl
