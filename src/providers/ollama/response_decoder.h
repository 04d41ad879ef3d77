#pragma once

// Ollama /api/chat responses -> canonical values. A non-streaming response and every NDJSON
// stream line share one shape: {"model","created_at","message":{"role","content","thinking",
// "tool_calls":[{"function":{"name","arguments":{...}}}]},"done","done_reason",
// "prompt_eval_count","eval_count",...}; errors are {"error":"..."}.

#include <expected>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::ollama {

// done_reason: "length" -> kLength; "stop" (and "load", "unload", anything else) -> kStop, or
// kToolCalls when the answer called tools. Absent -> kNone.
api::FinishReason map_done_reason(const boost::json::object& line, bool called_tools);

// prompt_eval_count / eval_count; nullopt when neither is present. Ollama counts thinking in
// eval_count and does not report it separately.
std::optional<api::Usage> decode_usage(const boost::json::object& line);

// Tool calls of message.tool_calls. Ollama may omit ids: a missing one becomes "call_<n>", n
// counting from `first_index` (the calls seen earlier in the same answer). Arguments come as a
// JSON object and are passed on as its JSON text.
std::vector<api::ToolCall> decode_tool_calls(const boost::json::object& message, int first_index);

// An {"error": ...} body as an Error (the provider's message; "context length" messages are
// kContextLengthExceeded). nullopt when `line` is not an error.
std::optional<Error> error_of(const boost::json::object& line, int status);

std::expected<api::ChatResponse, Error> decode_chat_body(std::string_view body);

}  // namespace sb::providers::ollama
