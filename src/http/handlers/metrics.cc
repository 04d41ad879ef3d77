// GET /metrics: Prometheus text exposition (spec §4.2), summed over the workers' shards.

#include "http/handlers/common.h"

namespace sb::http {

namespace {

namespace net = boost::asio;

}  // namespace

void register_metrics_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  router.add("GET", "/metrics", [context](Exchange& ex) -> net::awaitable<void> {
    std::shared_ptr<metrics::Registry> registry;
    if (context->services) registry = context->services->metrics;
    if (!registry) {
      Error error = make_error(ErrorCode::kRouteNotFound, "metrics are not enabled");
      co_await ex.reply_error(error);
      co_return;
    }
    std::string body = registry->expose();
    ReplyHeaders headers;  // named: GCC 12 mishandles temporaries bound inside co_await
    co_await ex.reply(200, std::move(body), headers, metrics::Registry::kContentType);
  });
}

}  // namespace sb::http
