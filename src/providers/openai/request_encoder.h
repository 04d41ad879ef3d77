#pragma once

// Canonical ChatRequest -> OpenAI Chat Completions request body, in a target's dialect.

#include <string_view>

#include <boost/json/object.hpp>

#include "api/chat.h"
#include "providers/openai/dialect.h"

namespace sb::providers::openai {

// `model` is the upstream's model name (ProviderConfig.model_name). When the request streams,
// usage is always requested (stream_options.include_usage) where the dialect allows it: the
// gateway records usage even when the client did not ask for it.
boost::json::object encode_request_body(const api::ChatRequest& request, std::string_view model,
                                        const Dialect& dialect);

}  // namespace sb::providers::openai
