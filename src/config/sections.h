#pragma once

// The loader's parts, one per section of the file. Internal to src/config.

#include <map>
#include <string>
#include <vector>

#include "config/provider_types.h"
#include "config/schema.h"
#include "config/toml_reader.h"

namespace sb::config {

// A model as read, with where its parts were written, for the checks across models.
struct ModelDraft {
  ModelConfig model;
  std::string key;  // "models.x" or "embedding_models.x"
  int line = 0;
  int fallbacks_line = 0;
};

// A compact-shape [providers.NAME] entry.
struct CompactProvider {
  ProviderConfig config;
  std::string key;  // "providers.NAME"
  int line = 0;
  bool valid = true;  // false: already reported, models using it add no more errors
};
using CompactProviders = std::map<std::string, CompactProvider>;

enum class ProviderShape { kTensorZero, kCompact };

struct ProviderReadOptions {
  ProviderShape shape = ProviderShape::kTensorZero;
  ModelKind kind = ModelKind::kChat;
  std::string default_type;  // used when `type` is absent ("" = type is required)
};

// gateway_section.cc
void read_gateway(TableReader& r, GatewayConfig& out);

// provider_fields.cc: the keys a provider table takes in either shape. Returns the type's rules,
// nullptr when the type is missing or unknown (already reported).
const ProviderTypeRules* read_provider(TableReader& r, ProviderConfig& p,
                                       const ProviderReadOptions& options);
void read_timeouts(TableReader& r, Timeouts& out);
std::optional<Retries> read_retries(TableReader& r);

// shape_compact.cc
CompactProviders read_compact_providers(const toml::table& table, Diagnostics& diag);
void read_compact_model(TableReader& r, ModelDraft& draft, const CompactProviders& providers);

// shape_tensorzero.cc
void read_tensorzero_model(TableReader& r, ModelDraft& draft);

// model_section.cc: [models.X] / [embedding_models.X] in either shape, and checks across models.
ModelDraft read_model(const std::string& name, const toml::table& table, const std::string& path,
                      ModelKind section_kind, const CompactProviders& providers, Diagnostics& diag);
void check_fallbacks(const std::vector<ModelDraft>& drafts, Diagnostics& diag);

// function_section.cc
void read_tools(const toml::table& table, const std::string& config_dir, Diagnostics& diag,
                Config& out);
void read_metrics(const toml::table& table, Diagnostics& diag, Config& out);
void read_functions(const toml::table& table, Diagnostics& diag, Config& out);

// [provider_types.T.defaults]: per-type credential defaults that replace kDefault.
std::map<std::string, CredentialLocation> read_provider_types(const toml::table& table,
                                                              Diagnostics& diag);

}  // namespace sb::config
