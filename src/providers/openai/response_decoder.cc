#include "providers/openai/response_decoder.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/openai/error_mapping.h"
#include "providers/openai/response_fast_path.h"

namespace sb::providers::openai {

namespace json = boost::json;

namespace {

std::string_view str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

int64_t integer(const json::object* o, std::string_view key) {
  if (o == nullptr) return 0;
  const json::value* v = o->if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return 0;
}

const json::object* object(const json::object* o, std::string_view key) {
  if (o == nullptr) return nullptr;
  const json::value* v = o->if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

// Content is a string, null, or (Mistral's reasoning models) an array of typed parts.
void decode_content(const json::value* content, api::ChatResponse& r) {
  if (content == nullptr || content->is_null()) return;
  if (content->is_string()) {
    r.has_text = true;
    r.text.assign(content->get_string().data(), content->get_string().size());
    return;
  }
  if (!content->is_array()) return;
  for (const json::value& part : content->get_array()) {
    if (!part.is_object()) continue;
    const json::object& p = part.get_object();
    std::string_view type = str(p, "type");
    if (type == "text") {
      r.has_text = true;
      r.text += str(p, "text");
    } else if (type == "thinking") {
      const json::value* t = p.if_contains("thinking");
      if (t != nullptr && t->is_string()) r.reasoning += t->get_string();
      if (t != nullptr && t->is_array()) {
        for (const json::value& x : t->get_array()) {
          if (x.is_object()) r.reasoning += str(x.get_object(), "text");
        }
      }
    }
  }
}

api::ToolCall decode_tool_call(const json::object& c) {
  api::ToolCall call;
  call.id = str(c, "id");
  const json::object* fn = object(&c, "function");
  if (fn == nullptr) return call;
  call.name = str(*fn, "name");
  const json::value* args = fn->if_contains("arguments");
  if (args != nullptr && args->is_string()) {
    call.arguments.assign(args->get_string().data(), args->get_string().size());
  } else if (args != nullptr && !args->is_null()) {
    call.arguments = json::serialize(*args);  // some servers send an object
  }
  return call;
}

void decode_message(const json::object& m, api::ChatResponse& r) {
  decode_content(m.if_contains("content"), r);
  std::string_view reasoning = reasoning_of(m);
  if (!reasoning.empty()) r.reasoning.assign(reasoning);
  if (const json::value* calls = m.if_contains("tool_calls"); calls && calls->is_array()) {
    for (const json::value& c : calls->get_array()) {
      if (c.is_object()) r.tool_calls.push_back(decode_tool_call(c.get_object()));
    }
  } else if (const json::object* fc = object(&m, "function_call")) {
    json::object legacy{{"function", *fc}};
    r.tool_calls.push_back(decode_tool_call(legacy));
  }
}

}  // namespace

api::FinishReason map_finish_reason(const json::value* v) {
  if (v == nullptr || !v->is_string()) return api::FinishReason::kNone;
  return map_finish_reason(std::string_view(v->get_string()));
}

api::FinishReason map_finish_reason(std::string_view s) {
  using api::FinishReason;
  if (s.empty()) return FinishReason::kNone;
  if (s == "length" || s == "max_tokens" || s == "model_length") return FinishReason::kLength;
  if (s == "tool_calls" || s == "function_call" || s == "tool_use") return FinishReason::kToolCalls;
  if (s == "content_filter") return FinishReason::kContentFilter;
  return FinishReason::kStop;  // stop, eos, eos_token, stop_sequence, end_turn, and the unknown
}

std::optional<api::Usage> decode_usage(const json::object& body) {
  const json::object* u = object(&body, "usage");
  if (u == nullptr) u = object(object(&body, "x_groq"), "usage");  // Groq's last chunk
  if (u == nullptr) return std::nullopt;
  api::Usage usage;
  usage.input_tokens = integer(u, "prompt_tokens");
  usage.output_tokens = integer(u, "completion_tokens");
  usage.reasoning_tokens = integer(object(u, "completion_tokens_details"), "reasoning_tokens");
  usage.cache_read_tokens = integer(object(u, "prompt_tokens_details"), "cached_tokens");
  if (usage.cache_read_tokens == 0) usage.cache_read_tokens = integer(u, "prompt_cache_hit_tokens");
  return usage;
}

std::string_view reasoning_of(const json::object& message) {
  std::string_view r = str(message, "reasoning_content");
  return r.empty() ? str(message, "reasoning") : r;
}

std::expected<api::ChatResponse, Error> decode_response_body(std::string_view body) {
  if (auto common = decode_common_response(body)) return std::move(*common);
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  // The DOM dies with this call (everything kept is copied out): parse it into an arena, a
  // stack buffer then heap blocks, instead of one allocation per node.
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  json::value v = json::parse(body, ec, &arena, options);
  if (ec) {
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  }
  if (!v.is_object()) {
    return std::unexpected(bad_response("upstream response is not a JSON object"));
  }
  const json::object& o = v.get_object();
  if (o.contains("error") && !o.contains("choices")) {
    // A 200 carrying an error body (OpenRouter does this when the model fails after accepting).
    if (auto info = error_info_from_json(v)) {
      return std::unexpected(classify_error(info->numeric_code.value_or(0), *info));
    }
  }
  const json::value* choices = o.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty() ||
      !choices->get_array()[0].is_object()) {
    return std::unexpected(bad_response("upstream response has no choices"));
  }
  const json::object& choice = choices->get_array()[0].get_object();
  api::ChatResponse r;
  r.id = str(o, "id");
  r.model = str(o, "model");
  r.created = integer(&o, "created");
  r.system_fingerprint = str(o, "system_fingerprint");
  if (const json::object* m = object(&choice, "message")) decode_message(*m, r);
  r.finish_reason = map_finish_reason(choice.if_contains("finish_reason"));
  r.usage = decode_usage(o);
  return r;
}

}  // namespace sb::providers::openai
