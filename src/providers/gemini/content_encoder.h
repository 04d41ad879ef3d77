#pragma once

// Canonical conversation -> Gemini `contents` and `systemInstruction`.
//
// - system and developer messages, wherever they appear, become systemInstruction.parts;
// - user -> role "user": text parts; images as inlineData {mimeType, data} (base64 data: URI) or
//   fileData {fileUri, mimeType when the extension tells it} (http(s) URL); input_audio and
//   file_data parts as inlineData;
// - assistant -> role "model": text, then functionCall {name, args} parts. The reasoning
//   signature goes back as thoughtSignature on the first functionCall part (where Gemini puts it),
//   else on the last part. Gemini 3 requires a signature on function calls it made: a turn without
//   one (it came from another provider, or the client dropped it) carries Google's documented
//   placeholder kSkipSignature instead. Reasoning text is not sent back.
// - tool -> role "user" with functionResponse {name, response}: the name is found from the
//   earlier tool call with the message's tool_call_id; a content that is a JSON object is the
//   response itself, anything else becomes {"output": text}. Consecutive tool messages share one
//   turn (Gemini wants all results of a parallel call together).
// - empty text parts are dropped.

#include <expected>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "api/chat.h"
#include "common/error.h"

namespace sb::providers::gemini {

inline constexpr std::string_view kSkipSignature = "skip_thought_signature_validator";

struct EncodedContents {
  boost::json::value system_instruction;  // null when there is no system text
  boost::json::array contents;
};

// `model` is the upstream model name (Gemini 3 needs signatures on function calls). Errors are
// kInvalidRequest naming the message (and part): unsupported parts, tool arguments that are not a
// JSON object, a tool_call_id that matches no earlier call.
std::expected<EncodedContents, Error> encode_contents(const std::vector<api::Message>& messages,
                                                      std::string_view model);

}  // namespace sb::providers::gemini
