// TensorZero's shape: [models.X] routing = [...] with [models.X.providers.Y] tables.

#include <set>

#include "config/sections.h"

namespace sb::config {
namespace {

struct DefinedProvider {
  ProviderConfig config;
  int line = 0;
  std::string key;
};

std::map<std::string, DefinedProvider> read_providers(TableReader& r, ModelKind kind) {
  std::map<std::string, DefinedProvider> out;
  const toml::table* providers = r.table("providers");
  if (!providers) return out;
  auto read = [&](const std::string& name, const toml::table& t, const std::string& path) {
    TableReader pr(t, path, r.diag());
    DefinedProvider defined{.line = pr.line(), .key = path};
    defined.config.name = name;
    read_provider(pr, defined.config, {.kind = kind});
    pr.finish();
    out.emplace(name, std::move(defined));
  };
  for_each_table(*providers, r.key_path("providers"), r.diag(), read);
  return out;
}

}  // namespace

void read_tensorzero_model(TableReader& r, ModelDraft& draft) {
  auto defined = read_providers(r, draft.model.kind);
  auto routing = r.strings("routing");
  if (!routing) {
    if (!r.has("routing")) {
      r.table_error(
          "set routing = [...] (its providers, in order) or provider = \"NAME\" (compact shape)");
    }
    return;
  }
  if (routing->empty()) {
    r.error("routing", "routing is empty: name at least one provider");
    return;
  }
  std::set<std::string> routed;
  for (const auto& [name, line] : *routing) {
    if (!routed.insert(name).second) {
      r.error_at(line, "routing", "provider '" + name + "' is listed twice");
      continue;
    }
    auto it = defined.find(name);
    if (it == defined.end()) {
      r.error_at(
          line, "routing",
          "provider '" + name + "' is not defined (add [" + r.key_path("providers." + name) + "])");
      continue;
    }
    draft.model.providers.push_back(it->second.config);
  }
  for (const auto& [name, provider] : defined) {
    if (!routed.contains(name)) {
      r.diag().error(provider.line, provider.key,
                     "provider is defined but not listed in " + r.key_path("routing"));
    }
  }
}

}  // namespace sb::config
