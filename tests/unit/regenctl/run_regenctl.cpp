#include "tests/unit/regenctl/run_regenctl.h"

#include <fcntl.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string_view>

#include "tests/support/process.h"

extern char** environ;

namespace regen::ctl::testing {
namespace {

constexpr std::string_view kScrubbed[] = {"REGEN_ADMIN_SOCKET", "REGEN_URL",       "REGEN_TOKEN",
                                          "NO_COLOR",           "XDG_CONFIG_HOME", "HOME"};

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

bool scrubbed(std::string_view entry) {
  for (std::string_view name : kScrubbed) {
    if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
        entry[name.size()] == '=') {
      return true;
    }
  }
  return false;
}

// Everything the child wrote to the terminal; EIO once the child has exited and closed it.
std::string drain_terminal(int master) {
  std::string out;
  char chunk[4096];
  ssize_t got = 0;
  while ((got = ::read(master, chunk, sizeof chunk)) > 0) out.append(chunk, got);
  return out;
}

}  // namespace

Run run_regenctl(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, bool stdout_tty) {
  ::regen::test::TempDir dir;
  const std::string out_path = dir.path() + "/out";
  const std::string err_path = dir.path() + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int master = -1;
  int slave = -1;
  if (stdout_tty) {
    REQUIRE(::openpty(&master, &slave, nullptr, nullptr, nullptr) == 0);
    posix_spawn_file_actions_adddup2(&actions, slave, 1);
    posix_spawn_file_actions_addclose(&actions, slave);
    posix_spawn_file_actions_addclose(&actions, master);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT, 0600);
  }
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT, 0600);

  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!scrubbed(*entry)) entries.emplace_back(*entry);
  }
  entries.push_back("HOME=" + dir.path() + "/no-home");
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (std::string& entry : entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{REGENCTL_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, REGENCTL_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (slave >= 0) ::close(slave);
  REQUIRE(spawned == 0);
  // The terminal is read to its end (the child's exit) before waiting: a child blocked on a
  // full terminal buffer would otherwise never exit.
  const std::string terminal = master >= 0 ? drain_terminal(master) : "";
  if (master >= 0) ::close(master);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return Run{WEXITSTATUS(status), stdout_tty ? terminal : slurp(out_path), slurp(err_path)};
}

}  // namespace regen::ctl::testing
