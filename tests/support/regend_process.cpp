#include "tests/support/regend_process.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstring>
#include <stdexcept>

#include "tests/support/wait.h"

namespace regen::test {
namespace json = boost::json;

std::string admin_exchange(const std::string& path, const std::string& line,
                           std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return "";
  }
  std::string request = line + "\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (reply.find('\n') == std::string::npos) {
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd waiting{fd, POLLIN, 0};
    if (remaining.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(remaining.count())) <= 0)
      break;
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    reply.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t newline = reply.find('\n');
  return newline == std::string::npos ? "" : reply.substr(0, newline);
}

RegendProcess::RegendProcess(RegendOptions options) {
  socket_path_ = dir_.file("var/regend.sock");
  log_path_ = dir_.file("regend.log");
  std::vector<std::string> argv = {REGEND_BINARY, "--listen", "127.0.0.1:0", "--data-dir",
                                   dir_.file("var")};
  if (!options.config_toml.empty()) {
    config_path_ = dir_.file("regend.toml");
    dir_.write("regend.toml", options.config_toml);
    argv.push_back("--config");
    argv.push_back(config_path_);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  // Tests of drain mechanics would each wait out the production default grace; tests of the
  // grace itself set this variable.
  options.env.emplace("REGEN_SERVER_DRAIN_GRACE", "0s");
  process_ = std::make_unique<Subprocess>(
      argv, log_path_, options.env,
      std::vector<std::string>{"NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM", "REGEN_CONFIG"});
  if (!options.wait_ready) return;
  bool ready = wait_until([&] {
    if (!process_->running()) return true;
    return !admin_exchange(socket_path_, R"({"cmd":"status"})", std::chrono::seconds(1)).empty();
  });
  if (!ready || !process_->running()) {
    throw std::runtime_error("regend did not become ready; log:\n" + log());
  }
  std::string address(
      status().at("listeners").as_array().at(0).as_object().at("address").as_string());
  port_ = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

RegendProcess::~RegendProcess() = default;

json::object RegendProcess::admin(const std::string& cmd, const json::object& args) const {
  json::object request{{"cmd", cmd}, {"args", args}};
  std::string reply = admin_exchange(socket_path_, json::serialize(request));
  if (reply.empty()) throw std::runtime_error("no reply to admin command " + cmd);
  return json::parse(reply).as_object();
}

json::object RegendProcess::status() const {
  json::object reply = admin("status");
  if (!reply.at("ok").as_bool())
    throw std::runtime_error("status failed: " + json::serialize(reply));
  return reply.at("data").as_object();
}

bool RegendProcess::log_contains(const std::string& text, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return log().find(text) != std::string::npos; }, timeout);
}

}  // namespace regen::test
