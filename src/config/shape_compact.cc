// The compact shape (spec Appendix B): [providers.NAME] holds credentials and base URL once;
// [models.X] provider = "NAME", model = "..." picks a provider and the upstream model.

#include "config/sections.h"

namespace sb::config {

namespace {

CompactProvider read_compact_provider(const std::string& name, const toml::table& table,
                                      const std::string& path, Diagnostics& diag) {
  TableReader r(table, path, diag);
  CompactProvider provider{.key = path, .line = r.line()};
  provider.config.name = name;
  size_t errors_before = diag.count();
  const ProviderTypeRules* rules = read_provider(
      r, provider.config,
      {.shape = ProviderShape::kCompact, .default_type = find_provider_type(name) ? name : ""});
  r.finish();
  provider.valid = rules && diag.count() == errors_before;
  return provider;
}

}  // namespace

CompactProviders read_compact_providers(const toml::table& table, Diagnostics& diag) {
  CompactProviders out;
  for_each_table(table, "providers", diag, [&](const auto& name, const auto& t, const auto& path) {
    out.emplace(name, read_compact_provider(name, t, path, diag));
  });
  return out;
}

namespace {

// The provider a compact model names: its [providers.NAME], else an implicit provider of the
// type NAME with that type's default credentials (`provider = "openai"` needs no table).
std::optional<CompactProvider> find_compact_provider(TableReader& r, const std::string& name,
                                                     const CompactProviders& providers) {
  if (auto it = providers.find(name); it != providers.end()) return it->second;
  const ProviderTypeRules* rules = find_provider_type(name);
  if (!rules) {
    r.error("provider", "provider '" + name + "' is not defined: add [providers." + name +
                            "] or name a provider type (" + known_provider_types() + ")");
    return std::nullopt;
  }
  if (rules->needs_api_base || rules->is_azure) {
    r.error("provider", "provider type '" + name + "' needs settings: add [providers." + name +
                            "] with " + (rules->is_azure ? "endpoint" : "base_url"));
    return std::nullopt;
  }
  CompactProvider implicit;
  implicit.config.name = name;
  implicit.config.type = name;
  return implicit;
}

}  // namespace

void read_compact_model(TableReader& r, ModelDraft& draft, const CompactProviders& providers) {
  auto provider_name = r.non_empty_string("provider");
  auto model = r.non_empty_string("model");
  for (std::string_view key : {"routing", "providers"}) {
    if (r.node(key)) {
      r.error(key,
              "a model sets either provider (compact shape) or routing and providers "
              "(TensorZero shape), not both");
    }
  }
  if (!provider_name) return;
  auto provider = find_compact_provider(r, *provider_name, providers);
  if (!provider) return;
  ProviderConfig p = provider->config;
  if (model) p.model_name = *model;
  const ProviderTypeRules* rules = find_provider_type(p.type);
  if (provider->valid && rules) {
    if (rules->is_azure && p.deployment_id.empty()) p.deployment_id = p.model_name;
    bool named = !p.model_name.empty() || p.options.contains("endpoint_id");
    if (rules->needs_model_name && !named && !r.has("model")) {
      r.error_at(r.line(), "model", "set model (provider '" + p.name + "' is type " + p.type + ")");
    }
    if (rules->is_azure && p.deployment_id.empty() && !r.has("model")) {
      r.error_at(r.line(), "model",
                 "set model (the azure deployment) or deployment_id in [" + provider->key + "]");
    }
  }
  draft.model.providers.push_back(std::move(p));
}

}  // namespace sb::config
