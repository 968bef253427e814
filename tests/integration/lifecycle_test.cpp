// Drain on SIGTERM and over the admin socket, the second signal, the drain timeout, and the
// sd_notify messages a Type=notify unit relies on.

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <cstring>
#include <future>

#include "tests/support/http_client.h"
#include "tests/support/regend_process.h"
#include "tests/support/wait.h"

namespace json = boost::json;
using namespace std::chrono_literals;
using regen::test::HttpConnection;
using regen::test::RegendProcess;
using regen::test::wait_until;

namespace {

uint64_t in_flight(const RegendProcess& regend) {
  return regend.status().at("requests").at("in_flight").to_number<uint64_t>();
}

// Starts a request whose body is only half sent: in flight until the rest arrives.
std::unique_ptr<HttpConnection> start_slow_request(const RegendProcess& regend) {
  // A request answered just before may still be counted (the count drops after the answer is
  // written): were it taken for this one, a drain could begin before this connection is even
  // accepted, and closing the listener would reset it.
  REQUIRE(wait_until([&] { return in_flight(regend) == 0; }));
  auto connection = std::make_unique<HttpConnection>(regend.port());
  connection->send_raw("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
  REQUIRE(wait_until([&] { return in_flight(regend) == 1; }));
  return connection;
}

// A datagram socket standing where systemd's $NOTIFY_SOCKET would be.
class NotifySocket {
 public:
  explicit NotifySocket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  // Reads datagrams until one contains `text` or the timeout passes.
  bool received(const std::string& text, std::chrono::milliseconds timeout = 10s) {
    return wait_until(
        [&] {
          char buffer[4096];
          ssize_t n;
          while ((n = ::recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT)) > 0) {
            messages_ += std::string(buffer, static_cast<std::size_t>(n)) + "\n";
          }
          return messages_.find(text) != std::string::npos;
        },
        timeout);
  }
  const std::string& messages() const { return messages_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::string messages_;
};

}  // namespace

TEST_CASE(
    "lifecycle: SIGTERM lets the in-flight request finish, refuses new connections, exits 0") {
  RegendProcess regend;
  HttpConnection idle(regend.port());
  REQUIRE(idle.request("GET", "/health"));  // now idle between requests
  auto slow = start_slow_request(regend);

  regend.process().signal(SIGTERM);
  CHECK(idle.closed_by_peer(5s));  // idle keep-alive connections close at once
  CHECK(wait_until([&] { return regen::test::connection_refused(regend.port()); }));
  CHECK(regend.process().running());  // still waiting for the slow request

  slow->send_raw("world");
  auto response = slow->read_response(5s);
  REQUIRE(response);
  CHECK(response->status == 404);
  CHECK(response->header("Connection") == "close");
  CHECK(regend.process().wait_exit(10s) == 0);
  CHECK(regend.log().find("request(s) completed") != std::string::npos);
}

TEST_CASE("lifecycle: a second signal during a drain exits at once") {
  RegendProcess regend;
  auto slow = start_slow_request(regend);
  regend.process().signal(SIGTERM);
  REQUIRE(regend.log_contains("draining"));
  regend.process().signal(SIGINT);
  CHECK(regend.process().wait_exit(5s) == 128 + SIGINT);
}

TEST_CASE("lifecycle: a drain that outlasts drain_timeout closes what is left and exits 0") {
  RegendProcess regend({.config_toml = "[server]\ndrain_timeout = \"300ms\"\n"});
  auto slow = start_slow_request(regend);
  regend.process().signal(SIGTERM);
  CHECK(regend.process().wait_exit(10s) == 0);
  CHECK(regend.log().find("drain timeout") != std::string::npos);
  CHECK(slow->closed_by_peer(1s));
}

TEST_CASE("lifecycle: the admin drain command replies with counts, then the daemon exits 0") {
  RegendProcess regend;
  HttpConnection idle(regend.port());
  REQUIRE(idle.request("GET", "/health"));
  auto slow = start_slow_request(regend);

  auto reply = std::async(std::launch::async, [&] { return regend.admin("drain"); });
  // Probe for refusal only once draining: an earlier probe would be one more open connection.
  REQUIRE(wait_until([&] { return regend.status().at("draining").as_bool(); }));
  REQUIRE(wait_until([&] { return regen::test::connection_refused(regend.port()); }));
  slow->send_raw("world");
  REQUIRE(slow->read_response(5s));

  REQUIRE(reply.wait_for(10s) == std::future_status::ready);
  json::object answer = reply.get();
  REQUIRE(answer.at("ok").as_bool());
  const json::object& data = answer.at("data").as_object();
  CHECK(data.at("drained").as_bool());
  CHECK_FALSE(data.at("timed_out").as_bool());
  CHECK(data.at("connections_at_start").to_number<uint64_t>() == 2);
  CHECK(data.at("idle_closed").to_number<uint64_t>() == 1);
  CHECK(data.at("requests_completed").to_number<uint64_t>() == 1);
  CHECK(data.at("connections_forced").to_number<uint64_t>() == 0);
  CHECK(regend.process().wait_exit(10s) == 0);
}

TEST_CASE("lifecycle: drain with a timeout argument reports the forced connections") {
  RegendProcess regend;
  auto slow = start_slow_request(regend);
  json::object answer = regend.admin("drain", {{"timeout_ms", 200}});
  REQUIRE(answer.at("ok").as_bool());
  CHECK(answer.at("data").at("timed_out").as_bool());
  CHECK(answer.at("data").at("connections_forced").to_number<uint64_t>() == 1);
  CHECK(regend.process().wait_exit(10s) == 0);
}

TEST_CASE("lifecycle: status reports draining while a drain waits") {
  RegendProcess regend;
  auto slow = start_slow_request(regend);
  regend.process().signal(SIGTERM);
  CHECK(wait_until([&] { return regend.status().at("draining").as_bool(); }));
  slow->send_raw("world");
  CHECK(regend.process().wait_exit(10s) == 0);
}

TEST_CASE("lifecycle: sd_notify gets READY, STATUS, WATCHDOG and STOPPING") {
  regen::test::TempDir notify_dir;
  NotifySocket notify(notify_dir.file("notify.sock"));
  RegendProcess regend(
      {.env = {{"NOTIFY_SOCKET", notify_dir.file("notify.sock")}, {"WATCHDOG_USEC", "200000"}}});
  CHECK(notify.received("READY=1"));
  CHECK(notify.received("STATUS=Serving on 127.0.0.1:"));
  CHECK(notify.received("WATCHDOG=1"));
  // Pings keep coming (every half interval) while the io threads answer.
  std::size_t first = notify.messages().find("WATCHDOG=1");
  CHECK(wait_until([&] {
    notify.received("WATCHDOG=1", 10ms);
    return notify.messages().find("WATCHDOG=1", first + 1) != std::string::npos;
  }));
  regend.process().signal(SIGTERM);
  CHECK(notify.received("STOPPING=1"));
  CHECK(regend.process().wait_exit(10s) == 0);
}

TEST_CASE("lifecycle: log lines carry <N> priority prefixes when stderr is the journal") {
  RegendProcess journaled({.env = {{"JOURNAL_STREAM", regen::test::kJournalStreamIsStderr}}});
  REQUIRE(journaled.log_contains("<6>regend "));
  REQUIRE(regen::test::http_request(journaled.port(), "GET", "/health"));
  CHECK(journaled.log_contains("<6>access: method=GET"));

  RegendProcess plain;
  CHECK(plain.log().find("<6>") == std::string::npos);
  CHECK(plain.log().find(" info regend ") != std::string::npos);
}
