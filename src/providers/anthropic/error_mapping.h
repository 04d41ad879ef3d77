#pragma once

// Anthropic errors -> sb::Error. Bodies are {"type":"error","error":{"type","message"}}; the
// error type implies the status Anthropic documents for it:
//
//   invalid_request_error 400   authentication_error 401   billing_error 402
//   permission_error 403        not_found_error 404        request_too_large 413
//   rate_limit_error 429        api_error 500              timeout_error 504
//   overloaded_error 529
//
// Classification follows the OpenAI family (openai/error_mapping.h): 429 is rate-limited, 5xx
// (529 included) a server error, other 4xx a client error with the status kept; Retry-After is
// honoured. Context overflow ("prompt is too long", "... exceed context limit") is
// kContextLengthExceeded. An `error` event inside a stream has no HTTP status of its own: it is
// classified by the status of its type and reported as "upstream reported <type>: <message>".

#include <string_view>

#include <boost/json/value.hpp>

#include "common/error.h"
#include "common/http_message.h"

namespace sb::providers::anthropic {

// The documented status of an error type; 0 when unknown.
int status_for_error_type(std::string_view type);

// The whole of Codec::decode_error.
Error decode_error(int status, const HeaderList& headers, std::string_view body);

// An in-stream (or 200-status) error object {"type":"error","error":{...}}.
Error in_band_error(const boost::json::value& event);

}  // namespace sb::providers::anthropic
