#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// An outbound HTTP request as a provider codec builds it; upstream/ sends it.
struct OutboundRequest {
  std::string method = "POST";
  std::string url;
  HeaderList headers;  // may hold secrets (Authorization): never log them
  std::string body;
};

// Case-insensitive header lookup; returns nullptr when absent.
const std::string* find_header(const HeaderList& headers, std::string_view name);

}  // namespace sb
