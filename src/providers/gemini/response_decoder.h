#pragma once

// Gemini GenerateContentResponse (a whole response, or one chunk of a stream) -> canonical
// values.
//
// candidates[0].content.parts: text -> text; text with thought: true -> reasoning;
// functionCall {id?, name, args} -> a tool call (args serialized; an id is made up when Gemini
// gives none, see tool_call_id); the first thoughtSignature -> reasoning_signature (Gemini puts
// it on the first function call, or on the last part of a text answer). Other parts (inline
// images, code execution) are not forwarded.
//
// finishReason: STOP -> stop (tool_calls when the answer called functions); MAX_TOKENS ->
// length; SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY -> content_filter;
// anything else -> stop. A response with no candidates whose promptFeedback has a blockReason is
// kContentFiltered ("upstream blocked the prompt: <reason>").
//
// usageMetadata: input = promptTokenCount (+ toolUsePromptTokenCount), output =
// candidatesTokenCount + thoughtsTokenCount (OpenAI counts reasoning inside completion tokens),
// reasoning = thoughtsTokenCount, cache_read = cachedContentTokenCount (already inside
// promptTokenCount). model = modelVersion, id = responseId.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::gemini {

// What one candidate's parts said.
struct DecodedParts {
  bool has_text = false;
  std::string text;
  std::string reasoning;
  std::string signature;  // the first thoughtSignature
  std::vector<api::ToolCall> calls;
};

// `first_call` numbers the calls (ids made up for calls without one use it).
DecodedParts decode_parts(const boost::json::object* candidate, int first_call);

// "call_" + 16 hex digits of a hash of the call's position, name and arguments: stable, and
// distinct for distinct calls of one conversation.
std::string tool_call_id(int index, std::string_view name, std::string_view args);

api::FinishReason map_finish_reason(std::string_view reason, bool has_tool_calls);
std::optional<api::Usage> decode_usage(const boost::json::object& response);
// The first candidate, or nullptr.
const boost::json::object* first_candidate(const boost::json::object& response);
// kContentFiltered when the prompt was blocked (no candidates, a promptFeedback.blockReason).
std::optional<Error> blocked_prompt(const boost::json::object& response);

std::expected<api::ChatResponse, Error> decode_response_body(std::string_view body);

}  // namespace sb::providers::gemini
