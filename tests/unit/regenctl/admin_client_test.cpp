#include "regenctl/admin_client.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <fstream>
#include <vector>

#include "tests/unit/regenctl/fake_admin_peer.h"

namespace regen::ctl {
namespace {

using namespace std::chrono_literals;
using testing::FakeAdminPeer;
using testing::PeerScript;
using testing::TempDir;

const admin::Request kStatus{"status", {}};
constexpr CallTimeouts kShort{200ms, 200ms};

AdminResult call(const std::string& path) { return call_admin(path, kStatus, kShort); }

TEST_CASE("admin client: a success reply returns its data and the request went out as one line") {
  FakeAdminPeer peer(PeerScript::kReply, R"({"ok":true,"data":{"version":"0.1.0"}})"
                                         "\n");
  const AdminResult result = call(peer.socket_path());
  REQUIRE(result.ok());
  CHECK(result.data() == boost::json::parse(R"({"version":"0.1.0"})"));
  CHECK(boost::json::parse(peer.received_request()) ==
        boost::json::parse(R"({"cmd":"status","args":{}})"));
}

TEST_CASE("admin client: ok:false is a failed command carrying the daemon's code and message") {
  FakeAdminPeer peer(PeerScript::kReply,
                     R"({"ok":false,"error":{"code":"busy","message":"already draining"}})"
                     "\n");
  const AdminResult result = call(peer.socket_path());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kCommandFailed);
  CHECK(result.error().code == "busy");
  CHECK(result.error().detail == "already draining");
}

TEST_CASE("admin client: a path where nothing exists is a missing socket") {
  TempDir dir;
  const AdminResult result = call(dir.path() + "/absent.sock");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kSocketMissing);
  CHECK(result.error().detail == "not found");
}

TEST_CASE("admin client: a path under a missing directory is a missing socket") {
  const AdminResult result = call("/nonexistent-regen-dir/x.sock");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kSocketMissing);
}

// A regular file is reported as a missing socket, not as a daemon that does not answer: the
// likely mistake is the path, and "connection refused" would send the operator to the daemon.
TEST_CASE("admin client: a regular file at the path is a missing socket that is not a socket") {
  TempDir dir;
  const std::string path = dir.path() + "/regend.sock";
  std::ofstream(path) << "not a socket\n";
  const AdminResult result = call(path);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kSocketMissing);
  CHECK(result.error().detail == "is not a socket");
}

TEST_CASE("admin client: a path too long for sockaddr_un is a missing socket, not a crash") {
  const AdminResult result = call("/tmp/" + std::string(200, 'x') + ".sock");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kSocketMissing);
}

TEST_CASE("admin client: a stale socket file with no listener is not answering (refused)") {
  TempDir dir;
  const std::string path = dir.path() + "/stale.sock";
  const int fd = testing::listen_unix(path, 1);
  REQUIRE(fd >= 0);
  ::close(fd);  // the file stays, as after a daemon crash
  const AdminResult result = call(path);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "connection refused");
}

// The kernel checks search permission on the directory as a non-root user would see it; root
// bypasses it, so as root the attempt runs in a child that has dropped to nobody (65534).
TEST_CASE("admin client: a socket in a directory the user cannot enter is permission denied") {
  TempDir dir;
  const std::string locked = dir.path() + "/locked";
  REQUIRE(::mkdir(locked.c_str(), 0700) == 0);
  const std::string path = locked + "/admin.sock";
  const int fd = testing::listen_unix(path, 1);
  REQUIRE(fd >= 0);

  if (::geteuid() != 0) {
    REQUIRE(::chmod(locked.c_str(), 0) == 0);
    const AdminResult result = call(path);
    ::chmod(locked.c_str(), 0700);
    ::close(fd);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == AdminErrorKind::kPermissionDenied);
    return;
  }
  constexpr int kCannotDrop = 100;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) {
      ::_exit(kCannotDrop);
    }
    const AdminResult result = call(path);
    ::_exit(result.ok() ? 99 : static_cast<int>(result.error().kind));
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  ::close(fd);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == kCannotDrop) {
    WARN("skipped: running as root and cannot switch to uid 65534 to test EACCES");
    return;
  }
  CHECK(WEXITSTATUS(status) == static_cast<int>(AdminErrorKind::kPermissionDenied));
}

TEST_CASE("admin client: a peer that closes without replying is not answering") {
  FakeAdminPeer peer(PeerScript::kCloseWithoutReply);
  const AdminResult result = call(peer.socket_path());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "connection closed without a reply");
}

TEST_CASE("admin client: a peer that closes halfway through a line is not answering") {
  FakeAdminPeer peer(PeerScript::kReplyThenClose, R"({"ok":true,"da)");
  const AdminResult result = call(peer.socket_path());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "connection closed in the middle of a reply");
}

TEST_CASE("admin client: a peer that never replies is not answering once the timeout passes") {
  FakeAdminPeer peer(PeerScript::kNeverReply);
  const auto started = std::chrono::steady_clock::now();
  const AdminResult result = call(peer.socket_path());
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "no reply within 200ms");
  CHECK(waited >= 200ms);
  CHECK(waited < 5s);
}

TEST_CASE("admin client: a full listen backlog is not answering once the connect timeout passes") {
  TempDir dir;
  const std::string path = dir.path() + "/busy.sock";
  const int listener = testing::listen_unix(path, 0);
  REQUIRE(listener >= 0);
  // Nobody accepts: queue connections until the kernel refuses another without waiting.
  std::vector<int> queued;
  for (int i = 0; i < 8; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    queued.push_back(fd);
    if (rc != 0 && errno == EAGAIN) break;
  }
  const AdminResult result = call(path);
  for (int fd : queued) ::close(fd);
  ::close(listener);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "timed out connecting (listen backlog full)");
}

TEST_CASE("admin client: a reply line over the maximum length is not answering") {
  FakeAdminPeer peer(PeerScript::kReply, std::string(admin::kMaxLineBytes + 100, 'x') + "\n");
  const AdminResult result = call(peer.socket_path());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail == "reply longer than 65536 bytes");
}

TEST_CASE("admin client: a reply line of exactly the maximum length is accepted") {
  const std::string head = R"({"ok":true,"data":")";
  const std::string tail = R"("})";
  const std::string padding(admin::kMaxLineBytes - head.size() - tail.size(), 'x');
  FakeAdminPeer peer(PeerScript::kReply, head + padding + tail + "\n");
  const AdminResult result = call(peer.socket_path());
  REQUIRE(result.ok());
  CHECK(result.data().as_string().size() == padding.size());
}

TEST_CASE("admin client: a reply that is not protocol JSON is not answering") {
  FakeAdminPeer peer(PeerScript::kReply, "HTTP/1.1 400 Bad Request\n");
  const AdminResult result = call(peer.socket_path());
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == AdminErrorKind::kNotAnswering);
  CHECK(result.error().detail.rfind("invalid reply: ", 0) == 0);
}

TEST_CASE("admin client: timeouts read as seconds when whole, else milliseconds") {
  CHECK(format_timeout(5000ms) == "5s");
  CHECK(format_timeout(200ms) == "200ms");
  CHECK(format_timeout(70000ms) == "70s");
}

}  // namespace
}  // namespace regen::ctl
