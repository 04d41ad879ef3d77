#include "http/handlers/record_builder.h"

#include <boost/json.hpp>

#include "providers/openai/dialect.h"
#include "providers/openai/request_encoder.h"

namespace sb::http {

namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

int64_t unix_ms() {
  return duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string tool_calls_json(const std::vector<api::ToolCall>& calls) {
  boost::json::array out;
  for (const auto& c : calls) {
    out.push_back(
        boost::json::object{{"id", c.id},
                            {"type", "function"},
                            {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
  }
  return boost::json::serialize(out);
}

// The request as OpenAI JSON (credentials are not part of it): messages, and the rest as params.
void fill_input(observability::InferenceRecord& r, const api::ChatRequest& req) {
  auto body = providers::openai::encode_request_body(req, req.model,
                                                     providers::openai::dialect_for("openai"));
  if (auto* m = body.if_contains("messages")) r.input_json = boost::json::serialize(*m);
  for (const char* k : {"model", "messages", "stream", "stream_options"}) body.erase(k);
  r.params_json = boost::json::serialize(body);
  r.tags_json = boost::json::serialize(req.tags);
}

void fill_attempts(observability::InferenceRecord& r, const routing::Answer& answer, bool content) {
  int n = 0;
  r.attempts.reserve(answer.attempts.size());
  for (const auto& a : answer.attempts) {
    r.attempts.push_back(observability::AttemptRecord{
        .id = a.id,
        .number = ++n,
        .model = a.model,
        .provider = a.provider,
        .provider_type = a.provider_type,
        .upstream_model = a.upstream_model,
        .http_status = a.status,
        .error_code = a.code == ErrorCode::kOk ? "" : std::string(error_code_name(a.code)),
        .error = a.error,
        .latency_us = a.latency.count(),
        .ttft_us = a.ttft.count(),
        .usage = a.usage,
        .raw_request = content ? a.raw_request : std::string(),
        .raw_response = content ? a.raw_response : std::string()});
  }
}

void fill_embedding_input(observability::InferenceRecord& r, const EmbeddingRecordInput& in) {
  r.tool_calls_json = "[]";
  boost::json::array input;
  for (const auto& text : in.request.input) input.emplace_back(text);
  r.input_json = boost::json::serialize(input);
  boost::json::object params{{"encoding_format", in.request.base64 ? "base64" : "float"}};
  if (in.request.dimensions) params["dimensions"] = *in.request.dimensions;
  r.params_json = boost::json::serialize(params);
  r.tags_json = in.tags != nullptr ? boost::json::serialize(*in.tags) : std::string("{}");
}

bool wants_content(const WorkerContext& w) {
  for (const auto& sink : w.sinks) {
    if (sink->wants_content()) return true;
  }
  return false;
}

}  // namespace

void publish_chat_record(WorkerContext& w, const ChatRecordInput& in) {
  if (w.sinks.empty()) return;
  bool content = wants_content(w);
  auto r = std::make_shared<observability::InferenceRecord>();
  r->id = in.ids.inference_id;
  r->episode_id = in.ids.episode_id;
  r->timestamp_ms = unix_ms();
  r->endpoint = "chat_completions";
  r->stream = in.request.stream;
  r->dryrun = in.request.dryrun;
  r->model_requested = in.request.model;
  if (const auto* c = in.answer.candidate) {
    r->model = c->model->name;
    r->provider = c->provider->name;
    r->provider_type = c->provider->type;
  }
  r->http_status = in.http_status;
  r->status = in.cancelled ? "cancelled" : (in.error ? "error" : "ok");
  if (in.error) {
    r->error_code = error_code_name(in.error->code);
    r->error = in.error->message;
  }
  if (in.response != nullptr) {
    r->upstream_model = in.response->model;
    r->finish_reason = api::finish_reason_name(in.response->finish_reason);
    r->usage = in.response->usage;
  }
  if (content) {
    if (in.response != nullptr) {
      r->output_text = in.response->text;
      r->reasoning_text = in.response->reasoning;
      r->tool_calls_json = tool_calls_json(in.response->tool_calls);
    } else {
      r->tool_calls_json = "[]";
    }
    fill_input(*r, in.request);
  }
  r->latency_us = duration_cast<microseconds>(std::chrono::steady_clock::now() - in.start).count();
  r->ttft_us = in.ttft.count();
  r->upstream_us = in.answer.upstream_time.count();
  fill_attempts(*r, in.answer, content);
  std::shared_ptr<const observability::InferenceRecord> shared = std::move(r);
  for (const auto& sink : w.sinks) sink->record(shared);
}

void publish_embedding_record(WorkerContext& w, const EmbeddingRecordInput& in) {
  if (w.sinks.empty()) return;
  bool content = wants_content(w);
  auto r = std::make_shared<observability::InferenceRecord>();
  r->id = in.ids.inference_id;
  r->episode_id = in.ids.episode_id;
  r->timestamp_ms = unix_ms();
  r->endpoint = "embeddings";
  r->dryrun = in.request.dryrun;
  r->model_requested = in.request.model;
  if (const auto* c = in.answer.candidate) {
    r->model = c->model->name;
    r->provider = c->provider->name;
    r->provider_type = c->provider->type;
  }
  r->http_status = in.http_status;
  r->status = in.cancelled ? "cancelled" : (in.error ? "error" : "ok");
  if (in.error) {
    r->error_code = error_code_name(in.error->code);
    r->error = in.error->message;
  }
  if (in.response != nullptr) {
    r->upstream_model = in.response->model;
    r->usage = api::Usage{.input_tokens = in.response->input_tokens};
  }
  if (content) fill_embedding_input(*r, in);
  r->latency_us = duration_cast<microseconds>(std::chrono::steady_clock::now() - in.start).count();
  r->upstream_us = in.answer.upstream_time.count();
  fill_attempts(*r, in.answer, content);
  std::shared_ptr<const observability::InferenceRecord> shared = std::move(r);
  for (const auto& sink : w.sinks) sink->record(shared);
}

}  // namespace sb::http
