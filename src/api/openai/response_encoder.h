#pragma once

// Client-facing OpenAI Chat Completions: canonical response -> response body JSON, and the
// models list. The model named in a response is the one that answered (DESIGN §1 "Who answered").

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/chat.h"

namespace sb::api::openai {

struct ResponseMeta {
  std::string inference_id;  // the response id is "chatcmpl-<inference_id>"
  std::string episode_id;
  std::string model;    // used when the upstream did not report a model
  int64_t created = 0;  // unix seconds
};

std::string encode_chat_response(const ChatResponse& response, const ResponseMeta& meta);

// Appends {"prompt_tokens","completion_tokens","total_tokens", details only when non-zero}.
void append_usage_json(std::string& out, const Usage& usage);

// The OpenAI finish_reason for a finished response; kNone becomes "tool_calls" when the answer
// called tools, else "stop".
std::string_view finish_reason_or_default(FinishReason reason, bool has_tool_calls);

// GET /v1/models: {"object":"list","data":[{"id","object":"model","created":0,"owned_by"}...]}
std::string encode_models_list(const std::vector<std::string>& names,
                               std::string_view owned_by = "switchboard");

}  // namespace sb::api::openai
