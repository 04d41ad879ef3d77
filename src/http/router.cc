#include "http/router.h"

namespace sb::http {

Router::Router(std::string base_path) : base_path_(std::move(base_path)) {
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

void Router::add(std::string_view method, std::string_view path, Handler handler) {
  routes_[base_path_ + std::string(path)][std::string(method)] = std::move(handler);
}

boost::asio::awaitable<void> Router::dispatch(Exchange& exchange) const {
  const auto& req = exchange.request();
  std::string_view target(req.target().data(), req.target().size());
  if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  auto it = routes_.find(std::string(target));
  if (it == routes_.end()) {
    co_await exchange.reply_error(make_error(ErrorCode::kRouteNotFound,
                                             "no route for " + std::string(target)));
    co_return;
  }
  std::string method(req.method_string().data(), req.method_string().size());
  auto h = it->second.find(method);
  if (h == it->second.end() && method == "HEAD") h = it->second.find("GET");
  if (h == it->second.end()) {
    std::string allowed;
    for (const auto& [m, _] : it->second) allowed += (allowed.empty() ? "" : ", ") + m;
    HeaderList headers;
    headers.emplace_back("allow", allowed);
    co_await exchange.reply_error(
        make_error(ErrorCode::kMethodNotAllowed,
                   method + " is not allowed on " + std::string(target) + " (allowed: " + allowed +
                       ")"),
        headers);
    co_return;
  }
  co_await h->second(exchange);
}

}  // namespace sb::http
