#pragma once

// Turns what a chat handler saw into an observability::InferenceRecord and hands it to the
// worker's sinks, after the reply has gone out.

#include <chrono>
#include <optional>

#include "api/chat.h"
#include "api/embeddings.h"
#include "common/error.h"
#include "http/handlers/common.h"
#include "observability/record.h"
#include "routing/executor.h"

namespace sb::http {

struct ChatRecordInput {
  const api::ChatRequest& request;
  const RequestIds& ids;
  const routing::Answer& answer;
  const api::ChatResponse* response = nullptr;  // the answer (whole, or collected from a stream)
  std::optional<Error> error;
  bool cancelled = false;
  int http_status = 200;
  std::chrono::steady_clock::time_point start;
  std::chrono::microseconds ttft{0};
};

void publish_chat_record(WorkerContext& w, const ChatRecordInput& in);

// An embeddings inference (endpoint "embeddings"): input_json is the input texts, params_json
// dimensions and encoding_format; no output text (vectors are not stored), usage input tokens.
struct EmbeddingRecordInput {
  const api::EmbeddingRequest& request;
  const RequestIds& ids;
  const routing::Answer& answer;
  const api::EmbeddingResponse* response = nullptr;
  const boost::json::object* tags = nullptr;  // tensorzero::tags
  std::optional<Error> error;
  bool cancelled = false;
  int http_status = 200;
  std::chrono::steady_clock::time_point start;
};

void publish_embedding_record(WorkerContext& w, const EmbeddingRecordInput& in);

}  // namespace sb::http
