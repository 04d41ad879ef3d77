#pragma once

// The common shape of a chat request, decoded straight from the parser's events instead of
// through a DOM. Takes: model, messages whose entries are {role (system, developer, user,
// assistant), content (a string), name}, the sampling numbers, max_tokens /
// max_completion_tokens, n = 1, seed, stop, user, reasoning_effort, parallel_tool_calls, stream
// and stream_options.include_usage — with the same validation the full decoder applies. Anything
// else (another key, another type, a value out of range, a duplicate key, invalid JSON) returns
// nullopt, and the caller decodes with the full decoder, which knows every field and words the
// errors. So the fast path never accepts what the full decoder would reject, nor reads a request
// differently (tests compare the two).

#include <optional>
#include <string_view>

#include "api/chat.h"

namespace sb::api::openai {

std::optional<ChatRequest> decode_common_request(std::string_view body);

}  // namespace sb::api::openai
