#pragma once

// Gemini embeddings. One input: POST .../models/{model}:embedContent with
// {"model":"models/NAME","content":{"parts":[{"text"}]},"outputDimensionality"?} ->
// {"embedding":{"values":[...]}}. Several: :batchEmbedContents with {"requests":[one such object
// per input]} -> {"embeddings":[{"values":[...]}, ...]} in input order. Gemini reports no model
// and (usually) no token count: the response model stays "" and input_tokens is
// usageMetadata.promptTokenCount when present, else 0.

#include <expected>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/embeddings.h"
#include "common/error.h"

namespace sb::providers::gemini {

// The body for `request`; `model` has no "models/" prefix. Batch when there is more than one
// input.
boost::json::object encode_embeddings_body(const api::EmbeddingRequest& request,
                                           std::string_view model);

std::expected<api::EmbeddingResponse, Error> decode_embeddings_body(std::string_view body);

}  // namespace sb::providers::gemini
