#pragma once
// regenctl's process exit codes. Scripts and systemd units branch on these, so they are part of
// the CLI's contract: add new codes, never renumber.

#include <string_view>

namespace regen::ctl {

inline constexpr int kExitOk = 0;
// The daemon answered {"ok":false}, a drain timed out, or (health) the daemon is not healthy.
inline constexpr int kExitFailed = 1;
// Bad flags or arguments. `--help` and `--version` are not usage errors: they exit 0.
inline constexpr int kExitUsage = 2;
// Nothing at the admin socket path, or something that is not a socket.
inline constexpr int kExitSocketMissing = 3;
// The socket or a directory above it is not accessible to this user.
inline constexpr int kExitPermissionDenied = 4;
// Connection refused, timed out, closed early, or the reply was not valid protocol.
inline constexpr int kExitNotAnswering = 5;

// Shown in the footer of `regenctl --help`; keep it in step with the constants above.
inline constexpr std::string_view kExitCodesHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  command failed (regend answered with an error; drain timed out); for health: not "
    "healthy\n"
    "  2  usage error (unknown flag, bad value)\n"
    "  3  admin socket missing (nothing at --socket, or not a socket)\n"
    "  4  permission denied on the admin socket\n"
    "  5  regend not answering (connection refused, timeout, invalid reply)";

}  // namespace regen::ctl
