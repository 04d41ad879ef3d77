#include "http/router.h"

#include <algorithm>

namespace sb::http {

Router::Router(std::string base_path) : base_path_(std::move(base_path)) {
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

void Router::add(std::string_view method, std::string_view path, Handler handler) {
  routes_[base_path_ + std::string(path)][std::string(method)] = std::move(handler);
}

void Router::require_api_keys(std::shared_ptr<const ApiKeys> keys,
                              std::vector<std::string> open_paths) {
  keys_ = std::move(keys);
  open_paths_.clear();
  for (const auto& p : open_paths) open_paths_.push_back(base_path_ + p);
}

namespace {

// A request the router answers itself. Error and header values are owned by this frame.
boost::asio::awaitable<void> reject(Exchange& exchange, Error error, HeaderList headers = {}) {
  ReplyHeaders views;
  for (const auto& [name, value] : headers) views.add(name, value);
  co_await exchange.reply_error(error, views);
}

}  // namespace

// Not a coroutine: it hands back the handler's own awaitable, so no router frame stays alive
// beside every open stream.
boost::asio::awaitable<void> Router::dispatch(Exchange& exchange) const {
  const auto& req = exchange.request();
  std::string_view target(req.target().data(), req.target().size());
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  if (keys_ && keys_->enabled() &&
      std::find(open_paths_.begin(), open_paths_.end(), target) == open_paths_.end()) {
    auto denied = keys_->check(exchange.header("authorization"), exchange.header("x-api-key"));
    if (denied) {
      HeaderList headers;
      headers.emplace_back("www-authenticate", "Bearer");
      return reject(exchange, std::move(*denied), std::move(headers));
    }
  }
  auto it = routes_.find(target);
  if (it == routes_.end()) {
    return reject(exchange,
                  make_error(ErrorCode::kRouteNotFound, "no route for " + std::string(target)));
  }
  std::string method(req.method_string().data(), req.method_string().size());
  auto h = it->second.find(method);
  if (h == it->second.end() && method == "HEAD") h = it->second.find("GET");
  if (h == it->second.end()) {
    std::string allowed;
    for (const auto& [m, _] : it->second) allowed += (allowed.empty() ? "" : ", ") + m;
    auto error = make_error(
        ErrorCode::kMethodNotAllowed,
        method + " is not allowed on " + std::string(target) + " (allowed: " + allowed + ")");
    HeaderList headers;
    headers.emplace_back("allow", std::move(allowed));
    return reject(exchange, std::move(error), std::move(headers));
  }
  return h->second(exchange);
}

}  // namespace sb::http
