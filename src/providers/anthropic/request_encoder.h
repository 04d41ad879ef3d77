#pragma once

// Canonical ChatRequest -> Anthropic Messages request body.
//
// Besides the conversation (message_encoder.h) and thinking (thinking.h):
// - temperature is clamped to Anthropic's 0..1; with thinking on, temperature is not sent and
//   top_p only when >= 0.95 (Anthropic rejects anything else alongside thinking);
// - stop -> stop_sequences, user -> metadata.user_id; seed and the penalties have no Anthropic
//   counterpart and are not sent;
// - tools -> {name, description, input_schema} (an empty object schema when the tool has none);
//   tool_choice auto|none|required|function -> {type: auto|none|any|tool}; parallel_tool_calls
//   false -> disable_parallel_tool_use (on an explicit or implied auto);
// - response_format json_object / json_schema -> a tool named kJsonToolName whose input_schema is
//   the schema ({"type":"object"} for json_object), forced with tool_choice {type: tool} when the
//   client has no tools of its own and thinking is off (Anthropic forbids forcing a tool while
//   thinking: then it is offered with auto). The decoders turn that tool's input back into text.
//   With the provider option beta_structured_outputs = true, json_schema instead uses Anthropic's
//   native output_format (beta header structured-outputs-2025-11-13).

#include <expected>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::anthropic {

// The tool that carries structured output; a client tool of this name is rejected (400).
inline constexpr std::string_view kJsonToolName = "json_response";
inline constexpr std::string_view kStructuredOutputsBeta = "structured-outputs-2025-11-13";

struct EncodeOptions {
  bool native_structured_outputs = false;  // provider option beta_structured_outputs
};

struct EncodedRequest {
  boost::json::object body;
  bool structured_outputs_beta = false;  // send anthropic-beta: kStructuredOutputsBeta
};

// `model` is the upstream model name.
std::expected<EncodedRequest, Error> encode_request(const api::ChatRequest& request,
                                                    std::string_view model,
                                                    const EncodeOptions& options);

}  // namespace sb::providers::anthropic
