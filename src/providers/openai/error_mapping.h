#pragma once

// Upstream errors of the OpenAI family -> sb::Error. Understands OpenAI's
// {"error":{"message","type","param","code"}}, OpenRouter's numeric error.code, vLLM's and
// Mistral's {"object":"error","message":...}, FastAPI's {"detail":...} and Ollama's
// {"error":"..."}; anything else keeps the (truncated) body text as the message.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/error.h"
#include "common/http_message.h"

namespace sb::providers::openai {

inline constexpr size_t kMaxProviderMessage = 500;

// What an error body said, normalized.
struct UpstreamErrorInfo {
  std::string message;  // "" when the body had none
  std::string type;
  std::string code;  // string codes as is, numeric codes in decimal
  std::optional<int> numeric_code;
  bool flagged = false;  // a moderation flag (OpenRouter metadata.flagged_input / reasons)
};

// Parses an error body (JSON or not).
UpstreamErrorInfo parse_error_body(std::string_view body);
// The same from an already parsed JSON value; nullopt when it does not look like an error.
std::optional<UpstreamErrorInfo> error_info_from_json(const boost::json::value& v);

// Classifies an upstream error. `status` is the HTTP status (or the in-stream error's numeric
// code, or 0 when unknown). Message: "upstream returned <status>: <provider message>".
Error classify_error(int status, const UpstreamErrorInfo& info);

// retry-after-ms (milliseconds), else Retry-After (delta-seconds or an HTTP-date relative to
// `now`). nullopt when absent or unparseable; never negative.
std::optional<int> parse_retry_after(const HeaderList& headers,
                                     std::chrono::system_clock::time_point now);

// The whole of Codec::decode_error.
Error decode_error(int status, const HeaderList& headers, std::string_view body);

}  // namespace sb::providers::openai
