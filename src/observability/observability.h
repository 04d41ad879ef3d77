#pragma once

// Builds the recorder the configuration asks for (docs/observability.md):
//   [gateway] observability.enabled = false         → nothing is recorded
//   observability.backend = "clickhouse"            → ClickHouse; TENSORZERO_CLICKHOUSE_URL
//   required observability.backend = "sqlite"                → the SQLite file at
//   observability.sqlite_path observability.backend = "auto" (or unset)       → ClickHouse when the
//   URL is set, else SQLite
// A ClickHouse that does not answer at startup is not fatal: rows go to the spool and the
// writer keeps trying. A SQLite file that cannot be opened is fatal when enabled = true, and
// turns observability off (with an error in the log) when `enabled` is unset.

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "config/schema.h"
#include "observability/recorder.h"

namespace sb::observability {

struct Environment {
  std::optional<std::string> clickhouse_url;       // TENSORZERO_CLICKHOUSE_URL
  std::optional<std::string> clickhouse_password;  // TENSORZERO_CLICKHOUSE_PASSWORD
};

// The two variables by the precedence of spec §3.4 (Docker secret, environment, env.shared,
// .env.local), for a config file at `config_path`.
Environment environment_for(const std::string& config_path);

// The started recorder; nullptr when observability is off. Errors are startup errors.
std::expected<std::shared_ptr<Recorder>, std::string> start(const config::Config& config,
                                                            const Environment& env);

}  // namespace sb::observability
