#pragma once

// OpenAI-family streaming responses: SSE frames of chat.completion.chunk objects ending with
// `data: [DONE]`. One StreamChunk per upstream chunk that carries anything.

#include <string>
#include <vector>

#include <boost/json/parser.hpp>

#include "common/sse_parser.h"
#include "providers/provider.h"

namespace sb::providers::openai {

class OpenAIStreamDecoder final : public StreamDecoder {
 public:
  OpenAIStreamDecoder();

  // Errors: an in-stream error (a data frame with an `error` object, vLLM's
  // {"object":"error"}, or an `event: error` frame), or an SSE bound exceeded. A data frame that
  // is not JSON is skipped and counted in malformed(); it does not fail the stream.
  std::expected<void, Error> feed(std::string_view bytes,
                                  std::vector<api::StreamChunk>& out) override;
  std::expected<void, Error> finish(std::vector<api::StreamChunk>& out) override;
  bool finished() const override { return finished_; }
  int malformed() const override { return malformed_; }

 private:
  std::expected<void, Error> handle_events(std::vector<api::StreamChunk>& out);
  std::expected<void, Error> handle(const SseEvent& event, std::vector<api::StreamChunk>& out);

  SseParser sse_;
  std::vector<SseEvent> events_;  // reused between feeds
  boost::json::parser parser_;    // reused: keeps its temporary buffers
  bool finished_ = false;
  int malformed_ = 0;
};

}  // namespace sb::providers::openai
