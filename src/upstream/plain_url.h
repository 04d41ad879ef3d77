#pragma once

// Internal: the `http://` URLs the native HTTP/1.1 client takes. Anything else (https, userinfo,
// a malformed authority) is left to curl, which knows every corner of URL syntax.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::upstream::detail {

struct PlainUrl {
  std::string host;  // name or address, IPv6 without brackets
  uint16_t port = 80;
  std::string host_header;  // as the Host header carries it: "[::1]:8080", "example:81", "example"
  std::string target;       // origin-form: "/path?query", at least "/"
  std::string pool_key;     // "host:port": connections to it are interchangeable
};

// nullopt unless `url` is "http://host[:port][/path][?query]" (scheme case-insensitive).
std::optional<PlainUrl> parse_plain_url(std::string_view url);

}  // namespace sb::upstream::detail
