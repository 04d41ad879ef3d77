// POST /v1/embeddings and /openai/v1/embeddings.

#include <chrono>

#include <spdlog/spdlog.h>

#include "api/openai/embeddings_decode.h"
#include "api/openai/embeddings_encode.h"
#include "http/handlers/common.h"
#include "http/handlers/record_builder.h"
#include "routing/executor_embed.h"

namespace sb::http {

namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

void log_outcome(const api::EmbeddingRequest& req, const RequestIds& ids,
                 const routing::Candidate* answered, int status, Clock::time_point start,
                 const Error* error) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  if (error == nullptr) {
    spdlog::info(
        "embeddings processed: model={}, provider={}, inputs={}, status={}, latency_ms={}, "
        "inference_id={}",
        answered ? answered->model->name : req.model, answered ? answered->provider->name : "",
        req.input.size(), status, ms, ids.inference_id);
  } else {
    spdlog::warn("embeddings failed: model={}, status={}, latency_ms={}, inference_id={}, error={}",
                 req.model, status, ms, ids.inference_id, error->message);
  }
}

net::awaitable<void> embeddings(Exchange& ex, WorkerContext& w) {
  auto start = Clock::now();
  ReplyHeaders no_headers;  // named, not a default-argument temporary: GCC 12 and co_await
  auto body = api::openai::decode_embedding_request(ex.request().body());
  if (!body) {
    co_await ex.reply_error(body.error(), no_headers);
    co_return;
  }
  const api::EmbeddingRequest& request = body->request;
  auto ids = make_ids(ex, body->episode_id);
  if (!ids) {
    co_await ex.reply_error(ids.error(), no_headers);
    co_return;
  }
  auto resolution = w.runtime->resolver.resolve(request.model, config::ModelKind::kEmbedding);
  ReplyHeaders anonymous = identity_headers(*ids, nullptr);
  if (!resolution) {
    co_await ex.reply_error(resolution.error(), anonymous);
    co_return;
  }

  routing::CancelSignal cancel;
  ex.watch_disconnect([&cancel] { cancel.cancel(); });
  routing::Answer answer;
  auto response =
      co_await routing::embed(*w.runtime, *w.client, request, *resolution, cancel, answer);
  ex.unwatch();
  if (!response) {
    int status = to_http(response.error()).status;
    bool gone = ex.client_gone();
    log_outcome(request, *ids, nullptr, status, start, &response.error());
    if (!gone) co_await ex.reply_error(response.error(), anonymous);
    publish_embedding_record(w, {.request = request,
                                 .ids = *ids,
                                 .answer = answer,
                                 .tags = &body->tags,
                                 .error = response.error(),
                                 .cancelled = gone,
                                 .http_status = gone ? 499 : status,
                                 .start = start});
    co_return;
  }
  api::openai::EmbeddingMeta meta{.model = response->model, .base64 = request.base64};
  std::string text = api::openai::encode_embedding_response(*response, meta);
  log_outcome(request, *ids, answer.candidate, 200, start, nullptr);
  ReplyHeaders identity = identity_headers(*ids, answer.candidate);
  co_await ex.reply(200, std::move(text), identity);
  publish_embedding_record(w, {.request = request,
                               .ids = *ids,
                               .answer = answer,
                               .response = &*response,
                               .tags = &body->tags,
                               .start = start});
}

}  // namespace

void register_embeddings_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  auto handler = [context](Exchange& ex) { return embeddings(ex, *context); };
  router.add("POST", "/v1/embeddings", handler);
  router.add("POST", "/openai/v1/embeddings", handler);
}

}  // namespace sb::http
