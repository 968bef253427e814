#pragma once
// Temporary directories and child processes for integration tests.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace regen::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

std::string read_file(const std::string& path);

// Passed as the value of JOURNAL_STREAM in extra_env: the child sets it to the dev:inode of
// its own stderr, as systemd does for services whose output goes to the journal.
inline constexpr const char kJournalStreamIsStderr[] = "<stderr>";

// A child process (argv[0] a path, or a name looked up in $PATH) with stdout and stderr appended
// to one file. Killed (SIGKILL) on destruction if still running.
class Subprocess {
 public:
  Subprocess(const std::vector<std::string>& argv, const std::string& output_file,
             const std::map<std::string, std::string>& extra_env = {},
             const std::vector<std::string>& unset_env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signal_number) const;
  // The exit status once the process has ended within `timeout`: the exit code, or 128+signal
  // when it was killed by one. nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Binds 127.0.0.1:0 and reads back the port the kernel chose, for a server the test starts
// moments later (which may lose the port to someone faster: retry with another).
int free_port();

// Runs a command to completion (bounded by `timeout`), capturing its output.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& extra_env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace regen::test
