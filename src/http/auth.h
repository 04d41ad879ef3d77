#pragma once

// Client API keys (spec §9.1). When any key is configured, every endpoint except /health and
// /metrics requires `Authorization: Bearer <key>` (or `x-api-key: <key>`, as Anthropic clients
// send it). Several keys may be valid at once, so a key can rotate without downtime.
// Keys are kept only as SHA-256 digests and compared in constant time; no message names a key.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sb::config {
class CredentialStore;
struct Config;
}  // namespace sb::config

namespace sb::http {

class ApiKeys {
 public:
  ApiKeys() = default;  // no keys: auth off
  explicit ApiKeys(const std::vector<std::string>& keys);

  bool enabled() const { return !digests_.empty(); }
  size_t size() const { return digests_.size(); }

  // Whether `presented` is one of the keys. Every key is compared, in time independent of where
  // (or whether) the bytes differ.
  bool accepts(std::string_view presented) const;

  // nullopt when the request may pass; else the 401 to send. `authorization` and `x_api_key`
  // are the raw header values ("" when absent).
  std::optional<Error> check(std::string_view authorization, std::string_view x_api_key) const;

 private:
  std::vector<std::string> digests_;  // hex SHA-256 of each key
};

// "a, b,,c" → {"a", "b", "c"}: TENSORZERO_API_KEY (or a key file) may list several keys,
// separated by commas or line breaks.
std::vector<std::string> split_keys(std::string_view text);

// The keys of TENSORZERO_API_KEY (by the credential precedence: Docker secret, environment,
// env.shared, .env.local) and of `[gateway.auth] keys`. A configured key location that cannot be
// read is an error only when no key at all could be read (auth never silently turns off); the
// others come back in `warnings`, naming locations, never values.
struct LoadedKeys {
  ApiKeys keys;
  std::vector<std::string> warnings;
};
std::expected<LoadedKeys, std::string> load_api_keys(const config::Config& config,
                                                     const config::CredentialStore& credentials);

}  // namespace sb::http
