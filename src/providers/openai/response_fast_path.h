#pragma once

// The common shape of an OpenAI chat completion, decoded straight from the parser's events
// instead of through a DOM (building and searching the DOM was a sixth of the gateway's
// instructions per request). Handles: id, model, created, system_fingerprint, the first choice's
// message (content as a string or null, reasoning_content / reasoning, tool_calls whose
// arguments are strings) and finish_reason, and usage with its details. Everything else
// (content parts, legacy function_call, object arguments, a 200 carrying an error, x_groq,
// invalid JSON, unexpected types) returns nullopt, and the caller decodes the body with the DOM,
// which knows every variant and words the errors.

#include <optional>
#include <string_view>

#include "api/chat.h"

namespace sb::providers::openai {

std::optional<api::ChatResponse> decode_common_response(std::string_view body);

// The same for one stream chunk (the data of an SSE event): model, the first choice's delta
// (role, content, reasoning_content / reasoning, tool call deltas with their index),
// finish_reason and usage. nullopt for anything else, error events included: the stream
// decoder's DOM path handles them.
std::optional<api::StreamChunk> decode_common_chunk(std::string_view data);

}  // namespace sb::providers::openai
