#include "http/auth.h"

#include <boost/json/object.hpp>

#include "config/credentials.h"
#include "config/schema.h"
#include "config/sha256.h"

namespace sb::http {

namespace {

constexpr std::string_view kApiKeyVariable = "TENSORZERO_API_KEY";

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// "Bearer <token>" (scheme case-insensitive) → token; "" when the header is another scheme.
std::string_view bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  size_t space = authorization.find_first_of(" \t");
  if (space == std::string_view::npos) return {};
  if (!iequals(authorization.substr(0, space), "bearer")) return {};
  return trim(authorization.substr(space + 1));
}

// Equal-length strings compared without an early exit.
bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string describe(const config::CredentialLocation& loc) {
  using Kind = config::CredentialLocation::Kind;
  switch (loc.kind) {
    case Kind::kEnv:
      return "env::" + loc.name;
    case Kind::kPath:
      return "path::" + loc.name;
    case Kind::kPathFromEnv:
      return "path_from_env::" + loc.name;
    default:
      return "a key location";
  }
}

}  // namespace

ApiKeys::ApiKeys(const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (!k.empty()) digests_.push_back(config::sha256_hex(k));
  }
}

bool ApiKeys::accepts(std::string_view presented) const {
  if (presented.empty()) return false;
  // Digests have one length whatever the key's, so neither the length nor the content of a key
  // shows in the time taken; every key is compared.
  std::string digest = config::sha256_hex(presented);
  bool match = false;
  for (const auto& d : digests_) match |= constant_time_equal(digest, d);
  return match;
}

std::optional<Error> ApiKeys::check(std::string_view authorization,
                                    std::string_view x_api_key) const {
  if (!enabled()) return std::nullopt;
  std::string_view bearer = bearer_token(authorization);
  std::string_view header_key = trim(x_api_key);
  if (bearer.empty() && header_key.empty()) {
    return make_error(
        ErrorCode::kUnauthorized,
        "missing API key: send 'Authorization: Bearer <key>' (or 'x-api-key: <key>')");
  }
  bool ok = accepts(bearer);
  ok |= accepts(header_key);  // both checked: no shortcut that times which header matched
  if (ok) return std::nullopt;
  return make_error(ErrorCode::kUnauthorized, "invalid API key");
}

std::vector<std::string> split_keys(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t comma = text.find_first_of(",\r\n");
    std::string_view part = trim(text.substr(0, comma));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::expected<LoadedKeys, std::string> load_api_keys(const config::Config& config,
                                                     const config::CredentialStore& credentials) {
  std::vector<std::string> keys;
  if (auto value = credentials.lookup(std::string(kApiKeyVariable))) {
    keys = split_keys(*value);
  }
  LoadedKeys out;
  std::vector<std::string> unreadable;
  const boost::json::object no_dynamic;
  for (const auto& loc : config.gateway.auth.keys) {
    auto value = credentials.resolve(loc, "", no_dynamic);
    if (!value || value->empty()) {
      unreadable.push_back(describe(loc));
      continue;
    }
    for (auto& k : split_keys(*value)) keys.push_back(std::move(k));
  }
  if (keys.empty() && !config.gateway.auth.keys.empty()) {
    std::string names;
    for (const auto& n : unreadable) names += (names.empty() ? "" : ", ") + n;
    return std::unexpected("[gateway.auth] keys: none of the listed keys could be read (" + names +
                           "); refusing to start without client authentication");
  }
  for (const auto& n : unreadable) {
    out.warnings.push_back("[gateway.auth] key " + n + " is not set; the other keys are accepted");
  }
  out.keys = ApiKeys(keys);
  return out;
}

}  // namespace sb::http
