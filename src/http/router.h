#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

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

 private:
  std::string base_path_;
  std::unordered_map<std::string, std::unordered_map<std::string, Handler>> routes_;  // path→method
};

}  // namespace sb::http
