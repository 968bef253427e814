#pragma once
// A webhook source: turns one request's bytes into normalized alerts, or an Error naming the
// field that is wrong. Providers are pure functions of (body, headers, limits): no I/O, no
// storage, callable on any thread. A request is all-or-nothing: any invalid alert rejects it.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "regend/domain/alert.h"

namespace regen::ingest {

// Bounds on what one request may carry; past them the request is rejected (400) with the field
// and the limit. Lengths count Unicode code points, not bytes.
struct IngestLimits {
  std::size_t max_alerts = 1000;
  std::size_t max_title = 500;
  std::size_t max_description = 10000;
  std::size_t max_external_id = 255;
  std::size_t max_labels = 64;  // per alert, labels and annotations each
  std::size_t max_label_key = 128;
  std::size_t max_label_value = 4096;
};

struct WebhookRequest {
  std::string_view body;
  // Case-insensitive header lookup; empty when absent.
  std::function<std::string_view(std::string_view)> header;
};

// An SNS SubscriptionConfirmation: answered 200 and logged; confirming is the operator's choice.
struct SubscriptionConfirmation {
  std::string topic_arn;
  std::string subscribe_url;
};

struct ParsedWebhook {
  std::vector<domain::NormalizedAlert> alerts;
  // A sender's id for the whole delivery (SNS MessageId): a delivery already applied is not
  // applied again.
  std::optional<std::string> delivery_id;
  std::optional<SubscriptionConfirmation> confirmation;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view source() const = 0;  // "prometheus", also the URL segment
  // kInvalidArgument (400, with field/limit) for bad input; kUnauthorized (401) when a
  // configured signature or secret does not match. Any thread.
  virtual Result<ParsedWebhook> parse(const WebhookRequest& request) const = 0;
};

}  // namespace regen::ingest
