// switchboard: parse flags, load config, start the workers, wait for SIGTERM, drain, exit.

#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/options.h"
#include "common/log.h"
#include "config/credentials.h"
#include "config/loader.h"
#include "http/handlers.h"
#include "http/server.h"
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
        loc = {.kind = config::CredentialLocation::Kind::kEnv, .name = std::string(d->default_key_env)};
      }
      out.push_back(loc);
    }
  };
  for (const auto& [_, m] : cfg.models) add(m);
  for (const auto& [_, m] : cfg.embedding_models) add(m);
  // Shorthand models (openai::gpt-4o) use the type defaults.
  for (const auto& d : providers::descriptors()) {
    if (!d.default_key_env.empty()) {
      out.push_back({.kind = config::CredentialLocation::Kind::kEnv, .name = std::string(d.default_key_env)});
    }
  }
  return out;
}

int run(const app::Options& opts) {
  std::string path = config::resolve_config_path(opts.config_file);
  auto loaded = config::load_file(path);
  if (!loaded) {
    for (const auto& e : loaded.error()) spdlog::error("invalid model configuration: {}", e.to_string());
    spdlog::error("invalid model configuration: {} error(s) in {}", loaded.error().size(), path);
    return 1;
  }
  if (opts.validate_only) {
    std::printf("%s: configuration is valid (%zu chat models, %zu embedding models)\n", path.c_str(),
                loaded->models.size(), loaded->embedding_models.size());
    return 0;
  }
  auto cfg = std::make_shared<const config::Config>(std::move(*loaded));
  auto creds = config::CredentialStore::load(config::CredentialStore::default_options(path),
                                             wanted_credentials(*cfg));
  auto runtime = std::make_shared<const routing::Runtime>(cfg, std::move(creds));

  http::ServerOptions server_options{
      .bind_address = opts.bind_address.empty() ? cfg->gateway.bind_address : opts.bind_address,
      .workers = cfg->gateway.workers > 0 ? cfg->gateway.workers
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

  auto server = http::Server::create(server_options, [runtime, services](boost::asio::io_context& io) {
    auto router = std::make_unique<http::Router>(runtime->config->gateway.base_path);
    auto context = std::make_shared<http::WorkerContext>(runtime, upstream::Client::create(io));
    context->services = services;
    context->sinks = services->sinks;
    http::register_routes(*router, context);
    return router;
  });
  if (!server) {
    spdlog::error("{}", server.error().message);
    return 1;
  }
  (*server)->start();
  auto port = (*server)->port();
  spdlog::info("switchboard {} listening on {} (port {}, {} workers, config {}, {} models)",
               SWITCHBOARD_VERSION, server_options.bind_address, port, server_options.workers, path,
               cfg->models.size() + cfg->embedding_models.size());
  if (!opts.port_file.empty()) {
    std::ofstream(opts.port_file) << port << "\n";
  }

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, draining in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->drain_and_stop();
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
  try {
    return run(*opts);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
