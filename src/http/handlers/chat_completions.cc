// POST /v1/chat/completions and /openai/v1/chat/completions.

#include <chrono>

#include <fmt/compile.h>
#include <spdlog/spdlog.h>

#include "api/openai/chat_decode.h"
#include "api/openai/chat_encode.h"
#include "api/stream_collector.h"
#include "common/ids.h"
#include "http/handlers/common.h"
#include "http/handlers/record_builder.h"

namespace sb::http {

namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// Relays canonical stream events to the client as OpenAI chunks over SSE.
class OpenAISseSink final : public routing::StreamSink {
 public:
  OpenAISseSink(Exchange& ex, const RequestIds& ids, const api::ChatRequest& request)
      : ex_(ex), ids_(ids), include_usage_(request.include_usage) {}

  net::awaitable<bool> begin(const routing::Candidate& c) override {
    // The model that answers is known now; it names the stream when the upstream does not.
    encoder_.emplace(api::openai::ResponseMeta{.inference_id = ids_.inference_id,
                                               .episode_id = ids_.episode_id,
                                               .model = c.provider->model_name,
                                               .created = unix_now()},
                     include_usage_);
    co_return co_await ex_.begin_stream(identity_headers(ids_, &c));
  }
  bool send(const api::StreamChunk& chunk) override {
    collected_.add(chunk);
    buffer_.clear();
    encoder_->encode(chunk, buffer_);
    return ex_.queue(buffer_);
  }
  net::awaitable<bool> flush() override { co_return co_await ex_.flush(); }
  net::awaitable<void> finish() override {
    buffer_.clear();
    encoder_->done(buffer_);
    ex_.queue(buffer_);
    co_await ex_.end_stream();
  }
  net::awaitable<void> fail(const Error& error) override {
    if (!ex_.streaming()) {
      co_await ex_.reply_error(error, identity_headers(ids_, nullptr));
      co_return;
    }
    buffer_.clear();
    api::openai::ChunkEncoder::error_frame(error, buffer_);
    ex_.queue(buffer_);
    co_await ex_.end_stream();
  }

 private:
  Exchange& ex_;
  const RequestIds& ids_;
  bool include_usage_;
  std::optional<api::openai::ChunkEncoder> encoder_;
  api::StreamCollector collected_;

 public:
  const api::ChatResponse& collected() const { return collected_.response(); }

 private:
  std::string buffer_;
};

void log_outcome(const api::ChatRequest& req, const RequestIds& ids,
                 const routing::Candidate* answered, int status, Clock::time_point start,
                 const std::optional<Error>& error) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  if (!error) {
    // Once per request: formatted with a compiled format into a stack buffer (no format-string
    // parsing, no std::string temporaries); the logger copies the line into its queue.
    spdlog::logger& logger = *spdlog::default_logger_raw();
    if (!logger.should_log(spdlog::level::info)) return;
    std::string_view model = answered ? answered->model->name : req.model;
    std::string_view provider = answered ? std::string_view(answered->provider->name) : "";
    spdlog::memory_buf_t line;
    fmt::format_to(std::back_inserter(line),
                   FMT_COMPILE("request processed: model={}, provider={}, status={}, "
                               "latency_ms={}, inference_id={}"),
                   model, provider, status, ms, std::string_view(ids.inference_id));
    logger.log(spdlog::level::info, spdlog::string_view_t(line.data(), line.size()));
  } else {
    spdlog::warn("request failed: model={}, status={}, latency_ms={}, inference_id={}, error={}",
                 req.model, status, ms, ids.inference_id, error->message);
  }
}

// One decoded, resolved chat request on its way to the executor. References into the frame of
// chat_completions, which awaits the coroutines that take it.
struct ChatCall {
  Exchange& ex;
  WorkerContext& w;
  const api::ChatRequest& request;
  const RequestIds& ids;
  const routing::Resolution& resolution;
  routing::CancelSignal& cancel;
  Clock::time_point start;
};

// After the upstream answered (or not): log and record. Not a coroutine, so none of this sits in
// a frame while the request is in flight.
void finish_unary(const ChatCall& call, const routing::Answer& answer,
                  const std::expected<api::ChatResponse, Error>& response, bool gone) {
  if (!response) {
    int status = to_http(response.error()).status;
    log_outcome(call.request, call.ids, nullptr, status, call.start, response.error());
    publish_chat_record(call.w, {.request = call.request,
                                 .ids = call.ids,
                                 .answer = answer,
                                 .error = response.error(),
                                 .cancelled = gone,
                                 .http_status = gone ? 499 : status,
                                 .start = call.start});
    return;
  }
  publish_chat_record(call.w, {.request = call.request,
                               .ids = call.ids,
                               .answer = answer,
                               .response = &*response,
                               .start = call.start});
}

std::string encode_unary(const ChatCall& call, const routing::Answer& answer,
                         const api::ChatResponse& response) {
  return api::openai::encode_chat_response(
      response, api::openai::ResponseMeta{.inference_id = call.ids.inference_id,
                                          .episode_id = call.ids.episode_id,
                                          .model = answer.candidate->provider->model_name,
                                          .created = unix_now()});
}

net::awaitable<void> chat_unary(ChatCall call) {
  routing::Answer answer;
  auto response = co_await call.w.executor.chat(call.request, call.resolution, call.cancel, answer);
  call.ex.unwatch();
  bool gone = call.ex.client_gone();  // before the reply: a failed write is not a client that left
  if (!response) {
    if (!gone) co_await call.ex.reply_error(response.error(), identity_headers(call.ids, nullptr));
  } else {
    log_outcome(call.request, call.ids, answer.candidate, 200, call.start, std::nullopt);
    co_await call.ex.reply(200, encode_unary(call, answer, *response),
                           identity_headers(call.ids, answer.candidate));
  }
  finish_unary(call, answer, response, gone);
}

void finish_stream(const ChatCall& call, const OpenAISseSink& sink,
                   const routing::StreamOutcome& outcome) {
  int status = outcome.ok ? 200 : (outcome.client_gone ? 499 : to_http(*outcome.error).status);
  std::optional<Error> error;
  if (!outcome.ok) {
    error =
        outcome.error ? *outcome.error : make_error(ErrorCode::kRequestTimeout, "client went away");
  }
  log_outcome(call.request, call.ids, outcome.answer.candidate, status, call.start, error);
  api::ChatResponse collected = sink.collected();
  if (!collected.usage) collected.usage = outcome.usage;
  publish_chat_record(call.w, {.request = call.request,
                               .ids = call.ids,
                               .answer = outcome.answer,
                               .response = &collected,
                               .error = error,
                               .cancelled = outcome.client_gone,
                               .http_status = status,
                               .start = call.start,
                               .ttft = outcome.ttft});
}

// This frame lives as long as the stream: only the sink and the outcome.
net::awaitable<void> chat_streamed(ChatCall call) {
  OpenAISseSink sink(call.ex, call.ids, call.request);
  auto outcome =
      co_await call.w.executor.chat_stream(call.request, call.resolution, sink, call.cancel);
  call.ex.unwatch();
  finish_stream(call, sink, outcome);
}

net::awaitable<void> chat_completions(Exchange& ex, WorkerContext& w) {
  auto start = Clock::now();
  auto request = api::openai::decode_chat_request(ex.request().body());
  ex.release_body();  // decoded; nothing reads the raw bytes again
  if (!request) {
    co_await ex.reply_error(request.error());
    co_return;
  }
  auto ids = make_ids(ex, request->episode_id);
  if (!ids) {
    co_await ex.reply_error(ids.error());
    co_return;
  }
  auto resolution = w.runtime->resolver.resolve(request->model, config::ModelKind::kChat);
  if (!resolution) {
    co_await ex.reply_error(resolution.error(), identity_headers(*ids, nullptr));
    co_return;
  }

  routing::CancelSignal cancel;
  ex.watch_disconnect([&cancel] { cancel.cancel(); });
  ChatCall call{.ex = ex,
                .w = w,
                .request = *request,
                .ids = *ids,
                .resolution = *resolution,
                .cancel = cancel,
                .start = start};
  if (request->stream) {
    co_await chat_streamed(call);
  } else {
    co_await chat_unary(call);
  }
}

}  // namespace

void register_chat_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  auto handler = [context](Exchange& ex) { return chat_completions(ex, *context); };
  router.add("POST", "/v1/chat/completions", handler);
  router.add("POST", "/openai/v1/chat/completions", handler);
}

}  // namespace sb::http
