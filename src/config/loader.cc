#include "config/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/credentials.h"
#include "config/sections.h"
#include "config/sha256.h"

namespace sb::config {

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

namespace {

// [provider_types.T.defaults] api_key_location (credential_location for GCP); the batch and
// SFT settings beside it are accepted and not used.
void read_provider_type(const std::string& type, const toml::table& table, const std::string& path,
                        Diagnostics& diag, std::map<std::string, CredentialLocation>& defaults) {
  TableReader r(table, path, diag);
  r.accept_all();
  if (!find_provider_type(type)) {
    r.table_error("unknown provider type '" + type + "' (known: " + known_provider_types() + ")");
    return;
  }
  const toml::table* d = r.table("defaults");
  if (!d) return;
  TableReader dr(*d, r.key_path("defaults"), diag);
  for (std::string_view key : {"api_key_location", "credential_location"}) {
    auto text = dr.string(key);
    if (!text) continue;
    if (auto loc = parse_credential_location(*text)) {
      defaults[type] = *loc;
    } else {
      dr.error(key, loc.error());
    }
  }
  dr.finish();
}

}  // namespace

std::map<std::string, CredentialLocation> read_provider_types(const toml::table& table,
                                                              Diagnostics& diag) {
  std::map<std::string, CredentialLocation> defaults;
  for_each_table(table, "provider_types", diag,
                 [&](const auto& type, const auto& t, const auto& path) {
                   read_provider_type(type, t, path, diag, defaults);
                 });
  return defaults;
}

namespace {

// TensorZero top-level tables we accept whole and do not use (storage is configured by
// environment, the rest are features we do not serve yet).
constexpr std::string_view kAcceptedTables[] = {"clickhouse",    "postgres",    "object_storage",
                                                "rate_limiting", "evaluations", "optimizers",
                                                "autopilot"};

void read_models(TableReader& root, std::string_view section, ModelKind kind,
                 const CompactProviders& providers, std::vector<ModelDraft>& drafts) {
  const toml::table* models = root.table(section);
  if (!models) return;
  auto read = [&](const std::string& name, const toml::table& t, const std::string& path) {
    drafts.push_back(read_model(name, t, path, kind, providers, root.diag()));
  };
  for_each_table(*models, std::string(section), root.diag(), read);
}

void store_models(std::vector<ModelDraft>& drafts,
                  const std::map<std::string, CredentialLocation>& credential_defaults,
                  Diagnostics& diag, Config& config) {
  // [embedding_models.X] first, so a clash is reported at the [models.X] type = "embedding".
  std::stable_partition(drafts.begin(), drafts.end(),
                        [](const ModelDraft& d) { return d.key.starts_with("embedding_models."); });
  for (ModelDraft& d : drafts) {
    for (ProviderConfig& p : d.model.providers) {
      auto it = credential_defaults.find(p.type);
      if (p.api_key.kind == CredentialLocation::Kind::kDefault && it != credential_defaults.end()) {
        p.api_key = it->second;
      }
    }
    auto& table = d.model.kind == ModelKind::kChat ? config.models : config.embedding_models;
    std::string name = d.model.name;
    if (!table.emplace(name, std::move(d.model)).second) {
      diag.error(
          d.line, d.key,
          "embedding model '" + name + "' is also defined in [embedding_models." + name + "]");
    }
  }
}

std::string directory_of(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? "." : dir.string();
}

std::expected<Config, std::vector<ConfigError>> load_document(const toml::table& doc,
                                                              std::string_view bytes,
                                                              const std::string& name) {
  Diagnostics diag(name);
  Config config{.path = name, .hash = sha256_hex(bytes)};
  TableReader root(doc, "", diag);
  if (const toml::table* g = root.table("gateway")) {
    TableReader r(*g, "gateway", diag);
    read_gateway(r, config.gateway);
    r.finish();
  }
  CompactProviders providers;
  if (const toml::table* p = root.table("providers")) providers = read_compact_providers(*p, diag);
  std::vector<ModelDraft> drafts;
  read_models(root, "models", ModelKind::kChat, providers, drafts);
  read_models(root, "embedding_models", ModelKind::kEmbedding, providers, drafts);
  check_fallbacks(drafts, diag);
  std::map<std::string, CredentialLocation> credential_defaults;
  if (const toml::table* t = root.table("provider_types")) {
    credential_defaults = read_provider_types(*t, diag);
  }
  store_models(drafts, credential_defaults, diag, config);
  if (const toml::table* t = root.table("tools")) read_tools(*t, directory_of(name), diag, config);
  if (const toml::table* t = root.table("metrics")) read_metrics(*t, diag, config);
  if (const toml::table* t = root.table("functions")) read_functions(*t, diag, config);
  for (std::string_view key : kAcceptedTables) root.table(key);
  root.finish();
  if (!diag.ok()) return std::unexpected(diag.take());
  return config;
}

}  // namespace

std::expected<Config, std::vector<ConfigError>> load_string(std::string_view toml,
                                                            const std::string& name) {
  // The boundary: toml++ reports syntax errors by exception; nothing escapes from here.
  try {
    toml::table doc = toml::parse(toml, name);
    return load_document(doc, toml, name);
  } catch (const toml::parse_error& e) {
    return std::unexpected(
        std::vector<ConfigError>{{.file = name,
                                  .line = static_cast<int>(e.source().begin.line),
                                  .message = "invalid TOML: " + std::string(e.description())}});
  } catch (const std::exception& e) {
    return std::unexpected(std::vector<ConfigError>{
        {.file = name, .message = std::string("cannot load: ") + e.what()}});
  }
}

std::expected<Config, std::vector<ConfigError>> load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(std::vector<ConfigError>{
        {.file = path,
         .message = std::string("cannot read config file: ") + std::strerror(errno)}});
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) {
    return std::unexpected(
        std::vector<ConfigError>{{.file = path, .message = "cannot read config file"}});
  }
  return load_string(bytes.str(), path);
}

std::string resolve_config_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("GATEWAY_CONFIG_PATH"); env && *env) return env;
  std::error_code ec;
  if (std::filesystem::exists("/app/config/tensorzero.toml", ec)) {
    return "/app/config/tensorzero.toml";
  }
  return "./config/tensorzero.toml";
}

}  // namespace sb::config
