#include "regend/server/daemon.h"

#include <sched.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "common/logging.h"
#include "common/metrics.h"
#include "common/version.h"
#include "regend/admin/admin_server.h"
#include "regend/admin/bench_commands.h"
#include "regend/admin/commands.h"
#include "regend/admin/token_commands.h"
#include "regend/api/routes.h"
#include "regend/http/answer_batch.h"
#include "regend/http/server.h"
#include "regend/ingest/provider_registry.h"
#include "regend/ingest/sns_confirmer.h"
#include "regend/ingest/writer_pool.h"
#include "regend/middleware/access_log.h"
#include "regend/middleware/client_address.h"
#include "regend/middleware/webhook_auth.h"
#include "regend/ratelimit/request_limiter.h"
#include "regend/router/router.h"
#include "regend/server/daemon_gauges.h"
#include "regend/server/http_metrics.h"
#include "regend/server/systemd.h"
#include "regend/storage/open_store.h"
#include "regend/storage/store_executor.h"
#include "regend/storage/store_monitor.h"

namespace regen::server {
namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// After drain_timeout the remaining connections are cancelled; this is how long they get to
// unwind before the daemon exits regardless.
constexpr auto kForcedCloseGrace = std::chrono::seconds(2);
// How often the store is pinged for status; short enough that an outage shows within seconds.
constexpr auto kStorePingInterval = std::chrono::milliseconds(1000);
// API requests and token commands: enough threads for concurrent reads (SQLite's reader pool
// and PostgreSQL's connection pool both serve several at once); past the queue: 503.
constexpr std::size_t kStoreExecutorThreads = 4;
constexpr std::size_t kStoreExecutorQueue = 1024;
// Threads besides the writers and the executor that run store transactions: the store
// monitor's ping, and one spare for token checks and admin commands.
constexpr std::size_t kOtherStoreCallers = 2;
// /ready fails when the store's last answer is older than this: a ping hung on an unreachable
// database reports nothing by itself.
constexpr auto kReadyMaxPingAge = 3 * kStorePingInterval;
// How often refilled rate-limit buckets are swept (take() also drops them lazily).
constexpr auto kRateLimitSweepInterval = std::chrono::seconds(10);

domain::Timestamp wall_clock() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// 0: one io thread per CPU this process may run on. Its affinity (taskset, systemd's
// CPUAffinity=, a cgroup cpuset), not the machine's core count: io threads beyond the cores
// they can use only take turns on them, with a context switch each time.
unsigned resolve_io_threads(unsigned configured) {
  if (configured != 0) return configured;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    return std::max(1, CPU_COUNT(&cpus));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string format_utc(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

ingest::ProviderSettings provider_settings(const config::Config& config) {
  ingest::ProviderSettings settings;
  settings.limits.max_alerts = config.webhooks.max_alerts_per_request;
  settings.limits.max_title = config.webhooks.max_title_length;
  settings.limits.max_description = config.webhooks.max_description_length;
  settings.grafana_hmac_secret = config.webhooks.grafana_hmac_secret;
  settings.generic_hmac_secret = config.webhooks.generic_hmac_secret;
  return settings;
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined.empty() ? "none" : joined;
}

}  // namespace

class Daemon::Impl {
 public:
  Impl(admin::DaemonControl& owner, config::Config config, config::ConfigSources sources)
      : owner_(owner),
        config_(std::move(config)),
        started_config_(config_),
        sources_(std::move(sources)),
        signals_(control_, SIGTERM, SIGINT, SIGHUP) {}

  Status start();
  int run();
  json::object status() const;
  json::object storage_status() const;
  void drain(std::optional<std::chrono::milliseconds> timeout,
             std::function<void(const admin::DrainReport&)> done);
  Result<admin::ReloadReport> reload();

  admin::CommandRegistry registry_;

 private:
  void watch_signals();
  void on_signal(int signal_number);
  void begin_drain(std::chrono::milliseconds limit);
  void on_drain_timeout();
  void sweep_rate_limits();
  void register_store_metrics();
  void finish_drain();
  void watchdog_tick();
  Status open_listeners();

  admin::DaemonControl& owner_;  // the Daemon, as the admin commands see it
  config::Config config_;
  const config::Config started_config_;  // what restart-only keys are running with
  const config::ConfigSources sources_;
  const Clock::time_point started_ = Clock::now();
  const std::chrono::system_clock::time_point started_wall_ = std::chrono::system_clock::now();

  asio::io_context control_{1};
  asio::signal_set signals_;  // constructed before any io thread exists: no signal is missed
  // Declared before everything that holds references to its children (writer, server).
  metrics::Registry metrics_;
  metrics::Histogram* commit_duration_ = nullptr;
  metrics::Histogram* batch_size_ = nullptr;
  std::unique_ptr<HttpMetrics> http_metrics_;
  std::unique_ptr<api::WebhookMetrics> webhook_metrics_;
  std::unique_ptr<ratelimit::RequestLimiter> limiter_;
  std::atomic<bool> not_ready_{false};  // /ready's draining check: set when a drain begins
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::StoreMonitor> store_monitor_;
  std::unique_ptr<ingest::ProviderRegistry> providers_;
  std::unique_ptr<ingest::WriterPool> writers_;
  std::unique_ptr<storage::StoreExecutor> executor_;  // API and token commands' store work
  std::unique_ptr<api::TokenAuthenticator> authenticator_;
  std::unique_ptr<middleware::WebhookSecrets> webhook_secrets_;
  std::unique_ptr<middleware::ClientAddressResolver> client_resolver_;
  std::unique_ptr<ingest::SnsConfirmer> sns_confirmer_;
  router::Router router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<admin::AdminServer> admin_;

  bool draining_ = false;
  bool drain_finished_ = false;
  bool drain_timed_out_ = false;
  Clock::time_point drain_started_;
  uint64_t drain_open_at_start_ = 0;
  std::vector<std::function<void(const admin::DrainReport&)>> drain_waiters_;
  asio::steady_timer drain_timer_{control_};
  asio::steady_timer grace_timer_{control_};
  asio::steady_timer sweep_timer_{control_};

  bool socket_activated_ = false;  // listening on sockets systemd passed in
  std::optional<std::chrono::microseconds> watchdog_;
  asio::steady_timer watchdog_timer_{control_};
  bool watchdog_ping_pending_ = false;
};

// Sockets passed in by systemd (regend.socket) win over server.listen: the supervisor holds
// them across restarts, which is what makes a restart drop nothing (docs/OPERATIONS.md).
Status Daemon::Impl::open_listeners() {
  std::vector<int> inherited = systemd::inherited_sockets();
  if (inherited.empty()) return server_->listen(config_.server.listen);
  for (int fd : inherited) {
    if (Status adopted = server_->adopt(fd); !adopted) return adopted;
  }
  socket_activated_ = true;
  spdlog::info("using {} listening socket(s) passed in by systemd; server.listen ({}) is not used",
               inherited.size(), config_.server.listen.to_string());
  return {};
}

Status Daemon::Impl::start() {
  // The data directory is created by what lives in it: the SQLite store and the admin socket.
  // SQLite has one write connection: more writers would only queue on its lock.
  const std::size_t writers =
      config_.storage.database_url.empty() ? 1 : config_.storage.postgres_writers;
  Result<std::unique_ptr<storage::Store>> store =
      storage::open_store(config_, writers + kStoreExecutorThreads + kOtherStoreCallers);
  if (!store) return store.error();
  store_ = std::move(store.value());
  if (Status migrated = store_->migrate(); !migrated) return migrated;
  store_monitor_ = std::make_unique<storage::StoreMonitor>(*store_, kStorePingInterval);
  store_monitor_->start();
  register_store_metrics();
  const ingest::ProviderSettings settings = provider_settings(config_);
  providers_ = std::make_unique<ingest::ProviderRegistry>(settings);
  writers_ = std::make_unique<ingest::WriterPool>(
      *store_, writers,
      ingest::WriterSettings{.max_queued_requests = config_.storage.write_queue,
                             .max_batch_alerts = config_.storage.max_batch_alerts,
                             .ingestion = {.auto_resolve = config_.incidents.auto_resolve},
                             .on_commit =
                                 [this](Clock::duration elapsed, std::size_t requests) {
                                   commit_duration_->observe(
                                       std::chrono::duration<double>(elapsed).count());
                                   batch_size_->observe(static_cast<double>(requests));
                                 },
                             .around_completions =
                                 [](const std::function<void()>& complete_all) {
                                   // One hand-off per io thread for the whole batch.
                                   http::AnswerBatch answers;
                                   complete_all();
                                 }},
      wall_clock);
  writers_->start();
  if (config_.webhooks.sns_confirm_subscriptions) {
    ingest::SnsConfirmerSettings sns;
    sns.allowed_host_pattern = config_.webhooks.sns_confirm_host_pattern;
    sns.ca_file = config_.webhooks.sns_ca_file;
    try {
      sns_confirmer_ = std::make_unique<ingest::SnsConfirmer>(sns);
    } catch (const std::invalid_argument& e) {
      return Error{ErrorCode::kInvalidArgument, std::string("webhooks.sns_*: ") + e.what()};
    }
    sns_confirmer_->start();
  }
  executor_ = std::make_unique<storage::StoreExecutor>(kStoreExecutorThreads, kStoreExecutorQueue);
  authenticator_ = std::make_unique<api::TokenAuthenticator>(
      *store_, api::TokenAuthenticator::Settings{}, wall_clock);
  api::RouteContext routes;
  routes.started = started_;
  routes.providers = providers_.get();
  routes.writers = writers_.get();
  routes.limits = settings.limits;
  routes.sns_confirmer = sns_confirmer_.get();
  webhook_secrets_ = std::make_unique<middleware::WebhookSecrets>(config_.webhooks);
  routes.webhook_secrets = webhook_secrets_.get();
  routes.api.store = store_.get();
  routes.api.executor = executor_.get();
  routes.api.authenticator = authenticator_.get();
  routes.api.clock = wall_clock;
  limiter_ = std::make_unique<ratelimit::RequestLimiter>(config_.rate_limit, metrics_);
  webhook_metrics_ = std::make_unique<api::WebhookMetrics>(metrics_);
  routes.api.limiter = limiter_.get();
  routes.limiter = limiter_.get();
  routes.webhook_metrics = webhook_metrics_.get();
  routes.registry = &metrics_;
  routes.readiness = api::ReadinessSources{.store = store_monitor_.get(),
                                           .backend = std::string(store_->backend()),
                                           .max_ping_age = kReadyMaxPingAge,
                                           .draining = &not_ready_};
  api::register_routes(router_, routes);
  http_metrics_ = std::make_unique<HttpMetrics>(metrics_);
  client_resolver_ =
      std::make_unique<middleware::ClientAddressResolver>(config_.server.trusted_proxies);
  server_ = std::make_unique<http::Server>(
      resolve_io_threads(config_.server.io_threads), http::Limits::from(config_.server),
      [this](http::Request& request, http::Responder responder) {
        request.client_address = client_resolver_->resolve_known(
            request.peer_address, request.header_list("X-Forwarded-For"));
        return router_.dispatch(request, std::move(responder));
      },
      http_metrics_.get());
  add_daemon_gauges(metrics_, GaugeSources{.http = &server_->stats(),
                                           .writers = writers_.get(),
                                           .store = store_monitor_.get(),
                                           .limiter = limiter_.get()});
  if (Status listening = open_listeners(); !listening) return listening;
  admin::register_commands(registry_, owner_);
  admin::TokenCommandContext tokens;
  tokens.store = store_.get();
  tokens.executor = executor_.get();
  tokens.clock = wall_clock;
  tokens.on_revoked = [this] { authenticator_->forget_all(); };
  admin::register_token_commands(registry_, std::move(tokens));
  admin::register_bench_commands(
      registry_, admin::BenchCommandContext{
                     .store = store_.get(), .executor = executor_.get(), .clock = wall_clock});
  admin_ = std::make_unique<admin::AdminServer>(control_, registry_);
  if (Status admin = admin_->listen(config_.admin_socket_path()); !admin) return admin;
  return {};
}

int Daemon::Impl::run() {
  server_->start();
  admin_->start();
  watch_signals();
  watchdog_ = systemd::watchdog_interval();
  if (watchdog_) watchdog_tick();
  sweep_rate_limits();
  std::string listeners = join(server_->listening_addresses());
  spdlog::info("regend {} serving HTTP on {} with {} io threads; admin socket {}", kVersion,
               listeners, server_->io_threads(), admin_->path());
  systemd::notify("READY=1\nSTATUS=Serving on " + listeners);
  control_.run();
  // The writers finish what they have queued (and answer those requests) while the io threads
  // can still deliver the answers; only then do the io threads stop.
  writers_->stop();
  executor_->stop();
  server_->stop();
  spdlog::info("regend stopped");
  logging::flush();
  return 0;
}

void Daemon::Impl::watch_signals() {
  signals_.async_wait([this](boost::system::error_code ec, int signal_number) {
    if (ec) return;
    on_signal(signal_number);
    watch_signals();
  });
}

void Daemon::Impl::on_signal(int signal_number) {
  if (signal_number == SIGHUP) {
    spdlog::info("SIGHUP: reloading configuration");
    Result<admin::ReloadReport> result = reload();
    if (!result)
      spdlog::error("reload failed, configuration unchanged: {}", result.error().message);
    return;
  }
  const char* name = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  if (draining_) {
    spdlog::warn("{} during drain: exiting now with {} connection(s) open", name,
                 server_->stats().open_connections.load());
    logging::flush();
    std::_Exit(128 + signal_number);
  }
  spdlog::info("{}: draining (a second signal exits at once)", name);
  drain(std::nullopt, [](const admin::DrainReport&) {});
}

void Daemon::Impl::drain(std::optional<std::chrono::milliseconds> timeout,
                         std::function<void(const admin::DrainReport&)> done) {
  drain_waiters_.push_back(std::move(done));
  if (draining_) return;  // join the drain under way
  draining_ = true;
  // Readiness fails first; accepting stops only after the grace, so a load balancer polling
  // /ready stops sending before connections would be refused.
  not_ready_.store(true);
  const std::chrono::milliseconds limit = timeout.value_or(config_.server.drain_timeout);
  const std::chrono::milliseconds grace = config_.server.drain_grace;
  if (grace.count() == 0) return begin_drain(limit);
  spdlog::info("draining: /ready answers 503; drain grace {} before accepting stops",
               config::format_duration(grace));
  systemd::notify("STOPPING=1\nSTATUS=Drain grace: readiness 503 for " +
                  config::format_duration(grace));
  grace_timer_.expires_after(grace);
  grace_timer_.async_wait([this, limit](boost::system::error_code ec) {
    if (!ec) begin_drain(limit);
  });
}

void Daemon::Impl::begin_drain(std::chrono::milliseconds limit) {
  drain_started_ = Clock::now();
  const http::ServerStats& stats = server_->stats();
  drain_open_at_start_ = stats.open_connections.load();
  spdlog::info("draining: {} connection(s) open, {} request(s) in flight, timeout {}",
               drain_open_at_start_, stats.in_flight_requests.load(),
               config::format_duration(limit));
  systemd::notify("STOPPING=1\nSTATUS=Draining " + std::to_string(drain_open_at_start_) +
                  " connection(s)");
  drain_timer_.expires_after(limit);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_drain_timeout();
  });
  server_->begin_drain([this] { asio::post(control_, [this] { finish_drain(); }); });
}

void Daemon::Impl::on_drain_timeout() {
  if (drain_finished_) return;
  drain_timed_out_ = true;
  spdlog::warn("drain timeout: closing {} connection(s) still open",
               server_->stats().open_connections.load());
  server_->close_all();
  drain_timer_.expires_after(kForcedCloseGrace);
  drain_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) finish_drain();
  });
}

void Daemon::Impl::finish_drain() {
  if (drain_finished_) return;
  drain_finished_ = true;
  drain_timer_.cancel();
  watchdog_timer_.cancel();
  sweep_timer_.cancel();
  const http::ServerStats& stats = server_->stats();
  admin::DrainReport report;
  report.timed_out = drain_timed_out_;
  report.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - drain_started_);
  report.connections_at_start = drain_open_at_start_;
  report.idle_closed = stats.drain_idle_closed.load();
  report.requests_completed = stats.drain_requests_completed.load();
  report.connections_forced = stats.drain_forced.load();
  spdlog::info("{} in {} ms: {} request(s) completed, {} idle connection(s) closed, {} forced",
               report.timed_out ? "drain timed out" : "drained", report.duration.count(),
               report.requests_completed, report.idle_closed, report.connections_forced);
  systemd::notify_status("Drained; exiting");
  for (auto& waiter : drain_waiters_) waiter(report);
  drain_waiters_.clear();
  signals_.cancel();
  // The admin server writes the drain replies before it closes; then the control loop ends.
  admin_->stop([this] { control_.stop(); });
}

Result<admin::ReloadReport> Daemon::Impl::reload() {
  systemd::notify("RELOADING=1");
  config::LoadResult loaded = config::load(sources_);
  if (!loaded.ok()) {
    std::string message = std::to_string(loaded.errors.size()) + " configuration error(s): ";
    for (std::size_t i = 0; i < loaded.errors.size(); ++i) {
      message += (i == 0 ? "" : "; ") + loaded.errors[i].to_string();
    }
    systemd::notify("READY=1\nSTATUS=Reload failed; running configuration unchanged");
    return Error{ErrorCode::kInvalidArgument, message};
  }
  // Reloadable keys are compared with the running configuration; restart-only keys with the
  // one the daemon started with, so a changed listen address is reported on every reload
  // until a restart, not only on the first. Only reloadable values are read after start-up,
  // so adopting the whole new config is safe.
  std::vector<std::string> applied = config::diff(config_, loaded.config).reloadable;
  std::vector<std::string> needs_restart =
      config::diff(started_config_, loaded.config).needs_restart;
  config_ = std::move(loaded.config);
  server_->apply_limits(http::Limits::from(config_.server));
  limiter_->apply(config_.rate_limit);
  logging::set_level(*logging::parse_level(config_.log.level));
  middleware::set_access_log_enabled(config_.log.access_log);
  for (const std::string& key : needs_restart) {
    spdlog::warn("reload: {} changed but needs a restart to take effect", key);
  }
  spdlog::info("reload: applied {}", join(applied));
  systemd::notify("READY=1\nSTATUS=Serving; configuration reloaded");
  return admin::ReloadReport{sources_.file.value_or(""), std::move(applied),
                             std::move(needs_restart)};
}

void Daemon::Impl::watchdog_tick() {
  if (!watchdog_ping_pending_) {
    systemd::notify("WATCHDOG=1");
    watchdog_ping_pending_ = true;
    server_->ping_io_threads(
        [this] { asio::post(control_, [this] { watchdog_ping_pending_ = false; }); });
  } else {
    spdlog::warn(
        "io threads did not answer within half the watchdog interval; withholding "
        "WATCHDOG=1");
  }
  watchdog_timer_.expires_after(*watchdog_ / 2);
  watchdog_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watchdog_tick();
  });
}

void Daemon::Impl::sweep_rate_limits() {
  limiter_->expire();
  sweep_timer_.expires_after(kRateLimitSweepInterval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) sweep_rate_limits();
  });
}

void Daemon::Impl::register_store_metrics() {
  commit_duration_ = &metrics_
                          .histogram("regen_store_commit_duration_seconds",
                                     "Time to run and commit one group-commit transaction, "
                                     "retries included.",
                                     {}, metrics::default_duration_buckets())
                          .with(std::span<const std::string_view>{});
  batch_size_ =
      &metrics_
           .histogram("regen_store_batch_size", "Webhook requests committed in one transaction.",
                      {}, {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000})
           .with(std::span<const std::string_view>{});
}

json::object Daemon::Impl::storage_status() const {
  storage::StoreHealth health = store_monitor_->health();
  return json::object{{"backend", store_->backend()},
                      {"location", store_->location()},
                      {"state", health.up ? "up" : "down"},
                      {"error", health.up ? json::value(nullptr) : json::value(health.error)},
                      {"writers", writers_->size()},
                      {"write_queue", writers_->queue_depth()},
                      {"batches", writers_->batches()}};
}

json::object Daemon::Impl::status() const {
  const http::ServerStats& stats = server_->stats();
  json::array listeners;
  for (const std::string& address : server_->listening_addresses()) {
    listeners.push_back(json::object{
        {"kind", "http"}, {"address", address}, {"socket_activated", socket_activated_}});
  }
  listeners.push_back(json::object{{"kind", "admin"}, {"address", admin_->path()}});
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_);
  return json::object{
      {"version", kVersion},
      {"pid", static_cast<int64_t>(::getpid())},
      {"uptime_s", static_cast<int64_t>(uptime.count())},
      {"started_at", format_utc(started_wall_)},
      {"config_file", sources_.file ? json::value(*sources_.file) : json::value(nullptr)},
      {"io_threads", server_->io_threads()},
      {"listeners", std::move(listeners)},
      {"connections", json::object{{"open", stats.open_connections.load()},
                                   {"max", config_.server.max_connections},
                                   {"accepted_total", stats.connections_accepted.load()},
                                   {"rejected_total", stats.connections_rejected.load()}}},
      {"requests", json::object{{"in_flight", stats.in_flight_requests.load()},
                                {"total", stats.requests_total.load()}}},
      {"draining", draining_},
      {"drain_timeout_ms", static_cast<int64_t>(config_.server.drain_timeout.count())},
      {"drain_grace_ms", static_cast<int64_t>(config_.server.drain_grace.count())},
      // The store arrives with ingestion; until then the file is named but not opened.
      {"storage", storage_status()},
  };
}

Daemon::Daemon(config::Config config, config::ConfigSources sources)
    : impl_(std::make_unique<Impl>(*this, std::move(config), std::move(sources))) {}
Daemon::~Daemon() = default;
Status Daemon::start() { return impl_->start(); }
int Daemon::run() { return impl_->run(); }
json::object Daemon::status() const { return impl_->status(); }
void Daemon::drain(std::optional<std::chrono::milliseconds> timeout,
                   std::function<void(const admin::DrainReport&)> done) {
  impl_->drain(timeout, std::move(done));
}
Result<admin::ReloadReport> Daemon::reload() { return impl_->reload(); }

}  // namespace regen::server
