#pragma once
// What worker.cpp (scheduling: users, iterations, timers, arrivals) and worker_io.cpp (one
// request's connection, write and read) share about a virtual user. Private to the worker.

#include <string>

#include "regenctl/bench/worker.h"

namespace regen::ctl::bench {

// strerror in lower case, as regenctl's messages are: "connection refused".
std::string error_text(int error);

struct Worker::Vu {
  enum class State {
    kInactive,  // not running (not yet wanted, ramped down, or the run is over)
    kBusy,      // in an iteration: a request is in flight
    kWaiting,   // thinking, or backing off after a failure: a timer is pending
    kIdleSlot,  // open model: connected and free for the next arrival
  };

  uint32_t local = 0;
  int64_t id = 0;
  State state = State::kInactive;
  int64_t iter = -1;
  int64_t seq = 0;
  std::size_t step = 0;
  int64_t origin_ns = -1;  // open model: the iteration's scheduled start
  uint32_t timer_generation = 0;
  std::vector<std::optional<std::string>> extracted;

  int fd = -1;
  uint32_t connection_generation = 0;
  bool connecting = false;
  bool in_flight = false;
  bool write_queued = false;  // in writes_due_, to be written before the loop waits again
  bool retried = false;
  int responses_on_connection = 0;
  std::string out;
  const char* out_data = nullptr;
  std::size_t out_size = 0;
  std::size_t out_sent = 0;
  std::vector<char> in;
  std::size_t in_length = 0;
  ResponseParser parser;
  int64_t sent_ns = 0;
  int64_t deadline_ns = 0;
};

}  // namespace regen::ctl::bench
