#include "providers/ollama/stream_decoder.h"

#include <boost/json/monotonic_resource.hpp>

#include "providers/ollama/response_decoder.h"

namespace sb::providers::ollama {

namespace json = boost::json;

namespace {

json::parse_options line_parse_options() {
  json::parse_options o;
  o.max_depth = 64;
  return o;
}

std::string_view str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

}  // namespace

OllamaStreamDecoder::OllamaStreamDecoder() : parser_(json::storage_ptr(), line_parse_options()) {}

std::expected<void, Error> OllamaStreamDecoder::feed(std::string_view bytes,
                                                     std::vector<api::StreamChunk>& out) {
  return run(false, bytes, out);
}

std::expected<void, Error> OllamaStreamDecoder::finish(std::vector<api::StreamChunk>& out) {
  return run(true, {}, out);
}

std::expected<void, Error> OllamaStreamDecoder::run(bool at_end, std::string_view bytes,
                                                    std::vector<api::StreamChunk>& out) {
  if (error_) return std::unexpected(*error_);
  auto on_line = [this, &out](std::string_view line) { handle(line, out); };
  auto st = at_end ? lines_.finish(on_line) : lines_.feed(bytes, on_line);
  if (!st) return st;
  if (error_) return std::unexpected(*error_);
  return {};
}

void OllamaStreamDecoder::handle(std::string_view line, std::vector<api::StreamChunk>& out) {
  if (finished_ || error_) return;  // nothing after done:true (or an error) counts
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  parser_.reset(&arena);
  struct ParserReset {  // leaves the parser off the arena before the arena dies
    json::parser& p;
    ~ParserReset() { p.reset(); }
  } parser_reset{parser_};
  boost::system::error_code ec;
  parser_.write(line.data(), line.size(), ec);
  if (ec) {
    ++malformed_;
    return;
  }
  json::value v = parser_.release();
  if (!v.is_object()) {
    ++malformed_;
    return;
  }
  const json::object& o = v.get_object();
  if (auto e = error_of(o, 0)) {
    error_ = std::move(*e);
    return;
  }
  api::StreamChunk c;
  c.model = str(o, "model");
  if (const json::value* mv = o.if_contains("message"); mv != nullptr && mv->is_object()) {
    const json::object& m = mv->get_object();
    c.text = str(m, "content");
    c.reasoning = str(m, "thinking");
    for (api::ToolCall& call : decode_tool_calls(m, tool_calls_)) {
      c.tool_calls.push_back(api::ToolCallDelta{.index = tool_calls_++,
                                                .id = std::move(call.id),
                                                .name = std::move(call.name),
                                                .arguments = std::move(call.arguments)});
    }
  }
  c.finish_reason = map_done_reason(o, tool_calls_ > 0);
  if (c.finish_reason != api::FinishReason::kNone) {
    finished_ = true;
    c.usage = decode_usage(o);
  }
  if (!role_sent_) {
    c.role = true;
    role_sent_ = true;
  }
  if (c.role || c.has_payload() || c.usage) out.push_back(std::move(c));
}

}  // namespace sb::providers::ollama
