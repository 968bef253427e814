#pragma once
// regenctl's process exit codes. Scripts and systemd units branch on these, so they are part of
// the CLI's contract: add new codes, never renumber.

#include <string_view>

namespace regen::ctl {

inline constexpr int kExitOk = 0;
// The daemon answered {"ok":false} or an HTTP error not listed below (5xx, 409 invalid
// transition, 400, 429), a drain timed out, or (health) the daemon is not healthy.
inline constexpr int kExitFailed = 1;
// Bad flags or arguments, no API token, an unreadable or invalid regenctl.toml. `--help` and
// `--version` are not usage errors: they exit 0.
inline constexpr int kExitUsage = 2;
// Nothing at the admin socket path, or something that is not a socket.
inline constexpr int kExitSocketMissing = 3;
// The admin socket or a directory above it is not accessible to this user, or the HTTP API
// refused the token (401) or its role (403).
inline constexpr int kExitPermissionDenied = 4;
// Admin socket or HTTP API: connection refused, name not resolved, timed out, closed early, or
// the reply was not valid protocol.
inline constexpr int kExitNotAnswering = 5;
// The named resource does not exist: HTTP 404, or the admin socket's "not_found".
inline constexpr int kExitNotFound = 6;
// `bench run`: the run completed and at least one threshold failed (k6 uses 99 too).
inline constexpr int kExitThresholdsFailed = 99;

// Shown in the footer of `regenctl --help`; keep it in step with the constants above.
inline constexpr std::string_view kExitCodesHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  command failed (regend answered with an error: 5xx, 409 invalid transition, ...; drain "
    "timed out); for health: not healthy\n"
    "  2  usage error (unknown flag, bad value, no API token, bad regenctl.toml)\n"
    "  3  admin socket missing (nothing at --socket, or not a socket)\n"
    "  4  permission denied (admin socket not accessible; API token refused (401) or role too "
    "low (403))\n"
    "  5  regend not answering (connection refused, unknown host, timeout, invalid reply)\n"
    "  6  not found (no such incident, token, ...)\n"
    "  99 bench run: a threshold failed";

// The more serious of two exit codes, for commands that act on several objects and report the
// worst outcome: 0 < 6 not found < 1 failed < 4 permission < 5 not answering < 2 usage < 3.
int worse_exit_code(int a, int b);

}  // namespace regen::ctl
