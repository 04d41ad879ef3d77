#pragma once

// Anthropic Messages responses (and the pieces stream events share) -> canonical values.
//
// Content blocks: text -> text; thinking -> reasoning (its signature -> reasoning_signature);
// tool_use -> tool calls with `input` serialized as the arguments, except the structured-output
// tool (kJsonToolName), whose input becomes the text; redacted_thinking and server-tool blocks
// are not forwarded. stop_reason: end_turn, stop_sequence, pause_turn -> stop; max_tokens,
// model_context_window_exceeded -> length; tool_use -> tool_calls (stop when the only tool was
// the structured-output one); refusal -> content_filter.
//
// Usage: Anthropic's input_tokens excludes cached input, while the canonical input count includes
// it (as OpenAI's prompt_tokens does), so input = input_tokens + cache_read_input_tokens +
// cache_creation_input_tokens, with the two cache counts also kept apart. Anthropic does not
// count thinking tokens separately (they are in output_tokens): reasoning_tokens stays 0.

#include <cstdint>
#include <expected>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::anthropic {

api::FinishReason map_stop_reason(std::string_view stop_reason, bool has_tool_calls);

// Anthropic's usage counters; a stream reports them in message_start and again (cumulatively) in
// message_delta.
struct RawUsage {
  int64_t input = 0;
  int64_t output = 0;
  int64_t cache_read = 0;
  int64_t cache_write = 0;

  void update(const boost::json::object& usage);  // counters present in `usage` replace ours
  api::Usage canonical() const;
};

std::expected<api::ChatResponse, Error> decode_response_body(std::string_view body);

}  // namespace sb::providers::anthropic
