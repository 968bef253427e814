#pragma once
// Confirms AWS SNS subscriptions by fetching the SubscribeURL of a SubscriptionConfirmation —
// only when the operator enabled it. The URL arrives in an unauthenticated request, so the
// fetch is fenced in: https only, the host must fully match an allow-list pattern, the peer
// certificate is verified against the host name (TLS 1.2+), redirects are not followed, the
// whole exchange is bounded by a timeout and the response body by 64 KiB.
//
// Fetches never run on an io thread: the confirmer owns one worker thread with its own
// io_context, fed by a bounded queue (kMaxPendingConfirmations; past it, confirm() refuses).
// Outcomes are logged: "SNS subscription to <topic_arn> confirmed" on HTTP 200, else a warning.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "regend/ingest/provider.h"

namespace regen::ingest {

struct SnsConfirmerSettings {
  // ECMAScript regex the URL's host (lower-cased) must match in full.
  std::string allowed_host_pattern = R"(^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$)";
  std::string ca_file;  // PEM bundle to verify the peer; empty: system default verify paths
  std::chrono::milliseconds timeout{10000};  // resolve + connect + TLS + request + response
};

struct ConfirmationOutcome {
  bool confirmed = false;    // HTTP 200
  unsigned http_status = 0;  // 0 when no response was read
  std::string error;         // empty when a response was read; else what failed
};

class SnsConfirmer {
 public:
  static constexpr std::size_t kMaxPendingConfirmations = 16;
  static constexpr std::size_t kMaxResponseBody = 64 * 1024;

  // Throws std::invalid_argument on a bad host pattern or an unreadable CA file (start-up
  // config errors).
  explicit SnsConfirmer(SnsConfirmerSettings settings);
  // Stops the worker thread: an in-flight fetch is cut short, pending confirmations are
  // abandoned and their `done` callbacks never run.
  ~SnsConfirmer();

  SnsConfirmer(const SnsConfirmer&) = delete;
  SnsConfirmer& operator=(const SnsConfirmer&) = delete;

  // Starts the worker thread. REQUIRES: called at most once. Confirmations queued before it
  // wait for it.
  void start();

  // Queues a confirmation. Returns false, logging a warning and without calling `done`, when
  // the URL is refused (see refuse_reason) or the queue is full. `done`, if set, runs on the
  // confirmer thread with the outcome, after it is logged, and must not throw. Any thread.
  bool confirm(const SubscriptionConfirmation& confirmation,
               std::function<void(ConfirmationOutcome)> done = nullptr);

  // The check confirm() applies to a SubscribeURL: nullopt when acceptable, else the reason
  // (naming the host when the host is the problem). Pure; any thread.
  std::optional<std::string> refuse_reason(std::string_view url) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace regen::ingest
