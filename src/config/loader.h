#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "config/schema.h"

namespace sb::config {

// One problem in a config file, for an operator: "tensorzero.toml:12: models.x.routing: ...".
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

// Checks a listen address: host:port, IPv6 in brackets ([::]:3000), port 0-65535 (0: any free
// port). Returns the problem for an operator. Also for --bind-address style overrides.
std::expected<void, std::string> validate_bind_address(std::string_view address);

}  // namespace sb::config
