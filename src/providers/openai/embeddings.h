#pragma once

// OpenAI Embeddings (POST <base>/embeddings), used by OpenAI, its compatible family and Azure.
// Request: {"model","input":[...],"dimensions"?,"user"?}; vectors are always asked for as floats
// (the gateway does the client's base64 itself). Response: {"object":"list","data":[{"object":
// "embedding","index","embedding":[...]}],"model","usage":{"prompt_tokens","total_tokens"}}.

#include <expected>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "api/embeddings.h"
#include "common/error.h"
#include "providers/openai/dialect.h"

namespace sb::providers::openai {

boost::json::object encode_embeddings_body(const api::EmbeddingRequest& request,
                                           std::string_view model, const Dialect& dialect);

// Vectors in input order (by `index`, which must cover 0..n-1 exactly once), the reported model
// and usage.prompt_tokens. A 200 carrying an error body is that error.
std::expected<api::EmbeddingResponse, Error> decode_embeddings_body(std::string_view body);

// An embedding as JSON: an array of numbers, or a base64 string of little-endian float32 values
// (what encoding_format "base64" returns). nullopt for anything else.
std::optional<std::vector<float>> float_vector(const boost::json::value& v);

}  // namespace sb::providers::openai
