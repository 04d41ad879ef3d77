#include "routing/executor_embed.h"

#include <spdlog/spdlog.h>

#include "routing/attempt.h"
#include "routing/candidate_walk.h"
#include "routing/retry.h"

namespace sb::routing {

namespace {

std::expected<OutboundRequest, Error> prepare_embed(const Runtime& runtime, const Candidate& c,
                                                    const api::EmbeddingRequest& request) {
  const auto& codec = providers::codec_for(c.descriptor->family);
  if (!codec.supports_embeddings()) {
    return std::unexpected(
        make_error(ErrorCode::kInvalidRequest,
                   "provider type '" + c.provider->type + "' does not serve embeddings", "model"));
  }
  auto target = make_target(runtime, c, request.credentials);
  if (!target) return std::unexpected(std::move(target.error()));
  return codec.encode_embeddings(request, *target);
}

// Decodes a 2xx body; one vector per input or it is a bad response.
std::expected<api::EmbeddingResponse, Error> decode_embed(const Candidate& c,
                                                          const api::EmbeddingRequest& request,
                                                          std::string_view body) {
  auto decoded = providers::codec_for(c.descriptor->family).decode_embeddings(body);
  if (!decoded) return decoded;
  if (decoded->vectors.size() != request.input.size()) {
    return std::unexpected(
        make_error(ErrorCode::kUpstreamBadResponse,
                   "upstream returned " + std::to_string(decoded->vectors.size()) +
                       " embeddings for " + std::to_string(request.input.size()) + " inputs"));
  }
  if (decoded->model.empty()) {  // azure (TensorZero shape) names a deployment, not a model
    decoded->model =
        c.provider->model_name.empty() ? c.provider->deployment_id : c.provider->model_name;
  }
  return decoded;
}

// One attempt on one candidate; records it in `answer`.
boost::asio::awaitable<std::expected<api::EmbeddingResponse, Error>> attempt_embed(
    const Runtime& runtime, upstream::Client& client, const Candidate& c,
    const api::EmbeddingRequest& request, CancelSignal& cancel, Answer& answer,
    Clock::time_point model_deadline) {
  auto started = Clock::now();
  Attempt attempt = start_attempt(c);
  auto out = prepare_embed(runtime, c, request);
  Error error;
  if (!out) {
    error = out.error();
  } else {
    auto body = co_await exchange_once(runtime, client, c, std::move(*out), cancel, attempt, answer,
                                       model_deadline);
    if (!body) {
      error = body.error();
    } else {
      auto decoded = decode_embed(c, request, *body);
      if (decoded) {
        attempt.latency = since(started);
        attempt.usage = api::Usage{.input_tokens = decoded->input_tokens};
        answer.attempts.push_back(std::move(attempt));
        answer.candidate = &c;
        co_return std::move(*decoded);
      }
      error = decoded.error();
      error.status = attempt.status;
    }
  }
  fail_attempt(attempt, error, started);
  answer.attempts.push_back(std::move(attempt));
  co_return std::unexpected(error);
}

}  // namespace

boost::asio::awaitable<std::expected<api::EmbeddingResponse, Error>> embed(
    const Runtime& runtime, upstream::Client& client, const api::EmbeddingRequest& request,
    const Resolution& resolution, CancelSignal& cancel, Answer& answer) {
  Error last = make_error(ErrorCode::kInternal, "no candidate was tried");
  ModelClock model_clock;
  CandidateWalk walk(resolution, *runtime.breakers);
  while (const Candidate* c = walk.next()) {
    if (cancel.cancelled()) {
      walk.report(nullptr);
      break;
    }
    model_clock.enter(c->model, c->model->timeouts.non_streaming_total);
    auto policy = retries_for(*c->provider, *c->model);
    for (int retry = 0;; ++retry) {
      auto result = co_await attempt_embed(runtime, client, *c, request, cancel, answer,
                                           model_clock.deadline);
      if (result) {
        walk.report(nullptr);
        co_return result;
      }
      last = result.error();
      if (cancel.cancelled() || !retry_same_provider(last) || retry >= policy.num_retries) break;
      auto delay = retry_delay(retry, policy, last, model_clock.remaining());
      if (!delay) break;  // Retry-After beyond the budget: fail over now
      spdlog::warn(
          "retrying embeddings request: model={}, provider={}, retry={}, delay_ms={}, error={}",
          c->model->name, c->provider->name, retry + 1, delay->count(), last.message);
      co_await sleep_for(*delay);
    }
    walk.report(&last);
    if (cancel.cancelled() || is_final(last) || last.code == ErrorCode::kMissingCredential) break;
  }
  if (cancel.cancelled()) {
    co_return std::unexpected(make_error(ErrorCode::kRequestTimeout, "client closed the request"));
  }
  co_return std::unexpected(exhausted_error(answer.attempts, last));
}

}  // namespace sb::routing
