#include "http/handlers/common.h"

#include "common/ids.h"
#include "http/handlers.h"

namespace sb::http {

std::expected<RequestIds, Error> make_ids(const Exchange& ex, const std::string& body_episode_id) {
  RequestIds ids{.inference_id = ids::uuid_v7()};
  std::string episode = body_episode_id;
  if (episode.empty()) episode = std::string(ex.header("x-episode-id"));
  if (episode.empty()) {
    ids.episode_id = ids::uuid_v7();
  } else if (!ids::is_uuid_v7(episode)) {
    return std::unexpected(make_error(ErrorCode::kInvalidRequest,
                                      "episode id '" + episode + "' is not a UUIDv7",
                                      "tensorzero::episode_id"));
  } else {
    ids.episode_id = std::move(episode);
  }
  return ids;
}

ReplyHeaders identity_headers(const RequestIds& ids, const routing::Candidate* answered) {
  ReplyHeaders h;
  h.add("x-inference-id", ids.inference_id);
  h.add("x-episode-id", ids.episode_id);
  if (answered != nullptr) {
    h.add("x-switchboard-model", answered->model->name);
    h.add("x-switchboard-provider", answered->provider->name);
  }
  return h;
}

void register_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  register_chat_routes(router, context);
  register_embeddings_routes(router, context);
  register_info_routes(router, context);
  register_feedback_routes(router, context);
  register_metrics_routes(router, context);
}

}  // namespace sb::http
