#pragma once

// A provider is a pure codec plus a small descriptor. All I/O lives in upstream/; a codec only
// turns canonical requests into OutboundRequests and upstream bytes into canonical values, so every
// translation is unit-testable with golden files.

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/chat.h"
#include "api/embeddings.h"
#include "common/error.h"
#include "common/http_message.h"
#include "config/schema.h"

namespace sb::providers {

enum class Family { kOpenAI, kAnthropic, kOllama, kGemini, kAzure };

// Static facts about a provider type.
struct Descriptor {
  std::string_view type;  // config `type`, e.g. "openrouter"
  Family family;
  std::string_view default_base_url;    // "" when api_base is required
  std::string_view default_key_env;     // "" when the type needs no key by default
  bool supports_shorthand = false;      // usable as "TYPE::MODEL"
  bool key_optional = false;            // no key configured/set: send no Authorization at all
  bool implemented = true;              // false: this build cannot talk to the type yet
  std::string_view openai_path_prefix;  // OpenAI family: inserted between base URL and
                                        // "/chat/completions" ("/v1" for ollama)
};

// Everything a codec needs to address one upstream: resolved at request time.
struct Target {
  const config::ProviderConfig* provider = nullptr;  // never null when a codec is called
  std::string base_url;                              // api_base or the descriptor default
  std::string api_key;                               // resolved secret; "" for none
};

// Incremental decoder for one streaming response. Framing (SSE, NDJSON) is its own business.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Consumes the next bytes (any split) and appends decoded chunks. An error is the upstream's
  // in-stream error event or a body that cannot be a stream of this provider.
  virtual std::expected<void, Error> feed(std::string_view bytes,
                                          std::vector<api::StreamChunk>& out) = 0;
  // True once the provider's terminal event ([DONE], message_stop, done:true) was seen.
  virtual bool finished() const = 0;
  // Malformed events skipped so far (counted, never forwarded).
  virtual int malformed() const { return 0; }
  // The upstream closed the body: decodes an event left without its terminating blank line.
  virtual std::expected<void, Error> finish(std::vector<api::StreamChunk>& out) { return {}; }
};

class Codec {
 public:
  virtual ~Codec() = default;
  virtual std::expected<OutboundRequest, Error> encode_chat(const api::ChatRequest& request,
                                                            const Target& target) const = 0;
  // `status` is 2xx here; non-2xx goes to decode_error.
  virtual std::expected<api::ChatResponse, Error> decode_chat(std::string_view body) const = 0;
  virtual std::unique_ptr<StreamDecoder> stream_decoder() const = 0;
  // Maps an upstream error response to an Error (code, upstream status, provider's message).
  virtual Error decode_error(int status, const HeaderList& headers,
                             std::string_view body) const = 0;

  // Embeddings; a family without them keeps these defaults (a clear 400).
  virtual bool supports_embeddings() const { return false; }
  virtual std::expected<OutboundRequest, Error> encode_embeddings(
      const api::EmbeddingRequest& request, const Target& target) const {
    return std::unexpected(make_error(
        ErrorCode::kInvalidRequest,
        "provider type '" + std::string(target.provider->type) + "' does not serve embeddings",
        "model"));
  }
  virtual std::expected<api::EmbeddingResponse, Error> decode_embeddings(
      std::string_view body) const {
    return std::unexpected(make_error(ErrorCode::kUpstreamBadResponse, "no embeddings codec"));
  }
};

const Descriptor* find_descriptor(std::string_view type);  // nullptr when unknown
const std::vector<Descriptor>& descriptors();              // every known type, explicit list
// The codec for a family; codecs are stateless and live for the process.
const Codec& codec_for(Family family);

}  // namespace sb::providers
