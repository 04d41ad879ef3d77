#pragma once

// Canonical ChatRequest -> Gemini generateContent request body (the model and streaming are in
// the URL, not the body).
//
// - conversation: content_encoder.h; reasoning: thinking.h;
// - generationConfig: temperature, topP, maxOutputTokens (max_tokens), stopSequences, seed,
//   presencePenalty, frequencyPenalty; response_format json_object -> responseMimeType
//   application/json, json_schema -> the same plus responseJsonSchema (full JSON Schema, so
//   OpenAI schemas need no translation to Gemini's OpenAPI subset);
// - tools -> one tool with functionDeclarations {name, description, parametersJsonSchema};
//   tool_choice auto|none|required|function -> toolConfig.functionCallingConfig mode
//   AUTO|NONE|ANY|ANY with allowedFunctionNames [name]. Gemini has no switch for parallel calls:
//   parallel_tool_calls is not sent. user is not sent.

#include <expected>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::gemini {

// `model` is the upstream model name without a "models/" prefix.
std::expected<boost::json::object, Error> encode_request(const api::ChatRequest& request,
                                                         std::string_view model);

}  // namespace sb::providers::gemini
