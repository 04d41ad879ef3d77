#pragma once

// Canonical embedding types, between api/openai (client side) and provider codecs.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::api {

struct EmbeddingRequest {
  std::string model;               // exactly as the client sent it
  std::vector<std::string> input;  // one entry per text (a string input is one entry)
  std::optional<int64_t> dimensions;
  bool base64 =
      false;  // encoding_format: "base64" (encoding is the gateway's job, not the codec's)
  std::string user;
  boost::json::object credentials;  // tensorzero::credentials
  bool dryrun = false;
};

struct EmbeddingResponse {
  std::string model;                        // as the upstream reported it
  std::vector<std::vector<float>> vectors;  // same order as the input
  int64_t input_tokens = 0;
};

}  // namespace sb::api
