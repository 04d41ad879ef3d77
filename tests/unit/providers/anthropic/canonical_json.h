#pragma once

// Test helpers shared by the Anthropic and Gemini codec tests: canonical values as JSON (only
// fields that are set appear), golden request fixtures, and stream decoding with byte splits.

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "../openai/golden.h"
#include "api/chat.h"
#include "api/openai/request_decoder.h"
#include "common/error.h"
#include "providers/provider.h"

namespace sb::testing {

inline boost::json::object usage_json(const api::Usage& u) {
  return boost::json::object{{"input_tokens", u.input_tokens},
                             {"output_tokens", u.output_tokens},
                             {"reasoning_tokens", u.reasoning_tokens},
                             {"cache_read_tokens", u.cache_read_tokens},
                             {"cache_write_tokens", u.cache_write_tokens}};
}

inline boost::json::value error_json(const Error& e) {
  boost::json::object o{{"code", error_code_name(e.code)},
                        {"status", e.status},
                        {"message", e.message},
                        {"retry_after_ms", e.retry_after_ms}};
  if (!e.param.empty()) o["param"] = e.param;
  return o;
}

inline boost::json::object chunk_json(const api::StreamChunk& c) {
  boost::json::object o;
  if (!c.model.empty()) o["model"] = c.model;
  if (c.role) o["role"] = true;
  if (!c.text.empty()) o["text"] = c.text;
  if (!c.reasoning.empty()) o["reasoning"] = c.reasoning;
  if (!c.reasoning_signature.empty()) o["reasoning_signature"] = c.reasoning_signature;
  if (!c.tool_calls.empty()) {
    boost::json::array calls;
    for (const api::ToolCallDelta& t : c.tool_calls) {
      boost::json::object d{{"index", t.index}};
      if (!t.id.empty()) d["id"] = t.id;
      if (!t.name.empty()) d["name"] = t.name;
      d["arguments"] = t.arguments;
      calls.push_back(std::move(d));
    }
    o["tool_calls"] = std::move(calls);
  }
  if (c.finish_reason != api::FinishReason::kNone) {
    o["finish_reason"] = api::finish_reason_name(c.finish_reason);
  }
  if (c.usage) o["usage"] = usage_json(*c.usage);
  return o;
}

inline boost::json::object response_json(const api::ChatResponse& r) {
  boost::json::array calls;
  for (const api::ToolCall& c : r.tool_calls) {
    calls.push_back(
        boost::json::object{{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}});
  }
  return boost::json::object{
      {"id", r.id},
      {"model", r.model},
      {"has_text", r.has_text},
      {"text", r.text},
      {"reasoning", r.reasoning},
      {"reasoning_signature", r.reasoning_signature},
      {"tool_calls", std::move(calls)},
      {"finish_reason", api::finish_reason_name(r.finish_reason)},
      {"usage", r.usage ? boost::json::value(usage_json(*r.usage)) : boost::json::value(nullptr)}};
}

// Feeds `bytes` to a fresh decoder in pieces cut at `cuts`, then finish(); stops at the first
// error. {"chunks","finished","malformed","error"}.
inline boost::json::object decode_stream(const providers::Codec& codec, std::string_view bytes,
                                         std::vector<size_t> cuts = {}) {
  auto decoder = codec.stream_decoder();
  std::vector<api::StreamChunk> chunks;
  std::expected<void, Error> st;
  size_t at = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    st = decoder->feed(bytes.substr(at, cut - at), chunks);
    at = cut;
    if (!st) break;
  }
  if (st) st = decoder->finish(chunks);
  boost::json::array out;
  for (const auto& c : chunks) out.push_back(chunk_json(c));
  return boost::json::object{{"chunks", std::move(out)},
                             {"finished", decoder->finished()},
                             {"malformed", decoder->malformed()},
                             {"error", st ? boost::json::value(nullptr) : error_json(st.error())}};
}

struct StreamFixture {
  std::string name;
  std::string sse;
  boost::json::object expected;
};

// <dir>/*.sse with the expected decoding in the .json beside each.
inline std::vector<StreamFixture> stream_fixtures(std::string_view dir) {
  std::vector<StreamFixture> out;
  for (const std::string& path : files_in(dir, ".sse")) {
    std::string base = path.substr(0, path.size() - 4);
    boost::json::object expected = read_json(base + ".json").as_object();
    expected.erase("description");
    out.push_back({stem(path), read_file(path), std::move(expected)});
  }
  return out;
}

// A request golden: {"target":{name,type,model_name,base_url,api_key,extra_headers?,options?},
// "client_request": OpenAI body, "expected": {url, headers, body} | {"error": {...}}}. Returns
// what the codec made of it in the expected's shape.
inline boost::json::value encode_golden(const boost::json::object& golden) {
  const boost::json::object& t = golden.at("target").as_object();
  config::ProviderConfig provider = provider_from(t);
  providers::Target target{
      .provider = &provider, .base_url = str(t.at("base_url")), .api_key = str(t.at("api_key"))};
  auto request =
      api::openai::decode_chat_request(boost::json::serialize(golden.at("client_request")));
  if (!request) return boost::json::object{{"decode_error", request.error().message}};
  const providers::Descriptor* d = providers::find_descriptor(provider.type);
  if (d == nullptr) return boost::json::object{{"unknown_type", provider.type}};
  auto out = providers::codec_for(d->family).encode_chat(*request, target);
  if (!out) return boost::json::object{{"error", error_json(out.error())}};
  return boost::json::object{{"method", out->method},
                             {"url", out->url},
                             {"headers", headers_json(out->headers)},
                             {"body", boost::json::parse(out->body)}};
}

}  // namespace sb::testing
