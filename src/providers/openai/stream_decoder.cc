#include "providers/openai/stream_decoder.h"

#include <boost/json/monotonic_resource.hpp>

#include "providers/openai/error_mapping.h"
#include "providers/openai/response_decoder.h"
#include "providers/openai/response_fast_path.h"

namespace sb::providers::openai {

namespace json = boost::json;

namespace {

json::parse_options chunk_parse_options() {
  json::parse_options o;
  o.max_depth = 64;
  return o;
}

std::string_view str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

void decode_tool_deltas(const json::array& calls, api::StreamChunk& c) {
  for (size_t i = 0; i < calls.size(); ++i) {
    if (!calls[i].is_object()) continue;
    const json::object& t = calls[i].get_object();
    api::ToolCallDelta d;
    const json::value* idx = t.if_contains("index");
    d.index = idx != nullptr && idx->is_int64() ? static_cast<int>(idx->get_int64())
                                                : static_cast<int>(i);
    d.id = str(t, "id");
    if (const json::value* fn = t.if_contains("function"); fn != nullptr && fn->is_object()) {
      d.name = str(fn->get_object(), "name");
      d.arguments = str(fn->get_object(), "arguments");
    }
    c.tool_calls.push_back(std::move(d));
  }
}

void decode_choice(const json::object& choice, api::StreamChunk& c) {
  if (const json::value* dv = choice.if_contains("delta"); dv != nullptr && dv->is_object()) {
    const json::object& delta = dv->get_object();
    c.role = delta.contains("role") && !delta.at("role").is_null();
    c.text = str(delta, "content");
    c.reasoning = reasoning_of(delta);
    if (const json::value* calls = delta.if_contains("tool_calls"); calls && calls->is_array()) {
      decode_tool_deltas(calls->get_array(), c);
    }
  }
  c.finish_reason = map_finish_reason(choice.if_contains("finish_reason"));
}

}  // namespace

OpenAIStreamDecoder::OpenAIStreamDecoder() : parser_(json::storage_ptr(), chunk_parse_options()) {}

std::expected<void, Error> OpenAIStreamDecoder::feed(std::string_view bytes,
                                                     std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.feed(bytes, events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> OpenAIStreamDecoder::finish(std::vector<api::StreamChunk>& out) {
  if (auto st = sse_.finish(events_); !st) return st;
  return handle_events(out);
}

std::expected<void, Error> OpenAIStreamDecoder::handle_events(std::vector<api::StreamChunk>& out) {
  std::expected<void, Error> result;
  for (const SseEvent& e : events_) {
    result = handle(e, out);
    if (!result) break;
  }
  events_.clear();
  return result;
}

std::expected<void, Error> OpenAIStreamDecoder::handle(const SseEvent& event,
                                                       std::vector<api::StreamChunk>& out) {
  if (finished_) return {};  // nothing after [DONE] counts
  std::string_view data = event.data;
  if (data == "[DONE]") {
    finished_ = true;
    return {};
  }
  if (data.empty() && event.event != "error") return {};
  if (event.event != "error") {
    if (auto c = decode_common_chunk(data)) {  // the usual chunk, without a DOM
      if (c->role || c->has_payload() || c->usage) out.push_back(std::move(*c));
      return {};
    }
  }
  // Parse into a small per-event arena; the value dies at the end of this call.
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  parser_.reset(&arena);
  struct ParserReset {  // leaves the parser off the arena before the arena dies
    json::parser& p;
    ~ParserReset() { p.reset(); }
  } parser_reset{parser_};
  boost::system::error_code ec;
  parser_.write(data.data(), data.size(), ec);
  if (ec && event.event != "error") {
    ++malformed_;
    return {};
  }
  json::value v = ec ? json::value() : parser_.release();
  if (event.event == "error") {
    UpstreamErrorInfo info;
    if (auto parsed = error_info_from_json(v)) info = std::move(*parsed);
    if (info.message.empty()) info.message = std::string(data);
    return std::unexpected(classify_error(info.numeric_code.value_or(0), info));
  }
  if (!v.is_object()) {
    ++malformed_;
    return {};
  }
  const json::object& o = v.get_object();
  if (o.contains("error") || str(o, "object") == "error") {
    if (auto info = error_info_from_json(v)) {
      return std::unexpected(classify_error(info->numeric_code.value_or(0), *info));
    }
  }
  api::StreamChunk c;
  c.model = str(o, "model");
  if (const json::value* choices = o.if_contains("choices"); choices && choices->is_array()) {
    const json::array& a = choices->get_array();
    if (!a.empty() && a[0].is_object()) decode_choice(a[0].get_object(), c);
  }
  c.usage = decode_usage(o);
  if (c.role || c.has_payload() || c.usage) out.push_back(std::move(c));
  return {};
}

}  // namespace sb::providers::openai
