#include "regend/ingest/sns_confirmer.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>

#include "common/result.h"

namespace regen::ingest {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxHostLength = 253;  // DNS limit; also bounds std::regex's recursion

// Where a SubscribeURL that passed the checks points.
struct Target {
  std::string host;  // lower-cased; what is resolved, sent as SNI and verified
  std::string port;
  std::string host_header;
  std::string path_and_query;
  bool ip_literal = false;
};

Error refusal(std::string reason) { return Error(ErrorCode::kInvalidArgument, std::move(reason)); }

Result<std::string> port_of(const urls::url_view& url) {
  // "https://host:/" has an empty port, which RFC 3986 says means the default.
  if (!url.has_port() || url.port().empty()) return std::string("443");
  // port_number() silently wraps values past 65535, so parse the digits ourselves.
  const std::string_view digits = url.port();
  unsigned long port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return refusal("port '" + std::string(digits) + "' is invalid");
  }
  return std::to_string(port);
}

Result<Target> parse_subscribe_url(std::string_view text, const std::regex& allowed_host) {
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return refusal("malformed URL");
  const urls::url_view& url = *parsed;
  if (url.scheme_id() != urls::scheme::https) return refusal("scheme is not https");
  if (url.has_userinfo()) return refusal("URL carries user info");
  const auto type = url.host_type();
  if (type != urls::host_type::name && type != urls::host_type::ipv4) {
    return refusal("host type is not supported");
  }
  // Refusing percent-encoded hosts keeps the host we match, log and connect to one string.
  std::string host(url.encoded_host());
  if (host.empty() || host.size() > kMaxHostLength || host.find('%') != std::string::npos) {
    return refusal("host '" + host + "' is not acceptable");
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!std::regex_match(host, allowed_host)) return refusal("host '" + host + "' is not allowed");
  auto port = port_of(url);
  if (!port) return port.error();

  Target target;
  target.host = host;
  target.port = std::move(port).value();
  target.host_header = target.port == "443" ? host : host + ":" + target.port;
  target.path_and_query = std::string(url.encoded_target());
  if (target.path_and_query.empty() || target.path_and_query.front() != '/') {
    target.path_and_query.insert(0, "/");
  }
  target.ip_literal = type == urls::host_type::ipv4;
  return target;
}

asio::ssl::context make_tls_context(const SnsConfirmerSettings& settings) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::error_code ec;
  if (settings.ca_file.empty()) {
    tls.set_default_verify_paths(ec);
  } else {
    tls.load_verify_file(settings.ca_file, ec);
  }
  if (ec) {
    throw std::invalid_argument("sns confirmer: cannot load CA certificates '" + settings.ca_file +
                                "': " + ec.message());
  }
  return tls;
}

std::regex make_host_pattern(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("sns confirmer: allowed_host_pattern '" + pattern +
                                "' is not a valid regex: " + e.what());
  }
}

// Shared by the fetch coroutine and its completion handler, so that an exchange abandoned
// at the deadline leaves nothing dangling.
struct Exchange {
  ConfirmationOutcome outcome;
  bool finished = false;
};

std::string failure(std::string_view step, const beast::error_code& ec) {
  return std::string(step) + ": " + ec.message();
}

// SNI, and the name the peer certificate must carry: OpenSSL's own check (rather than a verify
// callback) so that a mismatch is reported as one. RFC 6066 forbids IP literals as SNI.
bool bind_to_host(SSL* ssl, const Target& target) {
  if (target.ip_literal) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target.host.c_str()) == 1;
  }
  return SSL_set_tlsext_host_name(ssl, target.host.c_str()) == 1 &&
         SSL_set1_host(ssl, target.host.c_str()) == 1;
}

// OpenSSL's handshake error can name an inner library ("EVP lib") rather than the
// certificate problem; the verification result says what was wrong with the certificate.
std::string verify_detail(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return {};
  return std::string("; certificate: ") + X509_verify_cert_error_string(result);
}

asio::awaitable<void> fetch(asio::ssl::context& tls, Target target,
                            std::shared_ptr<Exchange> exchange) {
  ConfirmationOutcome& out = exchange->outcome;
  const auto executor = co_await asio::this_coro::executor;
  beast::error_code ec;
  auto on_error = asio::redirect_error(asio::use_awaitable, ec);

  tcp::resolver resolver(executor);
  const auto endpoints = co_await resolver.async_resolve(target.host, target.port, on_error);
  if (ec) {
    out.error = failure("resolve " + target.host, ec);
    co_return;
  }

  beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
  if (!bind_to_host(stream.native_handle(), target)) {
    out.error = "cannot set the TLS host name";
    co_return;
  }
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, on_error);
  if (ec) {
    out.error = failure("connect", ec);
    co_return;
  }
  co_await stream.async_handshake(asio::ssl::stream_base::client, on_error);
  if (ec) {
    out.error = failure("TLS handshake", ec) + verify_detail(stream.native_handle());
    co_return;
  }

  http::request<http::empty_body> request{http::verb::get, target.path_and_query, 11};
  request.set(http::field::host, target.host_header);
  request.set(http::field::user_agent, "regend");
  request.set(http::field::connection, "close");
  co_await http::async_write(stream, request, on_error);
  if (ec) {
    out.error = failure("send request", ec);
    co_return;
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(SnsConfirmer::kMaxResponseBody);
  co_await http::async_read(stream, buffer, parser, on_error);
  if (parser.is_header_done()) out.http_status = parser.get().result_int();
  if (ec) {
    out.error = failure("read response", ec);
    co_return;
  }
  // Redirects are deliberately not followed: a 3xx is an unconfirmed outcome like any other.
  out.confirmed = out.http_status == 200;
  // No TLS close_notify exchange: the outcome is known, and a slow peer must not hold us.
}

void log_outcome(const std::string& topic_arn, const ConfirmationOutcome& outcome) {
  if (outcome.confirmed) {
    spdlog::info("SNS subscription to {} confirmed", topic_arn);
  } else if (outcome.error.empty()) {
    spdlog::warn("SNS subscription to {} not confirmed: HTTP {}", topic_arn, outcome.http_status);
  } else {
    spdlog::warn("SNS subscription to {} not confirmed: {}", topic_arn, outcome.error);
  }
}

}  // namespace

struct SnsConfirmer::State {
  struct Pending {
    Target target;
    std::string topic_arn;
    std::function<void(ConfirmationOutcome)> done;
  };

  explicit State(SnsConfirmerSettings confirmer_settings)
      : settings(std::move(confirmer_settings)),
        host_pattern(make_host_pattern(settings.allowed_host_pattern)),
        tls(make_tls_context(settings)) {}

  void run();
  ConfirmationOutcome fetch_within_timeout(asio::io_context& io, const Target& target);

  const SnsConfirmerSettings settings;
  const std::regex host_pattern;
  asio::ssl::context tls;  // worker thread only after start()

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Pending> queue;
  bool stopping = false;
  asio::io_context* current_io = nullptr;  // the in-flight exchange's, for the destructor
  std::thread thread;
};

void SnsConfirmer::State::run() {
  while (true) {
    asio::io_context io;
    Pending job;
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [this] { return stopping || !queue.empty(); });
      if (stopping) return;
      job = std::move(queue.front());
      queue.pop_front();
      // Published under the lock the destructor takes, so its stop() cannot slip in between
      // this check and run_for() below and be missed.
      current_io = &io;
    }
    ConfirmationOutcome outcome = fetch_within_timeout(io, job.target);
    {
      std::lock_guard lock(mutex);
      current_io = nullptr;
      if (stopping) return;
    }
    log_outcome(job.topic_arn, outcome);
    if (job.done) job.done(std::move(outcome));
  }
}

ConfirmationOutcome SnsConfirmer::State::fetch_within_timeout(asio::io_context& io,
                                                              const Target& target) {
  auto shared = std::make_shared<Exchange>();
  asio::co_spawn(io, fetch(tls, target, shared), [shared](std::exception_ptr thrown) {
    shared->finished = true;
    if (!thrown) return;
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      shared->outcome = ConfirmationOutcome{false, 0, e.what()};
    }
  });
  // One deadline for the whole exchange: whatever is still pending when it passes is
  // destroyed with `io` (closing the socket) by the caller.
  io.run_for(settings.timeout);
  if (!shared->finished) {
    return ConfirmationOutcome{
        false, 0, "timed out after " + std::to_string(settings.timeout.count()) + " ms"};
  }
  return shared->outcome;
}

SnsConfirmer::SnsConfirmer(SnsConfirmerSettings settings) {
  if (settings.timeout.count() <= 0) {
    throw std::invalid_argument("sns confirmer: timeout must be positive");
  }
  state_ = std::make_unique<State>(std::move(settings));
}

SnsConfirmer::~SnsConfirmer() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    if (state_->current_io != nullptr) state_->current_io->stop();
  }
  state_->wake.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
}

void SnsConfirmer::start() {
  state_->thread = std::thread([state = state_.get()] {
    pthread_setname_np(pthread_self(), "regend-sns");
    state->run();
  });
}

bool SnsConfirmer::confirm(const SubscriptionConfirmation& confirmation,
                           std::function<void(ConfirmationOutcome)> done) {
  auto target = parse_subscribe_url(confirmation.subscribe_url, state_->host_pattern);
  if (!target) {
    spdlog::warn("not confirming SNS subscription to {}: {}", confirmation.topic_arn,
                 target.error().message);
    return false;
  }
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->stopping && state_->queue.size() < kMaxPendingConfirmations) {
      state_->queue.push_back(
          State::Pending{std::move(target).value(), confirmation.topic_arn, std::move(done)});
      state_->wake.notify_one();
      return true;
    }
  }
  spdlog::warn("not confirming SNS subscription to {}: {} confirmations already pending",
               confirmation.topic_arn, kMaxPendingConfirmations);
  return false;
}

std::optional<std::string> SnsConfirmer::refuse_reason(std::string_view url) const {
  auto target = parse_subscribe_url(url, state_->host_pattern);
  if (target) return std::nullopt;
  return target.error().message;
}

}  // namespace regen::ingest
