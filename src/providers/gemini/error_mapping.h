#pragma once

// Gemini errors -> sb::Error. Bodies are {"error":{"code","message","status","details"}} (some
// endpoints wrap that object in a one-element array). Classification follows the OpenAI family
// (openai/error_mapping.h) on the HTTP status, or on error.code for an error inside a stream or a
// 200 body: 429 RESOURCE_EXHAUSTED is rate-limited, 5xx a server error, other 4xx a client error
// with the status kept. "The input token count (N) exceeds the maximum number of tokens allowed"
// is kContextLengthExceeded. The retry delay comes from Retry-After, else from the
// google.rpc.RetryInfo detail's retryDelay ("37s").

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/error.h"
#include "common/http_message.h"

namespace sb::providers::gemini {

// The whole of Codec::decode_error.
Error decode_error(int status, const HeaderList& headers, std::string_view body);

// An {"error":{...}} in a stream or a 2xx body ("upstream reported an error: ...").
Error in_band_error(const boost::json::value& body);

// RetryInfo.retryDelay of an error object, in milliseconds.
std::optional<int> retry_delay_ms(const boost::json::object& error);

}  // namespace sb::providers::gemini
