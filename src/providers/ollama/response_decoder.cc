#include "providers/ollama/response_decoder.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/openai/error_mapping.h"

namespace sb::providers::ollama {

namespace json = boost::json;

namespace {

std::string_view str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::optional<int64_t> integer(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return std::nullopt;
}

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

}  // namespace

api::FinishReason map_done_reason(const json::object& line, bool called_tools) {
  const json::value* done = line.if_contains("done");
  bool is_done = done != nullptr && done->is_bool() && done->get_bool();
  std::string_view reason = str(line, "done_reason");
  if (!is_done && reason.empty()) return api::FinishReason::kNone;
  if (reason == "length") return api::FinishReason::kLength;
  return called_tools ? api::FinishReason::kToolCalls : api::FinishReason::kStop;
}

std::optional<api::Usage> decode_usage(const json::object& line) {
  auto input = integer(line, "prompt_eval_count");
  auto output = integer(line, "eval_count");
  if (!input && !output) return std::nullopt;
  api::Usage u;
  u.input_tokens = input.value_or(0);
  u.output_tokens = output.value_or(0);
  return u;
}

std::vector<api::ToolCall> decode_tool_calls(const json::object& message, int first_index) {
  std::vector<api::ToolCall> out;
  const json::value* calls = message.if_contains("tool_calls");
  if (calls == nullptr || !calls->is_array()) return out;
  for (const json::value& c : calls->get_array()) {
    if (!c.is_object()) continue;
    const json::value* fn = c.get_object().if_contains("function");
    if (fn == nullptr || !fn->is_object()) continue;
    api::ToolCall call;
    call.id = str(c.get_object(), "id");
    if (call.id.empty()) call.id = "call_" + std::to_string(first_index + out.size());
    call.name = str(fn->get_object(), "name");
    const json::value* args = fn->get_object().if_contains("arguments");
    if (args != nullptr && args->is_string()) {
      call.arguments.assign(args->get_string().data(), args->get_string().size());
    } else if (args != nullptr && !args->is_null()) {
      call.arguments = json::serialize(*args);
    } else {
      call.arguments = "{}";
    }
    out.push_back(std::move(call));
  }
  return out;
}

std::optional<Error> error_of(const json::object& line, int status) {
  const json::value* e = line.if_contains("error");
  if (e == nullptr || e->is_null()) return std::nullopt;
  openai::UpstreamErrorInfo info;
  if (auto parsed = openai::error_info_from_json(json::value(line))) info = std::move(*parsed);
  Error error = openai::classify_error(status != 0 ? status : info.numeric_code.value_or(0), info);
  if (error.code == ErrorCode::kUpstreamClientError &&
      info.message.find("context length") != std::string::npos) {
    error.code =
        ErrorCode::kContextLengthExceeded;  // "the input length exceeds the context length"
  }
  return error;
}

std::expected<api::ChatResponse, Error> decode_chat_body(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value v = json::parse(body, ec, json::storage_ptr(), options);
  if (ec) {
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  }
  if (!v.is_object())
    return std::unexpected(bad_response("upstream response is not a JSON object"));
  const json::object& o = v.get_object();
  if (auto e = error_of(o, 0)) return std::unexpected(std::move(*e));
  const json::value* mv = o.if_contains("message");
  if (mv == nullptr || !mv->is_object()) {
    return std::unexpected(bad_response("upstream response has no message"));
  }
  const json::object& m = mv->get_object();
  api::ChatResponse r;
  r.model = str(o, "model");
  r.text = str(m, "content");
  r.reasoning = str(m, "thinking");
  r.tool_calls = decode_tool_calls(m, 0);
  r.has_text = !r.text.empty() || r.tool_calls.empty();
  r.finish_reason = map_done_reason(o, !r.tool_calls.empty());
  r.usage = decode_usage(o);
  return r;
}

}  // namespace sb::providers::ollama
