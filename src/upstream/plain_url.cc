#include "upstream/plain_url.h"

#include <charconv>

#include "upstream/request_checks.h"

namespace sb::upstream::detail {

namespace {

bool plain_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool target_char(char c) {  // printable ASCII without space and fragment
  return c > 0x20 && c < 0x7f && c != '#';
}

}  // namespace

std::optional<PlainUrl> parse_plain_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!has_prefix_icase(url, kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  size_t authority_end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = authority_end == std::string_view::npos ? "" : url.substr(authority_end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  PlainUrl out;
  std::string_view port_text;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view inner = authority.substr(1, close - 1);
    if (inner.empty() ||
        inner.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
      return std::nullopt;
    }
    out.host = std::string(inner);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (host.empty()) return std::nullopt;
    for (char c : host) {
      if (!plain_host_char(c)) return std::nullopt;
    }
    out.host = std::string(host);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<uint16_t>(value);
  }

  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  for (char c : rest) {
    if (!target_char(c)) return std::nullopt;
  }
  if (rest.empty() || rest.front() == '?') out.target = "/";
  out.target += rest;

  std::string host_part = out.host.find(':') != std::string::npos ? "[" + out.host + "]" : out.host;
  out.host_header = out.port == 80 ? host_part : host_part + ":" + std::to_string(out.port);
  out.pool_key = host_part + ":" + std::to_string(out.port);
  return out;
}

}  // namespace sb::upstream::detail
