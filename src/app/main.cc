// switchboard: parse flags, load config, start the workers, wait for SIGTERM, drain, exit.

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/heap.h"
#include "app/options.h"
#include "common/log.h"
#include "common/memory_trim.h"
#include "config/credentials.h"
#include "config/loader.h"
#include "http/auth.h"
#include "http/handlers.h"
#include "http/server.h"
#include "metrics/gateway_metrics.h"
#include "observability/observability.h"
#include "observability/stats.h"
#include "providers/provider.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace {

using namespace sb;

// Every credential location the config can ask for, defaults made explicit, so the store reads
// secret and dotenv files once, at startup.
std::vector<config::CredentialLocation> wanted_credentials(const config::Config& cfg) {
  std::vector<config::CredentialLocation> out;
  auto add = [&out](const config::ModelConfig& m) {
    for (const auto& p : m.providers) {
      auto loc = p.api_key;
      if (loc.kind == config::CredentialLocation::Kind::kDefault) {
        const auto* d = providers::find_descriptor(p.type);
        if (d == nullptr || d->default_key_env.empty()) continue;
        loc = {.kind = config::CredentialLocation::Kind::kEnv,
               .name = std::string(d->default_key_env)};
      }
      out.push_back(loc);
    }
  };
  for (const auto& [_, m] : cfg.models) add(m);
  for (const auto& [_, m] : cfg.embedding_models) add(m);
  // Shorthand models (openai::gpt-4o) use the type defaults.
  for (const auto& d : providers::descriptors()) {
    if (!d.default_key_env.empty()) {
      out.push_back(
          {.kind = config::CredentialLocation::Kind::kEnv, .name = std::string(d.default_key_env)});
    }
  }
  // Client API keys (spec §9.1).
  out.insert(out.end(), cfg.gateway.auth.keys.begin(), cfg.gateway.auth.keys.end());
  out.push_back({.kind = config::CredentialLocation::Kind::kEnv, .name = "TENSORZERO_API_KEY"});
  return out;
}

// Gauges read at scrape: the server's counts, circuit breakers, the observability pipeline,
// dropped log lines.
void register_gauges(metrics::Registry& registry, const http::Server& server,
                     const routing::Runtime& runtime) {
  const auto& obs = observability::stats();
  metrics::register_observability_gauges(
      registry,
      {.queue_depth = [&obs] { return double(obs.queue_depth.load(std::memory_order_relaxed)); },
       .spool_bytes = [&obs] { return double(obs.spool_bytes.load(std::memory_order_relaxed)); },
       .rows_dropped =
           [&obs] { return double(obs.rows_dropped.load(std::memory_order_relaxed)); }});
  metrics::register_server_gauges(
      registry, {.open_connections = [&server] { return double(server.open_connections()); },
                 .in_flight_requests = [&server] { return double(server.in_flight()); },
                 .in_flight_streams = [&server] { return double(server.open_streams()); }});
  metrics::register_circuit_state(
      registry, metrics::LabelPolicy(*runtime.config), [board = runtime.breakers] {
        std::vector<metrics::CircuitSample> out;
        for (const auto& b : board->snapshot()) {
          out.push_back({b.model, b.provider, static_cast<int>(b.state)});
        }
        return out;
      });
  registry.add_callback("switchboard_log_lines_dropped_total",
                        "Log lines dropped because the log queue was full", metrics::Kind::kCounter,
                        [] {
                          return std::vector<metrics::Sample>{
                              metrics::Sample{.labels = {}, .value = double(log::dropped_lines())}};
                        });
}

// GET /health asks the observability store through this: cached state, never blocks.
class RecorderHealth final : public http::HealthSource {
 public:
  explicit RecorderHealth(std::shared_ptr<observability::Recorder> r) : recorder_(std::move(r)) {}
  std::optional<std::string> problem() const override { return recorder_->problem(); }

 private:
  std::shared_ptr<observability::Recorder> recorder_;
};

// Blocks until SIGTERM or SIGINT arrives. Once a second it lets the trimmer see the open
// connections, so the memory a burst of streams used goes back to the OS after they end.
int wait_for_signal(const sigset_t& signals, http::Server& server) {
  MemoryTrimmer trimmer({}, [&server] {
    heap::release_thread_memory();
    server.post_to_workers(heap::release_thread_memory);
  });
  const timespec tick{.tv_sec = 1, .tv_nsec = 0};
  for (;;) {
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig >= 0) return sig;
    if (errno != EAGAIN && errno != EINTR) {
      spdlog::error("sigtimedwait failed: {}", std::strerror(errno));
      int fallback = 0;
      sigwait(&signals, &fallback);
      return fallback;
    }
    trimmer.tick(server.open_connections());
  }
}

int run(const app::Options& opts) {
  std::string path = config::resolve_config_path(opts.config_file);
  auto loaded = config::load_file(path);
  if (!loaded) {
    for (const auto& e : loaded.error())
      spdlog::error("invalid model configuration: {}", e.to_string());
    spdlog::error("invalid model configuration: {} error(s) in {}", loaded.error().size(), path);
    return 1;
  }
  if (opts.validate_only) {
    std::printf("%s: configuration is valid (%zu chat models, %zu embedding models)\n",
                path.c_str(), loaded->models.size(), loaded->embedding_models.size());
    return 0;
  }
  auto cfg = std::make_shared<const config::Config>(std::move(*loaded));
  auto creds = config::CredentialStore::load(config::CredentialStore::default_options(path),
                                             wanted_credentials(*cfg));
  auto runtime = std::make_shared<routing::Runtime>(cfg, std::move(creds));
  auto keys = http::load_api_keys(*cfg, runtime->credentials);
  if (!keys) {
    spdlog::error("invalid model configuration: {}", keys.error());
    return 1;
  }
  for (const auto& w : keys->warnings) spdlog::warn("{}", w);
  auto api_keys = std::make_shared<const http::ApiKeys>(std::move(keys->keys));

  http::ServerOptions server_options{
      .bind_address = opts.bind_address.empty() ? cfg->gateway.bind_address : opts.bind_address,
      .workers = cfg->gateway.workers > 0
                     ? cfg->gateway.workers
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())),
      .limits = cfg->gateway.limits,
      .base_path = cfg->gateway.base_path};

  // Signals go to the main thread only: block them before any worker thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  upstream::global_init();
  // Process-wide services (observability store, metrics, health sources) are added here.
  auto services = std::make_shared<http::Services>();
  services->metrics = std::make_shared<metrics::Registry>();
  metrics::register_build_info(*services->metrics, SWITCHBOARD_VERSION);
  auto gateway_metrics =
      metrics::GatewayMetrics::create(services->metrics, metrics::LabelPolicy(*cfg));
  // Observability: every inference stored off the request path (docs/observability.md).
  auto recorder = observability::start(*cfg, observability::environment_for(path));
  if (!recorder) {
    spdlog::error("{}", recorder.error());
    return 1;
  }
  runtime->keep_raw_bodies = static_cast<bool>(*recorder);  // nobody reads them otherwise
  if (*recorder) {
    services->sinks.push_back(*recorder);
    services->health.push_back(std::make_shared<RecorderHealth>(*recorder));
  }

  auto server = http::Server::create(
      server_options, [runtime, services, gateway_metrics, api_keys](boost::asio::io_context& io) {
        auto router = std::make_unique<http::Router>(runtime->config->gateway.base_path);
        auto context = std::make_shared<http::WorkerContext>(runtime, upstream::Client::create(io));
        context->services = services;
        context->sinks = services->sinks;
        context->sinks.push_back(gateway_metrics->make_worker_sink());  // this worker's shard
        router->require_api_keys(api_keys, {"/health", "/metrics"});
        http::register_routes(*router, context);
        return router;
      });
  if (!server) {
    spdlog::error("{}", server.error().message);
    return 1;
  }
  register_gauges(*services->metrics, **server, *runtime);
  (*server)->start();
  auto port = (*server)->port();
  spdlog::info("switchboard {} listening on {} (port {}, {} workers, config {}, {} models)",
               SWITCHBOARD_VERSION, server_options.bind_address, port, server_options.workers, path,
               cfg->models.size() + cfg->embedding_models.size());
  if (api_keys->enabled()) {
    spdlog::info("client authentication on: {} API key(s) accepted; /health and /metrics stay open",
                 api_keys->size());
  }
  if (!opts.port_file.empty()) {
    std::ofstream(opts.port_file) << port << "\n";
  }

  // The main thread waits for a signal and, meanwhile, hands memory back after load drops.
  int sig = wait_for_signal(signals, **server);
  spdlog::info("received {}, draining in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->drain_and_stop();
  if (*recorder) (*recorder)->stop();  // writes (or spools) what is still queued
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = sb::app::parse_options(argc, argv);
  if (!opts) {
    std::fprintf(stderr, "switchboard: %s\n%s", opts.error().c_str(), sb::app::usage());
    return 2;
  }
  if (opts->show_help) {
    std::fputs(sb::app::usage(), stdout);
    return 0;
  }
  if (opts->show_version) {
    std::printf("switchboard %s\n", SWITCHBOARD_VERSION);
    return 0;
  }
  sb::log::init(opts->log_format, opts->log_level);
  int code = 1;
  try {
    code = run(*opts);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
  }
  sb::log::shutdown();  // the log queue reaches stdout before exit
  return code;
}
