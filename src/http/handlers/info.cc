// GET /v1/models, /openai/v1/models, /health, /status.

#include <boost/json.hpp>

#include "http/handlers/common.h"

namespace sb::http {

namespace {

namespace net = boost::asio;

std::string models_body(const config::Config& config) {
  boost::json::array data;
  auto add = [&data](const config::ModelConfig& m) {
    boost::json::object o;
    o["id"] = m.name;
    o["object"] = "model";
    o["created"] = 0;
    o["owned_by"] = m.providers.empty() ? "switchboard" : m.providers.front().type;
    data.push_back(std::move(o));
  };
  for (const auto& [_, m] : config.models) add(m);
  for (const auto& [_, m] : config.embedding_models) add(m);
  boost::json::object out;
  out["object"] = "list";
  out["data"] = std::move(data);
  return boost::json::serialize(out);
}

}  // namespace

std::pair<unsigned, std::string> health_response(bool has_models, const Services* services) {
  std::optional<std::string> problem;
  if (!has_models) problem = "no model provider is configured";
  if (!problem && services != nullptr) {
    for (const auto& source : services->health) {
      problem = source->problem();
      if (problem) break;
    }
  }
  if (!problem) return {200, R"({"status":"ok"})"};
  boost::json::object body{{"status", "error"}, {"message", *problem}};
  return {503, boost::json::serialize(body)};
}

void register_info_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  // The config never changes under a running worker, so these bodies are built once.
  const auto& config = *context->runtime->config;
  auto models = std::make_shared<const std::string>(models_body(config));
  auto list = [models](Exchange& ex) -> net::awaitable<void> { co_await ex.reply(200, *models); };
  router.add("GET", "/v1/models", list);
  router.add("GET", "/openai/v1/models", list);

  bool has_models = !config.models.empty() || !config.embedding_models.empty();
  router.add("GET", "/health", [has_models, context](Exchange& ex) -> net::awaitable<void> {
    auto response = health_response(has_models, context->services.get());
    co_await ex.reply(response.first, std::move(response.second));
  });

  boost::json::object status;
  status["status"] = "ok";
  status["version"] = SWITCHBOARD_VERSION;
  status["config_hash"] = config.hash;
  auto status_body = std::make_shared<const std::string>(boost::json::serialize(status));
  router.add("GET", "/status", [status_body](Exchange& ex) -> net::awaitable<void> {
    co_await ex.reply(200, *status_body);
  });
}

}  // namespace sb::http
