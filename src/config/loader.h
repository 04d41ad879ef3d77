#pragma once

#include <expected>
#include <string>
#include <vector>

#include "config/schema.h"

namespace sb::config {

// One problem in a config file, located for an operator: "tensorzero.toml:12: models.x.routing: ...".
struct ConfigError {
  std::string file;
  int line = 0;  // 0 when unknown
  std::string key;
  std::string message;
  std::string to_string() const;
};

// Parses and validates; returns every error of the file at once, never the first only.
std::expected<Config, std::vector<ConfigError>> load_file(const std::string& path);
std::expected<Config, std::vector<ConfigError>> load_string(std::string_view toml,
                                                           const std::string& name);

// The config path: flag, else GATEWAY_CONFIG_PATH, else /app/config/tensorzero.toml if it exists,
// else ./config/tensorzero.toml.
std::string resolve_config_path(const std::string& flag_value);

}  // namespace sb::config
