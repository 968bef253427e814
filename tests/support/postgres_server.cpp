#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/support/process.h"

namespace regen::test {
namespace {

namespace fs = std::filesystem;

std::string shell_quoted(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += quoted + "' ";
  }
  return out;
}

void give_to(const std::string& path, const passwd& user) {
  if (::chown(path.c_str(), user.pw_uid, user.pw_gid) != 0) {
    throw std::runtime_error("cannot hand " + path + " to the postgres user");
  }
}

}  // namespace

std::string PostgresServer::bin_dir() {
  if (const char* dir = std::getenv("REGEN_POSTGRES_BIN_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const fs::path bin = entry.path() / "bin";
    if (!fs::exists(bin / "pg_ctl") || !fs::exists(bin / "initdb")) continue;
    if (std::stoi(name) > best_version) {
      best_version = std::stoi(name);
      best = bin.string();
    }
  }
  if (best.empty()) {
    throw std::runtime_error(
        "no PostgreSQL server found: /usr/lib/postgresql/*/bin/pg_ctl does not exist; install "
        "Debian's postgresql package (make test does) or set REGEN_POSTGRES_BIN_DIR");
  }
  return best;
}

PostgresServer::PostgresServer()
    : bin_(bin_dir()),
      data_(dir_.file("data")),
      sockets_(dir_.file("sockets")),
      log_(dir_.file("server.log")) {
  fs::create_directory(sockets_);
  as_postgres_user_ = ::geteuid() == 0;
  if (as_postgres_user_) {
    const passwd* user = ::getpwnam("postgres");
    if (user == nullptr) {
      throw std::runtime_error(
          "running as root, and there is no postgres system user to run PostgreSQL as "
          "(Debian's postgresql package creates it)");
    }
    give_to(dir_.path(), *user);
    give_to(sockets_, *user);
  }
  start_guard();
  try {
    initialize();
  } catch (...) {
    stop_guard();
    throw;
  }
}

void PostgresServer::initialize() {
  run_server_tool({bin_ + "/initdb", "-D", data_, "-A", "trust", "-U", "regen", "-E", "UTF8",
                   "--locale=C", "--no-sync"},
                  "initdb");
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    try {
      start();
      break;
    } catch (const std::runtime_error&) {
      if (attempt == 3) throw;
    }
  }
  CommandResult created = run_command(
      {bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "regen", "regen"});
  if (created.exit_code != 0) {
    throw std::runtime_error("createdb regen failed: " + created.output);
  }
}

PostgresServer::~PostgresServer() {
  if (running_) {
    try {
      stop();
    } catch (const std::exception&) {
      // The guard stops it the hard way.
    }
  }
  stop_guard();
}

void PostgresServer::start_guard() {
  // The guard waits for the end of a pipe only this process holds (close-on-exec, so no child
  // inherits it): that end comes with our destructor or with our death, however we die.
  const std::string script = "read _; " +
                             shell_quoted(as_server_user({bin_ + "/pg_ctl", "-D", data_, "-m",
                                                          "immediate", "-w", "stop"})) +
                             ">/dev/null 2>&1; rm -rf " + shell_quoted({dir_.path()});
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  guard_pid_ = ::fork();
  if (guard_pid_ < 0) throw std::runtime_error("fork failed");
  if (guard_pid_ == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    // Not holding the test's output open: ctest waits for its end.
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::setsid();  // a Ctrl-C or a kill of the test's process group must not reach the guard
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  guard_fd_ = fds[1];
}

void PostgresServer::stop_guard() {
  if (guard_pid_ <= 0) return;
  ::close(guard_fd_);
  int status = 0;
  ::waitpid(guard_pid_, &status, 0);
}

std::string PostgresServer::create_database() {
  const std::string name = "t_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
  CommandResult created = run_command(
      {bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "regen", name});
  if (created.exit_code != 0)
    throw std::runtime_error("createdb " + name + " failed: " + created.output);
  return url(name);
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgres://regen@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PostgresServer::start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + sockets_ +
                              " -c listen_addresses=127.0.0.1 -c fsync=off";
  run_server_tool(
      {bin_ + "/pg_ctl", "-D", data_, "-l", log_, "-w", "-t", "60", "-o", options, "start"},
      "pg_ctl start");
  running_ = true;
}

void PostgresServer::stop() {
  run_server_tool({bin_ + "/pg_ctl", "-D", data_, "-m", "fast", "-w", "-t", "60", "stop"},
                  "pg_ctl stop");
  running_ = false;
}

std::vector<std::string> PostgresServer::as_server_user(std::vector<std::string> argv) const {
  // Started from the temp dir: the server user may not be allowed into our working directory.
  std::vector<std::string> command = {"/usr/bin/env", "-C", dir_.path()};
  if (as_postgres_user_) {
    command.insert(command.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  }
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

void PostgresServer::run_server_tool(std::vector<std::string> argv, const std::string& what) const {
  CommandResult result =
      run_command(as_server_user(std::move(argv)), {{"LC_ALL", "C"}}, std::chrono::seconds(90));
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + result.output + log_tail());
  }
}

std::string PostgresServer::log_tail() const {
  const std::string log = read_file(log_);
  if (log.empty()) return "";
  constexpr std::size_t kTail = 2000;
  return "\nserver log:\n" + (log.size() > kTail ? log.substr(log.size() - kTail) : log);
}

}  // namespace regen::test
