#include "providers/anthropic/response_decoder.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/anthropic/error_mapping.h"
#include "providers/anthropic/json_fields.h"
#include "providers/anthropic/request_encoder.h"

namespace sb::providers::anthropic {

namespace json = boost::json;

namespace {

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

std::string input_text(const json::object& block) {
  const json::value* input = block.if_contains("input");
  return input != nullptr && !input->is_null() ? json::serialize(*input) : std::string("{}");
}

void decode_block(const json::object& b, api::ChatResponse& r, bool& json_tool) {
  std::string_view type = str(&b, "type");
  if (type == "text") {
    r.has_text = true;
    r.text += str(&b, "text");
  } else if (type == "thinking") {
    r.reasoning += str(&b, "thinking");
    if (std::string_view sig = str(&b, "signature"); !sig.empty()) r.reasoning_signature = sig;
  } else if (type == "tool_use" && str(&b, "name") == kJsonToolName) {
    json_tool = true;
    r.has_text = true;
    r.text = input_text(b);  // the structured answer is the whole text
  } else if (type == "tool_use") {
    r.tool_calls.push_back(api::ToolCall{.id = std::string(str(&b, "id")),
                                         .name = std::string(str(&b, "name")),
                                         .arguments = input_text(b)});
  }
}

}  // namespace

api::FinishReason map_stop_reason(std::string_view s, bool has_tool_calls) {
  using api::FinishReason;
  if (s.empty()) return FinishReason::kNone;
  if (s == "max_tokens" || s == "model_context_window_exceeded") return FinishReason::kLength;
  if (s == "tool_use") return has_tool_calls ? FinishReason::kToolCalls : FinishReason::kStop;
  if (s == "refusal") return FinishReason::kContentFilter;
  return FinishReason::kStop;  // end_turn, stop_sequence, pause_turn, and the unknown
}

void RawUsage::update(const json::object& u) {
  auto set = [&](std::string_view key, int64_t& field) {
    if (const json::value* v = u.if_contains(key); v != nullptr && v->is_number()) {
      field = integer(&u, key);
    }
  };
  set("input_tokens", input);
  set("output_tokens", output);
  set("cache_read_input_tokens", cache_read);
  set("cache_creation_input_tokens", cache_write);
}

api::Usage RawUsage::canonical() const {
  return api::Usage{.input_tokens = input + cache_read + cache_write,
                    .output_tokens = output,
                    .cache_read_tokens = cache_read,
                    .cache_write_tokens = cache_write};
}

std::expected<api::ChatResponse, Error> decode_response_body(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value v = json::parse(body, ec, json::storage_ptr(), options);
  if (ec) {
    return std::unexpected(bad_response("upstream response is not valid JSON: " + ec.message()));
  }
  const json::object* o = v.if_object();
  if (o == nullptr) return std::unexpected(bad_response("upstream response is not a JSON object"));
  if (str(o, "type") == "error") return std::unexpected(in_band_error(v));
  const json::array* content = array(o, "content");
  if (content == nullptr) return std::unexpected(bad_response("upstream response has no content"));
  api::ChatResponse r;
  r.id = str(o, "id");
  r.model = str(o, "model");
  bool json_tool = false;
  for (const json::value& b : *content) {
    if (b.is_object()) decode_block(b.get_object(), r, json_tool);
  }
  r.finish_reason = map_stop_reason(str(o, "stop_reason"), !r.tool_calls.empty());
  if (const json::object* u = object(o, "usage")) {
    RawUsage usage;
    usage.update(*u);
    r.usage = usage.canonical();
  }
  return r;
}

}  // namespace sb::providers::anthropic
