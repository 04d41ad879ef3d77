#pragma once

// Helpers shared by the endpoint handlers.

#include <ctime>
#include <expected>
#include <memory>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/http_message.h"
#include "http/exchange.h"
#include "http/router.h"
#include "http/worker_context.h"
#include "routing/resolver.h"

namespace sb::http {

struct RequestIds {
  std::string inference_id;
  std::string episode_id;
};

// A new inference id, and the episode id from the body (tensorzero::episode_id), else the
// x-episode-id header, else a new one. A malformed episode id is a 400.
std::expected<RequestIds, Error> make_ids(const Exchange& ex, const std::string& body_episode_id);

// x-inference-id, x-episode-id, and (when known) x-switchboard-model / x-switchboard-provider.
ReplyHeaders identity_headers(const RequestIds& ids, const routing::Candidate* answered);

inline int64_t unix_now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// GET /health (spec §4.1), from cached state: 200 {"status":"ok"} when models are configured and
// every health source is fine, else 503 {"status":"error","message":...} naming the first problem.
std::pair<unsigned, std::string> health_response(bool has_models, const Services* services);

void register_chat_routes(Router& router, std::shared_ptr<WorkerContext> context);
void register_embeddings_routes(Router& router, std::shared_ptr<WorkerContext> context);
void register_info_routes(Router& router, std::shared_ptr<WorkerContext> context);
void register_feedback_routes(Router& router, std::shared_ptr<WorkerContext> context);
void register_metrics_routes(Router& router, std::shared_ptr<WorkerContext> context);

}  // namespace sb::http
