#pragma once

// Canonical ChatRequest -> Ollama native /api/chat request body.
//
// Mapping (everything not listed is not sent):
//   messages        role system|user|assistant|tool ("developer" is sent as "system"); content is
//                   one string (text parts joined by "\n"); image parts become `images` (base64,
//                   from data: URIs only: Ollama cannot be handed a URL, and the gateway does not
//                   fetch one, so an http(s) image URL is a 400); assistant `reasoning` is sent
//                   back as `thinking`; tool calls as {"function":{"name","arguments":{...}}}
//                   (arguments must be a JSON object); tool results carry `tool_name`, found from
//                   the assistant call with the same id.
//   options         temperature, top_p, num_predict (max_tokens), stop, seed, presence_penalty,
//                   frequency_penalty.
//   tools           OpenAI-shaped function tools. Ollama has no tool_choice: "none" sends no
//                   tools, a named function sends only that tool, "required" cannot be enforced.
//   format          response_format json_object -> "json"; json_schema -> the schema itself.
//   think           reasoning_effort "none" -> false; for models that take a level (names
//   containing "gpt-oss")
//                   "minimal"/"low" -> "low", "medium" -> "medium", "high" -> "high"; for every
//                   other model any effort -> true (Ollama thinking models take a boolean).
//   stream          always sent (Ollama streams unless told `false`).

#include <expected>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::ollama {

// `model` is the provider-side model name. Errors are kInvalidRequest naming the field (an image
// URL Ollama cannot take, a content part it has no field for, tool arguments that are not an
// object).
std::expected<boost::json::object, Error> encode_chat_body(const api::ChatRequest& request,
                                                           std::string_view model);

// The `think` value for a reasoning_effort on `model`; null when nothing is to be sent.
boost::json::value think_value(std::string_view reasoning_effort, std::string_view model);

}  // namespace sb::providers::ollama
