#pragma once

// Client-facing OpenAI Embeddings: request body -> canonical api::EmbeddingRequest. Every
// rejection is a 400 naming the field at fault; fields this gateway does not know are ignored.
//   model             required string
//   input             a string or a non-empty array of non-empty strings (token arrays are
//                     rejected: the gateway cannot know which tokenizer an upstream uses)
//   dimensions        positive integer
//   encoding_format   "float" (default) or "base64"
//   user              string
//   tensorzero::credentials, tensorzero::dryrun, tensorzero::episode_id, tensorzero::tags

#include <expected>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/embeddings.h"
#include "common/error.h"

namespace sb::api::openai {

struct EmbeddingBody {
  EmbeddingRequest request;
  std::string episode_id;  // tensorzero::episode_id ("" when absent)
  boost::json::object tags;
};

std::expected<EmbeddingBody, Error> decode_embedding_request(std::string_view body);

}  // namespace sb::api::openai
