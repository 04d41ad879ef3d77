#pragma once

// The one internal configuration model. Both TOML shapes (TensorZero's `[models.X.providers.Y]`
// and the compact `[providers.N]` + `[models.X] provider = ...`) load into these plain structs.
// A Config is immutable once loaded and shared between workers as shared_ptr<const Config>.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sb::config {

using Millis = std::chrono::milliseconds;

// Where a secret comes from: env::VAR, path::FILE, path_from_env::VAR, dynamic::NAME, none.
struct CredentialLocation {
  enum class Kind { kDefault, kEnv, kPath, kPathFromEnv, kDynamic, kNone };
  Kind kind = Kind::kDefault;  // kDefault: the provider type's default (e.g. env::OPENAI_API_KEY)
  std::string name;            // variable, file path or dynamic key
};

struct Timeouts {
  std::optional<Millis> non_streaming_total;
  std::optional<Millis> streaming_ttft;
  std::optional<Millis> streaming_total;
  std::optional<Millis> streaming_idle;  // ours: silence allowed between chunks
};

struct Retries {
  int num_retries = 0;
  double max_delay_s = 10.0;
};

struct ProviderConfig {
  std::string name;  // key under [models.X.providers.NAME], or the compact [providers.NAME]
  std::string type;  // "openai", "openrouter", "anthropic", "ollama", ...
  std::string model_name;
  std::string api_base;  // empty: the type's default base URL
  CredentialLocation api_key;
  Timeouts timeouts;
  std::optional<Retries> retries;
  std::string deployment_id;  // azure
  std::string endpoint;       // azure
  std::string api_version;    // azure
  std::vector<std::pair<std::string, std::string>> extra_headers;
  bool allow_prefill = false;  // ours: accepts an assistant prefill (mid-stream continuation)
  // Type-specific scalar settings, as written (region, project_id, location, api_type,
  // parse_think_blocks = "true", ...). Only keys the type documents get here.
  std::map<std::string, std::string> options;
};

enum class ModelKind { kChat, kEmbedding };

struct ModelConfig {
  std::string name;
  ModelKind kind = ModelKind::kChat;
  std::vector<ProviderConfig> providers;  // in routing order
  std::vector<std::string> fallbacks;     // ours: other models tried after all providers fail
  Timeouts timeouts;                      // whole model, all attempts
  std::optional<Retries> retries;
  std::string source;  // "file:line" of the table that defined it, for messages
};

struct GatewayLimits {
  uint64_t max_body_bytes = 16u << 20;    // request body (413 beyond)
  uint32_t max_header_bytes = 16u << 10;  // request head (431 beyond)
  uint32_t max_connections = 10000;       // per process
  Millis read_timeout{30000};             // whole request read
  Millis idle_timeout{75000};             // keep-alive idle
  Millis drain_timeout{10000};            // SIGTERM: in-flight requests get this long
};

// Ours: per-provider circuit breakers (DESIGN §6).
struct CircuitBreakerConfig {
  int failure_threshold = 5;   // consecutive failures that open it
  double failure_ratio = 0.5;  // or this share of failures ...
  int min_requests = 20;       // ... over at least this many attempts in the window
  Millis window{30000};
  Millis open{5000};  // skipped this long, then one probe at a time
};

struct ObservabilityConfig {
  std::optional<bool> enabled;  // unset: on when a store can be opened
  std::string backend;          // "", "auto", "sqlite", "clickhouse"
  std::string sqlite_path = "data/switchboard.db";
  uint32_t flush_interval_ms = 100;
  uint32_t max_rows = 1000;
  // Ours: the never-block, never-lose machinery (docs/observability.md).
  std::string spool_dir = "data/spool";   // journal of batches the store could not take
  uint64_t spool_max_bytes = 1ull << 30;  // beyond it, rows are dropped (counted, logged)
  uint32_t queue_capacity = 10000;        // inferences held in memory; beyond, spill to spool
  uint32_t retention_months = 0;          // drop monthly partitions older than this; 0: keep
};

// Client API keys (ours): [gateway.auth] keys = ["env::VAR", ...]; TENSORZERO_API_KEY adds to them.
struct AuthConfig {
  std::vector<CredentialLocation> keys;  // env::, path:: or path_from_env:: only
};

struct GatewayConfig {
  std::string bind_address = "0.0.0.0:3000";
  std::string base_path;  // prefix for all routes
  int workers = 0;        // 0: one per core
  Millis connect_timeout{10000};
  Millis global_outbound_timeout{900000};
  GatewayLimits limits;
  CircuitBreakerConfig circuit_breaker;
  ObservabilityConfig observability;
  AuthConfig auth;
  bool debug = false;
};

// Parsed so a TensorZero config loads unchanged; served once functions land.
struct VariantConfig {
  std::string name;
  std::string type;
  std::string model;
  double weight = 0;
};
struct FunctionConfig {
  std::string name;
  std::string type;  // "chat" | "json"
  std::map<std::string, VariantConfig> variants;
  std::vector<std::string> tools;  // names of [tools.X] (chat functions)
};
struct MetricConfig {
  std::string name;
  std::string type;      // "boolean" | "float"
  std::string optimize;  // "max" | "min"
  std::string level;     // "inference" | "episode"
  std::string description;
};
struct ToolConfig {
  std::string name;  // key under [tools.NAME]
  std::string description;
  std::string parameters;  // JSON Schema file, resolved against the config file's directory
  bool strict = false;
  std::string provider_name;  // `name` sent to the provider; defaults to the key
};

struct Config {
  GatewayConfig gateway;
  std::map<std::string, ModelConfig> models;            // chat models
  std::map<std::string, ModelConfig> embedding_models;  // embedding models
  std::map<std::string, FunctionConfig> functions;
  std::map<std::string, MetricConfig> metrics;
  std::map<std::string, ToolConfig> tools;
  std::string path;  // the file it came from
  std::string hash;  // hex SHA-256 of the file's bytes (GET /status config_hash)
};

}  // namespace sb::config
