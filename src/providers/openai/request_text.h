#pragma once

// Canonical ChatRequest -> OpenAI Chat Completions request body as JSON text, in a target's
// dialect. The same document as encode_request_body (request_encoder.h), with the same key order,
// written straight into a string: this is the per-request path to the upstream.

#include <string>
#include <string_view>

#include "api/chat.h"
#include "providers/openai/dialect.h"

namespace sb::providers::openai {

std::string encode_request_text(const api::ChatRequest& request, std::string_view model,
                                const Dialect& dialect);

}  // namespace sb::providers::openai
