#pragma once
// Runs the built regenctl binary as a script would: exit code, stdout and stderr apart, stdout
// not a terminal. The environment is the test's own minus everything that could steer regenctl
// (REGEN_ADMIN_SOCKET, REGEN_URL, REGEN_TOKEN, NO_COLOR, XDG_CONFIG_HOME), with HOME pointing
// nowhere, so the developer's shell and ~/.config cannot change the outcome; `env` then adds to
// it.

#include <map>
#include <string>
#include <vector>

namespace regen::ctl::testing {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// With `stdout_tty`, stdout is the slave side of a pseudo-terminal (its "\n" arrive as "\r\n").
Run run_regenctl(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}, bool stdout_tty = false);

}  // namespace regen::ctl::testing
