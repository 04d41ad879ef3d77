#include "api/openai/response_encoder.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sb::api::openai {

namespace json = boost::json;

namespace {

json::array tool_calls_json(const std::vector<ToolCall>& calls) {
  json::array out;
  out.reserve(calls.size());
  for (const ToolCall& c : calls) {
    json::object fn;
    fn["name"] = c.name;
    fn["arguments"] = c.arguments;
    json::object call;
    call["id"] = c.id;
    call["type"] = "function";
    call["function"] = std::move(fn);
    out.emplace_back(std::move(call));
  }
  return out;
}

json::object message_json(const ChatResponse& r) {
  json::object m;
  m["role"] = "assistant";
  if (r.has_text) {
    m["content"] = r.text;
  } else {
    m["content"] = nullptr;
  }
  if (!r.tool_calls.empty()) m["tool_calls"] = tool_calls_json(r.tool_calls);
  if (!r.reasoning.empty()) m["reasoning_content"] = r.reasoning;
  if (!r.reasoning_signature.empty()) m["reasoning_signature"] = r.reasoning_signature;
  return m;
}

}  // namespace

json::object usage_json(const Usage& u) {
  json::object o;
  o["prompt_tokens"] = u.input_tokens;
  o["completion_tokens"] = u.output_tokens;
  o["total_tokens"] = u.input_tokens + u.output_tokens;
  if (u.reasoning_tokens > 0) {
    o["completion_tokens_details"] = json::object{{"reasoning_tokens", u.reasoning_tokens}};
  }
  if (u.cache_read_tokens > 0) {
    o["prompt_tokens_details"] = json::object{{"cached_tokens", u.cache_read_tokens}};
  }
  return o;
}

std::string_view finish_reason_or_default(FinishReason reason, bool has_tool_calls) {
  if (reason != FinishReason::kNone) return finish_reason_name(reason);
  return has_tool_calls ? "tool_calls" : "stop";
}

std::string encode_chat_response(const ChatResponse& r, const ResponseMeta& meta) {
  json::object choice;
  choice["index"] = 0;
  choice["message"] = message_json(r);
  choice["finish_reason"] = finish_reason_or_default(r.finish_reason, !r.tool_calls.empty());
  choice["logprobs"] = nullptr;

  json::object o;
  o["id"] = "chatcmpl-" + meta.inference_id;
  o["object"] = "chat.completion";
  o["created"] = meta.created != 0 ? meta.created : r.created;
  o["model"] = r.model.empty() ? meta.model : r.model;
  o["system_fingerprint"] = r.system_fingerprint;
  o["choices"] = json::array{std::move(choice)};
  o["usage"] = usage_json(r.usage.value_or(Usage{}));
  if (!meta.episode_id.empty()) o["episode_id"] = meta.episode_id;
  return json::serialize(o);
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
