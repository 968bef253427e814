#pragma once
// A real regend binary for integration tests: its own temp dir, HTTP on a kernel-chosen port
// (127.0.0.1:0, read back from `status`), admin socket under <tmp>/var.

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace regen::test {

struct RegendOptions {
  std::string config_toml;  // written to <tmp>/regend.toml and passed with --config
  std::vector<std::string> extra_args;
  // REGEN_SERVER_DRAIN_GRACE defaults to "0s" here (set it to test the grace).
  std::map<std::string, std::string> env;
  bool wait_ready = true;  // wait until the admin socket answers `status`
};

class RegendProcess {
 public:
  explicit RegendProcess(RegendOptions options = {});
  ~RegendProcess();

  uint16_t port() const { return port_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& config_path() const { return config_path_; }
  std::string log() const { return read_file(log_path_); }
  TempDir& dir() { return dir_; }
  const TempDir& dir() const { return dir_; }
  Subprocess& process() { return *process_; }

  // Sends one admin command and returns the decoded response line ({"ok":...}).
  boost::json::object admin(const std::string& cmd, const boost::json::object& args = {}) const;
  boost::json::object status() const;  // the `data` of a successful status

  // Waits until the log contains `text`.
  bool log_contains(const std::string& text,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  TempDir dir_;
  std::string socket_path_;
  std::string config_path_;
  std::string log_path_;
  std::unique_ptr<Subprocess> process_;
  uint16_t port_ = 0;
};

// Sends `line` (newline added) over the Unix socket at `path` and returns the reply line, or ""
// when nothing answers within `timeout`.
std::string admin_exchange(const std::string& path, const std::string& line,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace regen::test
