#include "observability/clickhouse/url.h"

#include <cctype>

namespace sb::observability::clickhouse {

namespace {

std::expected<std::string, std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return std::unexpected("bad percent-escape in the URL's user or password");
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string Url::redacted() const {
  return base.substr(0, base.find("://") + 3) + user + (password.empty() ? "" : ":***") + "@" +
         base.substr(base.find("://") + 3) + "/" + database;
}

std::expected<Url, std::string> parse_url(std::string_view text,
                                          const std::optional<std::string>& password_env) {
  const std::string_view usage =
      "TENSORZERO_CLICKHOUSE_URL must look like http://user:password@host:8123/database";
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::unexpected(std::string(usage));
  std::string_view scheme = text.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return std::unexpected(std::string(usage) + " (scheme " + std::string(scheme) +
                           " is not supported: the HTTP interface is)");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view tail = path_start == std::string_view::npos ? "" : rest.substr(path_start);

  Url url;
  bool has_password = false;
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    if (!user) return std::unexpected(user.error());
    if (!user->empty()) url.user = *user;
    if (colon != std::string_view::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1));
      if (!password) return std::unexpected(password.error());
      url.password = *password;
      has_password = true;
    }
  }
  if (authority.empty()) return std::unexpected(std::string(usage) + " (no host)");
  bool has_port = authority.back() != ']' && authority.find(':') != std::string_view::npos;
  url.base = std::string(scheme) + "://" + std::string(authority);
  if (!has_port) url.base += scheme == "https" ? ":8443" : ":8123";
  if (!has_password && password_env) url.password = *password_env;

  std::string_view path = tail.substr(0, tail.find('?'));
  if (size_t q = tail.find('?'); q != std::string_view::npos) url.query = tail.substr(q + 1);
  while (path.starts_with('/')) path.remove_prefix(1);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (!path.empty()) url.database = path;
  if (!is_identifier(url.database)) {
    return std::unexpected("ClickHouse database name '" + url.database +
                           "' must be letters, digits and _");
  }
  return url;
}

std::string quote_identifier(std::string_view name) {
  return "`" + std::string(name) + "`";
}

std::string quote_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace sb::observability::clickhouse
