#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/auth.h"
#include "http/exchange.h"

namespace sb::http {

// Exact-path routes, optionally under a base path. Unknown path → 404, wrong method → 405,
// both as OpenAI-shaped JSON.
class Router {
 public:
  using Handler = std::function<boost::asio::awaitable<void>(Exchange&)>;

  explicit Router(std::string base_path = {});
  void add(std::string_view method, std::string_view path, Handler handler);
  boost::asio::awaitable<void> dispatch(Exchange& exchange) const;
  // From now on every path but `open_paths` (under the base path) needs one of `keys`; the
  // check runs before routing, so unknown paths answer 401 too.
  void require_api_keys(std::shared_ptr<const ApiKeys> keys, std::vector<std::string> open_paths);

 private:
  std::string base_path_;
  std::shared_ptr<const ApiKeys> keys_;
  std::vector<std::string> open_paths_;  // with the base path
  // Looked up by string_view (transparent hash): no key string built per request.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;
  Map<Map<Handler>> routes_;  // path → method → handler
};

}  // namespace sb::http
