#pragma once

// What the gateway knows about one finished client inference, built once by the handler after
// the reply and handed to every RecordSink (the store, the metrics). Plain owned data: sinks may
// keep it, move it to another thread, or drop it. The content fields are filled only when a
// sink asks for them (RecordSink::wants_content).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/chat.h"

namespace sb::observability {

// One upstream attempt (retries, failures and fallbacks included).
struct AttemptRecord {
  std::string id;              // UUIDv7 of this model inference
  int number = 0;              // 1-based order within the inference
  std::string model;           // configured model key
  std::string provider;        // provider name within the model
  std::string provider_type;   // "openai", "anthropic", ...
  std::string upstream_model;  // provider-side model name
  int http_status = 0;         // 0: no response
  std::string error_code;      // "" on success; else sb::error_code_name
  std::string error;           // "" on success
  int64_t latency_us = 0;
  int64_t ttft_us = 0;  // streaming: first event
  std::optional<api::Usage> usage;
  std::string raw_request;   // bounded; never carries credentials (headers are not stored)
  std::string raw_response;  // bounded
};

struct InferenceRecord {
  std::string id;          // inference id (UUIDv7)
  std::string episode_id;  // UUIDv7
  int64_t timestamp_ms = 0;
  std::string endpoint;  // "chat_completions" | "embeddings"
  bool stream = false;
  bool dryrun = false;  // when true, stores skip it (metrics still count it)

  std::string model_requested;  // the client's model string (never a metrics label)
  std::string model;            // configured model key that answered ("" when none)
  std::string provider;         // provider name that answered
  std::string provider_type;
  std::string upstream_model;  // as the upstream reported it

  int http_status = 0;
  std::string status;      // "ok" | "error" | "cancelled"
  std::string error_code;  // sb::error_code_name, "" when ok
  std::string error;

  std::string input_json;  // the request's messages as OpenAI JSON
  std::string output_text;
  std::string reasoning_text;
  std::string tool_calls_json;  // "[]" when none
  std::string finish_reason;    // "stop", "length", ...
  std::string params_json;      // sampling parameters, tools, response_format
  std::string tags_json;        // "{}" when none

  std::optional<api::Usage> usage;
  int64_t latency_us = 0;   // request received → last byte sent
  int64_t ttft_us = 0;      // streaming: request received → first content byte sent
  int64_t upstream_us = 0;  // time inside upstream attempts
  // gateway overhead = latency_us - upstream_us

  std::vector<AttemptRecord> attempts;
};

// Consumers of finished inferences. record() is called on a worker thread and must not block.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void record(const std::shared_ptr<const InferenceRecord>& record) = 0;
  // Whether record() reads the content: input_json, output_text, reasoning_text,
  // tool_calls_json, params_json, tags_json and the attempts' raw_request / raw_response. When
  // no sink of a worker does, the handlers leave those fields empty and skip the JSON work.
  virtual bool wants_content() const { return true; }
};

}  // namespace sb::observability
