#pragma once

// Turns what a chat handler saw into an observability::InferenceRecord and hands it to the
// worker's sinks, after the reply has gone out.

#include <chrono>
#include <optional>

#include "api/chat.h"
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

}  // namespace sb::http
