#pragma once

// Client-facing OpenAI Embeddings: canonical response -> response body.
// {"object":"list","data":[{"object":"embedding","index":i,"embedding":[...] | "<base64>"}],
//  "model":...,"usage":{"prompt_tokens":n,"total_tokens":n}}
// Floats are written in their shortest round-trip form; base64 is the little-endian IEEE-754
// float32 bytes of each vector (what OpenAI returns for encoding_format "base64").

#include <string>
#include <string_view>
#include <vector>

#include "api/embeddings.h"

namespace sb::api::openai {

struct EmbeddingMeta {
  std::string model;  // used when the upstream did not report a model
  bool base64 = false;
};

std::string encode_embedding_response(const EmbeddingResponse& response, const EmbeddingMeta& meta);

// Standard base64 (with padding) of the vector's little-endian float32 bytes.
std::string float32_base64(const std::vector<float>& vector);

}  // namespace sb::api::openai
