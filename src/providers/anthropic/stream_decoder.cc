#include "providers/anthropic/stream_decoder.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "providers/anthropic/error_mapping.h"
#include "providers/anthropic/json_fields.h"
#include "providers/anthropic/request_encoder.h"

namespace sb::providers::anthropic {

namespace json = boost::json;

namespace {

json::parse_options event_parse_options() {
  json::parse_options o;
  o.max_depth = 64;
  return o;
}

}  // namespace

AnthropicStreamDecoder::AnthropicStreamDecoder()
    : parser_(json::storage_ptr(), event_parse_options()) {}

std::expected<void, Error> AnthropicStreamDecoder::feed(std::string_view bytes,
                                                        std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.feed(bytes, events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> AnthropicStreamDecoder::finish(std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.finish(events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> AnthropicStreamDecoder::handle_events(
    std::vector<api::StreamChunk>& out) {
  std::expected<void, Error> result;
  for (const SseEvent& e : events_) {
    result = handle(e, out);
    if (!result) break;
  }
  events_.clear();
  return result;
}

std::expected<void, Error> AnthropicStreamDecoder::handle(const SseEvent& event,
                                                          std::vector<api::StreamChunk>& out) {
  if (finished_ || event.data.empty()) return {};  // nothing after message_stop counts
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  parser_.reset(&arena);
  struct ParserReset {  // leaves the parser off the arena before the arena dies
    json::parser& p;
    ~ParserReset() { p.reset(); }
  } parser_reset{parser_};
  boost::system::error_code ec;
  parser_.write(event.data.data(), event.data.size(), ec);
  if (ec) {
    if (event.event == "error") {
      return std::unexpected(
          make_error(ErrorCode::kUpstreamServerError,
                     "upstream reported an error: " + event.data.substr(0, 500)));
    }
    ++malformed_;
    return {};
  }
  json::value v = parser_.release();
  const json::object* e = v.if_object();
  if (e == nullptr) {
    ++malformed_;
    return {};
  }
  std::string_view type = str(e, "type");
  if (type.empty()) type = event.event;
  api::StreamChunk c;
  if (type == "error") return std::unexpected(in_band_error(v));
  if (type == "message_start") {
    on_message_start(*e, c);
  } else if (type == "content_block_start") {
    on_block_start(*e, c);
  } else if (type == "content_block_delta") {
    on_block_delta(*e, c);
  } else if (type == "content_block_stop") {
    on_block_stop(*e, c);
  } else if (type == "message_delta") {
    on_message_delta(*e, c);
  } else if (type == "message_stop") {
    finished_ = true;
  }
  if (c.role || c.has_payload() || c.usage) out.push_back(std::move(c));
  return {};
}

void AnthropicStreamDecoder::on_message_start(const json::object& e, api::StreamChunk& c) {
  const json::object* message = object(&e, "message");
  c.role = true;
  c.model = str(message, "model");
  if (const json::object* u = object(message, "usage")) usage_.update(*u);
}

void AnthropicStreamDecoder::on_block_start(const json::object& e, api::StreamChunk& c) {
  const json::object* cb = object(&e, "content_block");
  std::string_view type = str(cb, "type");
  Block& block = blocks_[integer(&e, "index")];
  if (type == "text") {
    block.kind = BlockKind::kText;
    c.text = str(cb, "text");
  } else if (type == "thinking") {
    block.kind = BlockKind::kThinking;
    c.reasoning = str(cb, "thinking");
    c.reasoning_signature = str(cb, "signature");
  } else if (type == "tool_use") {
    // Anthropic starts with "input": {} and streams the input; a non-empty one is sent whole.
    const json::object* input = object(cb, "input");
    std::string whole = input != nullptr && !input->empty() ? json::serialize(*input) : "";
    block.has_input = !whole.empty();
    if (str(cb, "name") == kJsonToolName) {
      block.kind = BlockKind::kJsonTool;
      c.text = std::move(whole);
      return;
    }
    block.kind = BlockKind::kTool;
    block.tool_index = tools_++;
    c.tool_calls.push_back(api::ToolCallDelta{.index = block.tool_index,
                                              .id = std::string(str(cb, "id")),
                                              .name = std::string(str(cb, "name")),
                                              .arguments = std::move(whole)});
  } else {
    block.kind = BlockKind::kOther;  // redacted_thinking, server tools: not forwarded
  }
}

void AnthropicStreamDecoder::on_block_delta(const json::object& e, api::StreamChunk& c) {
  auto it = blocks_.find(integer(&e, "index"));
  BlockKind kind = it == blocks_.end() ? BlockKind::kText : it->second.kind;
  const json::object* delta = object(&e, "delta");
  std::string_view type = str(delta, "type");
  if (type == "text_delta") {
    c.text = str(delta, "text");
  } else if (type == "thinking_delta") {
    c.reasoning = str(delta, "thinking");
  } else if (type == "signature_delta") {
    c.reasoning_signature = str(delta, "signature");
  } else if (type == "input_json_delta" &&
             (kind == BlockKind::kJsonTool || kind == BlockKind::kTool)) {
    std::string_view piece = str(delta, "partial_json");
    if (piece.empty()) return;
    it->second.has_input = true;
    if (kind == BlockKind::kJsonTool) {
      c.text = piece;
    } else {
      c.tool_calls.push_back(
          api::ToolCallDelta{.index = it->second.tool_index, .arguments = std::string(piece)});
    }
  }
}

void AnthropicStreamDecoder::on_block_stop(const json::object& e, api::StreamChunk& c) {
  auto it = blocks_.find(integer(&e, "index"));
  if (it == blocks_.end() || it->second.has_input) return;
  if (it->second.kind == BlockKind::kJsonTool) {
    c.text = "{}";
  } else if (it->second.kind == BlockKind::kTool) {
    c.tool_calls.push_back(api::ToolCallDelta{.index = it->second.tool_index, .arguments = "{}"});
  }
}

void AnthropicStreamDecoder::on_message_delta(const json::object& e, api::StreamChunk& c) {
  c.finish_reason = map_stop_reason(str(object(&e, "delta"), "stop_reason"), tools_ > 0);
  if (const json::object* u = object(&e, "usage")) {
    usage_.update(*u);
    c.usage = usage_.canonical();
  }
}

}  // namespace sb::providers::anthropic
