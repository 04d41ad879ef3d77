#include "routing/resolver.h"

#include <algorithm>

namespace sb::routing {

namespace {

constexpr std::string_view kFunctionPrefix = "tensorzero::function_name::";
constexpr std::string_view kModelPrefix = "tensorzero::model_name::";
constexpr std::string_view kEmbeddingPrefix = "tensorzero::embedding_model_name::";

std::string_view kind_name(config::ModelKind kind) {
  return kind == config::ModelKind::kChat ? "chat" : "embedding";
}

void index_models(const std::map<std::string, config::ModelConfig>& models,
                  std::unordered_map<std::string, std::vector<const config::ModelConfig*>>& out) {
  for (const auto& [name, model] : models) {
    for (const auto& p : model.providers) {
      if (p.model_name.empty()) continue;
      auto& list = out[p.model_name];
      if (std::find(list.begin(), list.end(), &model) == list.end()) list.push_back(&model);
    }
  }
}

}  // namespace

Resolver::Resolver(std::shared_ptr<const config::Config> config) : config_(std::move(config)) {
  index_models(config_->models, chat_by_upstream_);
  index_models(config_->embedding_models, embed_by_upstream_);
}

const std::map<std::string, config::ModelConfig>& Resolver::table(config::ModelKind kind) const {
  return kind == config::ModelKind::kChat ? config_->models : config_->embedding_models;
}

std::expected<Resolution, Error> Resolver::expand(const config::ModelConfig& model) const {
  Resolution r;
  r.model = &model;
  std::vector<const config::ModelConfig*> queue{&model};
  std::vector<const config::ModelConfig*> seen;
  std::string unsupported;  // provider types this build cannot call
  const auto& models = table(model.kind);
  // Breadth-first over fallbacks; the loader rejects cycles, `seen` makes this safe regardless.
  for (size_t i = 0; i < queue.size(); ++i) {
    const auto* m = queue[i];
    if (std::find(seen.begin(), seen.end(), m) != seen.end()) continue;
    seen.push_back(m);
    for (const auto& p : m->providers) {
      const auto* d = providers::find_descriptor(p.type);
      if (d == nullptr) {  // a TensorZero type the loader accepts but this build cannot call
        unsupported += (unsupported.empty() ? "'" : ", '") + p.type + "'";
        continue;
      }
      r.candidates.push_back(Candidate{.model = m, .provider = &p, .descriptor = d});
    }
    for (const auto& f : m->fallbacks) {
      auto it = models.find(f);
      if (it != models.end()) queue.push_back(&it->second);
    }
  }
  if (r.candidates.empty()) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid, "model '" + model.name + "' has no usable provider"));
  }
  return r;
}

std::expected<Resolution, Error> Resolver::shorthand(std::string_view model, config::ModelKind kind,
                                                     std::string& tried) const {
  auto sep = model.find("::");
  if (sep == std::string_view::npos) return std::unexpected(Error{});
  std::string type(model.substr(0, sep));
  std::string name(model.substr(sep + 2));
  const auto* d = providers::find_descriptor(type);
  tried += ", a '" + type + "::MODEL' shorthand";
  if (d == nullptr || !d->supports_shorthand || name.empty()) {
    if (d == nullptr) tried += " ('" + type + "' is not a provider type)";
    return std::unexpected(Error{});
  }
  auto adhoc = std::make_shared<config::ModelConfig>();
  adhoc->name = std::string(model);
  adhoc->kind = kind;
  adhoc->source = "shorthand";
  config::ProviderConfig p;
  p.name = type;
  p.type = type;
  p.model_name = name;
  adhoc->providers.push_back(std::move(p));
  Resolution r;
  r.model = adhoc.get();
  r.candidates.push_back(
      Candidate{.model = adhoc.get(), .provider = &adhoc->providers.front(), .descriptor = d});
  r.adhoc = std::move(adhoc);
  return r;
}

std::expected<Resolution, Error> Resolver::resolve(std::string_view model,
                                                   config::ModelKind kind) const {
  if (model.starts_with(kFunctionPrefix)) {
    return std::unexpected(make_error(
        ErrorCode::kFunctionNotSupported,
        "function '" + std::string(model.substr(kFunctionPrefix.size())) +
            "' cannot be called: functions and variants are not supported by this gateway yet; "
            "use a model name or 'tensorzero::model_name::MODEL'",
        "model"));
  }
  if (model.starts_with(kModelPrefix)) model.remove_prefix(kModelPrefix.size());
  if (model.starts_with(kEmbeddingPrefix)) model.remove_prefix(kEmbeddingPrefix.size());
  if (model.empty()) {
    return std::unexpected(make_error(ErrorCode::kInvalidRequest, "'model' is empty", "model"));
  }

  const auto& models = table(kind);
  std::string key(model);
  if (auto it = models.find(key); it != models.end()) return expand(it->second);

  const auto& other = table(kind == config::ModelKind::kChat ? config::ModelKind::kEmbedding
                                                             : config::ModelKind::kChat);
  const auto& index = kind == config::ModelKind::kChat ? chat_by_upstream_ : embed_by_upstream_;
  if (auto it = index.find(key); it != index.end()) {
    if (it->second.size() == 1) return expand(*it->second.front());
    std::string names;
    for (const auto* m : it->second) names += (names.empty() ? "'" : ", '") + m->name + "'";
    return std::unexpected(make_error(ErrorCode::kAmbiguousModel,
                                      "model '" + key +
                                          "' is ambiguous: it is the provider model of " + names +
                                          "; ask for one of those names",
                                      "model"));
  }

  std::string tried = "a configured " + std::string(kind_name(kind)) + " model, a " +
                      std::string(kind_name(kind)) + " model's provider model name";
  if (auto r = shorthand(model, kind, tried)) return r;

  if (other.contains(key)) {
    return std::unexpected(
        make_error(ErrorCode::kInvalidRequest,
                   "model '" + key + "' is a" +
                       (kind == config::ModelKind::kChat
                            ? "n embedding model and cannot serve chat completions"
                            : " chat model and cannot serve embeddings"),
                   "model"));
  }
  std::string message = "model '" + key + "' not found (tried " + tried + ")";
  return std::unexpected(make_error(ErrorCode::kModelNotFound, message, "model"));
}

}  // namespace sb::routing
