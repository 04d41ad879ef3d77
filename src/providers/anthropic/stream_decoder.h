#pragma once

// Anthropic Messages streams: SSE events message_start, content_block_start / _delta / _stop,
// message_delta, message_stop, ping and error.
//
// message_start          -> a chunk opening the turn (role, model); its usage is remembered
// content_block_start    -> tool_use: the first tool-call delta (index counts tool_use blocks,
//                           id, name); text / thinking with initial text: that text
// content_block_delta    -> text_delta: text; thinking_delta: reasoning; signature_delta:
//                           reasoning_signature; input_json_delta: tool-call arguments (or text
//                           for the structured-output tool, see request_encoder.h)
// message_delta          -> finish reason and the usage so far (input counts from message_start
//                           unless the delta repeats them)
// message_stop           -> finished()
// content_block_stop     -> "{}" as the arguments of a tool call that streamed no input (a tool
//                           without parameters), so clients always get a JSON object
// ping, unknown events   -> nothing
// error                  -> the stream fails (error_mapping.h)

#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/parser.hpp>

#include "common/sse_parser.h"
#include "providers/anthropic/response_decoder.h"
#include "providers/provider.h"

namespace sb::providers::anthropic {

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  AnthropicStreamDecoder();

  std::expected<void, Error> feed(std::string_view bytes,
                                  std::vector<api::StreamChunk>& out) override;
  std::expected<void, Error> finish(std::vector<api::StreamChunk>& out) override;
  bool finished() const override { return finished_; }
  int malformed() const override { return malformed_; }

 private:
  enum class BlockKind { kText, kThinking, kTool, kJsonTool, kOther };
  struct Block {
    BlockKind kind = BlockKind::kOther;
    int tool_index = 0;      // kTool: position among the turn's tool calls
    bool has_input = false;  // kTool, kJsonTool: some input JSON arrived
  };

  std::expected<void, Error> handle_events(std::vector<api::StreamChunk>& out);
  std::expected<void, Error> handle(const SseEvent& event, std::vector<api::StreamChunk>& out);
  void on_message_start(const boost::json::object& e, api::StreamChunk& c);
  void on_block_start(const boost::json::object& e, api::StreamChunk& c);
  void on_block_delta(const boost::json::object& e, api::StreamChunk& c);
  void on_block_stop(const boost::json::object& e, api::StreamChunk& c);
  void on_message_delta(const boost::json::object& e, api::StreamChunk& c);

  SseParser sse_;
  std::vector<SseEvent> events_;  // reused between feeds
  boost::json::parser parser_;
  std::unordered_map<int64_t, Block> blocks_;  // by content block index
  int tools_ = 0;                              // tool_use blocks seen
  RawUsage usage_;
  bool finished_ = false;
  int malformed_ = 0;
};

}  // namespace sb::providers::anthropic
