#include "api/openai/response_encoder.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "common/json_text.h"

namespace sb::api::openai {

namespace json = boost::json;

namespace {

// The response is written as text, field by field in the order Boost.JSON's serializer used to
// produce, instead of building a DOM: this is the per-request hot path (see json_text.h).

void append_field(std::string& out, std::string_view key_with_quotes_and_colon,
                  std::string_view value) {
  out += key_with_quotes_and_colon;
  append_json_string(out, value);
}

// [{"id":...,"type":"function","function":{"name":...,"arguments":...}}, ...]
void append_tool_calls(std::string& out, const std::vector<ToolCall>& calls) {
  out += '[';
  for (size_t i = 0; i < calls.size(); ++i) {
    const ToolCall& c = calls[i];
    if (i > 0) out += ',';
    append_field(out, "{\"id\":", c.id);
    out += ",\"type\":\"function\",\"function\":{";
    append_field(out, "\"name\":", c.name);
    append_field(out, ",\"arguments\":", c.arguments);
    out += "}}";
  }
  out += ']';
}

void append_message(std::string& out, const ChatResponse& r) {
  out += "{\"role\":\"assistant\",\"content\":";
  if (r.has_text) {
    append_json_string(out, r.text);
  } else {
    out += "null";
  }
  if (!r.tool_calls.empty()) {
    out += ",\"tool_calls\":";
    append_tool_calls(out, r.tool_calls);
  }
  if (!r.reasoning.empty()) append_field(out, ",\"reasoning_content\":", r.reasoning);
  if (!r.reasoning_signature.empty()) {
    append_field(out, ",\"reasoning_signature\":", r.reasoning_signature);
  }
  out += '}';
}

size_t text_size(const ChatResponse& r) {
  size_t n = r.text.size() + r.reasoning.size() + r.reasoning_signature.size() + r.model.size() +
             r.system_fingerprint.size();
  for (const ToolCall& c : r.tool_calls) n += c.id.size() + c.name.size() + c.arguments.size() + 64;
  return n;
}

}  // namespace

void append_usage_json(std::string& out, const Usage& u) {
  out += "{\"prompt_tokens\":";
  append_json_int(out, u.input_tokens);
  out += ",\"completion_tokens\":";
  append_json_int(out, u.output_tokens);
  out += ",\"total_tokens\":";
  append_json_int(out, u.input_tokens + u.output_tokens);
  if (u.reasoning_tokens > 0) {
    out += ",\"completion_tokens_details\":{\"reasoning_tokens\":";
    append_json_int(out, u.reasoning_tokens);
    out += '}';
  }
  if (u.cache_read_tokens > 0) {
    out += ",\"prompt_tokens_details\":{\"cached_tokens\":";
    append_json_int(out, u.cache_read_tokens);
    out += '}';
  }
  out += '}';
}

std::string_view finish_reason_or_default(FinishReason reason, bool has_tool_calls) {
  if (reason != FinishReason::kNone) return finish_reason_name(reason);
  return has_tool_calls ? "tool_calls" : "stop";
}

std::string encode_chat_response(const ChatResponse& r, const ResponseMeta& meta) {
  std::string out;
  // Fixed text and ids take about 400 bytes; escaping rarely grows the rest by much.
  out.reserve(512 + text_size(r) + meta.model.size());
  out += "{\"id\":\"chatcmpl-";
  append_json_escaped(out, meta.inference_id);
  out += "\",\"object\":\"chat.completion\",\"created\":";
  append_json_int(out, meta.created != 0 ? meta.created : r.created);
  append_field(out, ",\"model\":", r.model.empty() ? meta.model : r.model);
  append_field(out, ",\"system_fingerprint\":", r.system_fingerprint);
  out += ",\"choices\":[{\"index\":0,\"message\":";
  append_message(out, r);
  append_field(
      out, ",\"finish_reason\":", finish_reason_or_default(r.finish_reason, !r.tool_calls.empty()));
  out += ",\"logprobs\":null}],\"usage\":";
  append_usage_json(out, r.usage.value_or(Usage{}));
  if (!meta.episode_id.empty()) append_field(out, ",\"episode_id\":", meta.episode_id);
  out += '}';
  return out;
}

std::string encode_models_list(const std::vector<std::string>& names, std::string_view owned_by) {
  json::array data;
  data.reserve(names.size());
  for (const std::string& name : names) {
    data.emplace_back(
        json::object{{"id", name}, {"object", "model"}, {"created", 0}, {"owned_by", owned_by}});
  }
  return json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
}

}  // namespace sb::api::openai
