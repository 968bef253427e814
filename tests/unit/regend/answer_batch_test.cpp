#include "regend/http/answer_batch.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "regend/http/server.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace regen::http {
namespace {

// A server whose handler keeps every Responder, so the test answers from its own thread, the
// way the group-commit writer does.
class HoldingServer {
 public:
  HoldingServer()
      : server_(1, Limits{}, [this](Request&, Responder responder) {
          std::lock_guard lock(mutex_);
          held_.push_back(std::move(responder));
          return std::string_view("/held");
        }) {
    REQUIRE(server_.listen(config::ListenAddress{"127.0.0.1", 0}).ok());
    server_.start();
    const std::string address = server_.listening_addresses().at(0);
    port_ = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  }
  ~HoldingServer() { server_.stop(); }

  uint16_t port() const { return port_; }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::vector<Responder> take() {
    std::lock_guard lock(mutex_);
    return std::move(held_);
  }

 private:
  std::mutex mutex_;
  std::vector<Responder> held_;
  Server server_;
  uint16_t port_ = 0;
};

// Sends `count` requests on their own connections, each from its own thread; collects statuses.
struct Clients {
  Clients(uint16_t port, int count) : statuses(count, 0) {
    for (int i = 0; i < count; ++i) {
      threads.emplace_back([this, port, i] {
        if (auto response = test::http_request(port, "GET", "/held"))
          statuses[i] = response->status;
      });
    }
  }
  void join() {
    for (std::thread& thread : threads) thread.join();
  }
  std::vector<int> statuses;
  std::vector<std::thread> threads;
};

}  // namespace

TEST_CASE("answer batch: answers sent inside a batch reach every client when it ends") {
  HoldingServer server;
  Clients clients(server.port(), 5);
  REQUIRE(test::wait_until([&] { return server.held() == 5; }));
  {
    AnswerBatch batch;
    AnswerBatch nested;  // joins the outer batch
    for (Responder& responder : server.take()) responder.send(Response::json(201, "{}"));
  }
  clients.join();
  CHECK(clients.statuses == std::vector<int>(5, 201));
}

TEST_CASE("answer batch: a responder dropped inside a batch still answers 500") {
  HoldingServer server;
  Clients clients(server.port(), 2);
  REQUIRE(test::wait_until([&] { return server.held() == 2; }));
  {
    AnswerBatch batch;
    std::vector<Responder> responders = server.take();
    responders[0].send(Response::json(200, "{}"));
    responders.clear();  // the second is abandoned
  }
  clients.join();
  std::vector<int> statuses = clients.statuses;
  std::sort(statuses.begin(), statuses.end());
  CHECK(statuses == std::vector<int>{200, 500});
}

TEST_CASE("answer batch: without a batch, answers from another thread are delivered at once") {
  HoldingServer server;
  Clients clients(server.port(), 3);
  REQUIRE(test::wait_until([&] { return server.held() == 3; }));
  for (Responder& responder : server.take()) responder.send(Response::json(202, "{}"));
  clients.join();
  CHECK(clients.statuses == std::vector<int>(3, 202));
}

}  // namespace regen::http
