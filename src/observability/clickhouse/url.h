#pragma once

// TENSORZERO_CLICKHOUSE_URL: http[s]://user:password@host:port/database. The password may be
// left out and given in TENSORZERO_CLICKHOUSE_PASSWORD instead.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace sb::observability::clickhouse {

struct Url {
  std::string base;  // "http://host:8123", no trailing slash
  std::string user = "default";
  std::string password;
  std::string database = "default";
  std::string query;  // extra URL parameters, passed on every request ("" or "a=b&c=d")

  std::string redacted() const;  // for logs: the password never appears
};

std::expected<Url, std::string> parse_url(std::string_view text,
                                          const std::optional<std::string>& password_env);

// `name` as a quoted identifier for SQL: `name`. Only [A-Za-z0-9_] pass parse_url.
std::string quote_identifier(std::string_view name);
// A single-quoted SQL string literal.
std::string quote_string(std::string_view text);

}  // namespace sb::observability::clickhouse
