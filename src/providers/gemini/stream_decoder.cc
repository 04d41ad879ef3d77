#include "providers/gemini/stream_decoder.h"

#include <boost/json/monotonic_resource.hpp>

#include "providers/gemini/error_mapping.h"
#include "providers/gemini/json_fields.h"
#include "providers/gemini/response_decoder.h"

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

json::parse_options event_parse_options() {
  json::parse_options o;
  o.max_depth = 64;
  return o;
}

}  // namespace

GeminiStreamDecoder::GeminiStreamDecoder() : parser_(json::storage_ptr(), event_parse_options()) {}

std::expected<void, Error> GeminiStreamDecoder::feed(std::string_view bytes,
                                                     std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.feed(bytes, events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> GeminiStreamDecoder::finish(std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.finish(events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> GeminiStreamDecoder::handle_events(std::vector<api::StreamChunk>& out) {
  std::expected<void, Error> result;
  for (const SseEvent& e : events_) {
    result = handle(e, out);
    if (!result) break;
  }
  events_.clear();
  return result;
}

std::expected<void, Error> GeminiStreamDecoder::handle(const SseEvent& event,
                                                       std::vector<api::StreamChunk>& out) {
  if (finished_ || event.data.empty()) return {};
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
    ++malformed_;
    return {};
  }
  json::value v = parser_.release();
  return handle_response(v, out);
}

std::expected<void, Error> GeminiStreamDecoder::handle_response(
    const json::value& v, std::vector<api::StreamChunk>& out) {
  const json::object* o = v.if_object();
  if (o == nullptr) {
    if (v.is_array()) return std::unexpected(in_band_error(v));  // [{"error":{...}}]
    ++malformed_;
    return {};
  }
  if (o->contains("error")) return std::unexpected(in_band_error(v));
  if (auto blocked = blocked_prompt(*o)) return std::unexpected(std::move(*blocked));
  api::StreamChunk c;
  if (!started_) {
    started_ = true;
    c.role = true;
    c.model = str(o, "modelVersion");
  }
  const json::object* candidate = first_candidate(*o);
  DecodedParts parts = decode_parts(candidate, tools_);
  c.text = std::move(parts.text);
  c.reasoning = std::move(parts.reasoning);
  if (!signature_sent_ && !parts.signature.empty()) {
    signature_sent_ = true;
    c.reasoning_signature = std::move(parts.signature);
  }
  for (api::ToolCall& call : parts.calls) {
    c.tool_calls.push_back(api::ToolCallDelta{.index = tools_++,
                                              .id = std::move(call.id),
                                              .name = std::move(call.name),
                                              .arguments = std::move(call.arguments)});
  }
  if (auto usage = decode_usage(*o)) usage_ = usage;
  c.finish_reason = map_finish_reason(str(candidate, "finishReason"), tools_ > 0);
  if (c.finish_reason != api::FinishReason::kNone) {
    finished_ = true;
    c.usage = usage_;
  }
  if (c.role || c.has_payload() || c.usage) out.push_back(std::move(c));
  return {};
}

}  // namespace sb::providers::gemini
