#pragma once

// OpenAI Chat Completions response (and stream chunk) pieces -> canonical values. Shared by the
// non-streaming decoder and the StreamDecoder.

#include <expected>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::openai {

// stop / length / tool_calls / function_call / content_filter, and the spellings compatible
// servers use (eos, max_tokens, ...). Unknown strings are kStop; null or absent kNone.
api::FinishReason map_finish_reason(const boost::json::value* v);
api::FinishReason map_finish_reason(std::string_view s);

// usage: prompt/completion tokens, reasoning_tokens, cached_tokens (OpenAI details or DeepSeek's
// prompt_cache_hit_tokens).
std::optional<api::Usage> decode_usage(const boost::json::object& body);

// Reasoning text of a message or delta: `reasoning_content` (DeepSeek, vLLM) or `reasoning`
// (OpenRouter, Groq, Ollama).
std::string_view reasoning_of(const boost::json::object& message);

std::expected<api::ChatResponse, Error> decode_response_body(std::string_view body);

}  // namespace sb::providers::openai
