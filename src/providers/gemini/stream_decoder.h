#pragma once

// Gemini streamGenerateContent?alt=sse: SSE data events, each a GenerateContentResponse holding
// the next parts (response_decoder.h says how parts map). There is no terminal event: the chunk
// with a finishReason is the last one, and it carries the final usage.
//
// Per event: the first chunk opens the turn (role, modelVersion); text and thought text are
// forwarded as they come; each functionCall arrives whole and becomes one tool-call delta with
// the next index, id, name and all its arguments; only the first thoughtSignature is forwarded
// (a signature is not a fragment to be appended to); finishReason sets the finish reason, attaches
// the latest usageMetadata and makes finished() true. A prompt blocked before any candidate, or
// an {"error":{...}} event, fails the stream (error_mapping.h).

#include <optional>
#include <string>
#include <vector>

#include <boost/json/parser.hpp>

#include "common/sse_parser.h"
#include "providers/provider.h"

namespace sb::providers::gemini {

class GeminiStreamDecoder final : public StreamDecoder {
 public:
  GeminiStreamDecoder();

  std::expected<void, Error> feed(std::string_view bytes,
                                  std::vector<api::StreamChunk>& out) override;
  std::expected<void, Error> finish(std::vector<api::StreamChunk>& out) override;
  bool finished() const override { return finished_; }
  int malformed() const override { return malformed_; }

 private:
  std::expected<void, Error> handle_events(std::vector<api::StreamChunk>& out);
  std::expected<void, Error> handle(const SseEvent& event, std::vector<api::StreamChunk>& out);
  std::expected<void, Error> handle_response(const boost::json::value& v,
                                             std::vector<api::StreamChunk>& out);

  SseParser sse_;
  std::vector<SseEvent> events_;  // reused between feeds
  boost::json::parser parser_;
  bool started_ = false;         // the turn-opening chunk was emitted
  bool signature_sent_ = false;  // the first thoughtSignature was forwarded
  int tools_ = 0;                // function calls seen
  std::optional<api::Usage> usage_;
  bool finished_ = false;
  int malformed_ = 0;
};

}  // namespace sb::providers::gemini
