#pragma once

// Ollama /api/chat streaming: NDJSON (application/x-ndjson), one response object per line, the
// last one with "done": true, done_reason and the token counts. A line is decoded to at most one
// StreamChunk: message.content -> text, message.thinking -> reasoning, message.tool_calls -> whole
// tool calls (Ollama sends each call complete in one line), done -> finish reason and usage.

#include <string>
#include <vector>

#include <boost/json/parser.hpp>

#include "providers/ollama/ndjson.h"
#include "providers/provider.h"

namespace sb::providers::ollama {

class OllamaStreamDecoder final : public StreamDecoder {
 public:
  OllamaStreamDecoder();

  // Errors: an {"error": ...} line, or a line over the bound. A line that is not a JSON object is
  // skipped and counted in malformed().
  std::expected<void, Error> feed(std::string_view bytes,
                                  std::vector<api::StreamChunk>& out) override;
  std::expected<void, Error> finish(std::vector<api::StreamChunk>& out) override;
  bool finished() const override { return finished_; }
  int malformed() const override { return malformed_; }

 private:
  std::expected<void, Error> run(bool at_end, std::string_view bytes,
                                 std::vector<api::StreamChunk>& out);
  void handle(std::string_view line, std::vector<api::StreamChunk>& out);

  NdjsonSplitter lines_;
  boost::json::parser parser_;  // reused: keeps its temporary buffers
  std::optional<Error> error_;  // an in-stream error line
  bool finished_ = false;
  bool role_sent_ = false;
  int tool_calls_ = 0;  // calls seen so far: the next call's index
  int malformed_ = 0;
};

}  // namespace sb::providers::ollama
