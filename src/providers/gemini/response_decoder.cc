#include "providers/gemini/response_decoder.h"

#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "providers/gemini/error_mapping.h"
#include "providers/gemini/json_fields.h"

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

Error bad_response(std::string message) {
  return make_error(ErrorCode::kUpstreamBadResponse, std::move(message));
}

void decode_part(const json::object& part, int first_call, DecodedParts& out) {
  std::string_view signature = str(&part, "thoughtSignature");
  if (out.signature.empty() && !signature.empty()) out.signature = signature;
  if (const json::object* fc = object(&part, "functionCall")) {
    const json::value* args = fc->if_contains("args");
    api::ToolCall call{.id = std::string(str(fc, "id")),
                       .name = std::string(str(fc, "name")),
                       .arguments = args != nullptr && !args->is_null() ? json::serialize(*args)
                                                                        : std::string("{}")};
    if (call.id.empty()) {
      call.id =
          tool_call_id(first_call + static_cast<int>(out.calls.size()), call.name, call.arguments);
    }
    out.calls.push_back(std::move(call));
    return;
  }
  const json::value* text = part.if_contains("text");
  if (text == nullptr || !text->is_string()) return;
  const json::value* thought = part.if_contains("thought");
  if (thought != nullptr && thought->is_bool() && thought->get_bool()) {
    out.reasoning += text->get_string();
  } else {
    out.has_text = true;
    out.text += text->get_string();
  }
}

}  // namespace

DecodedParts decode_parts(const json::object* candidate, int first_call) {
  DecodedParts out;
  const json::array* parts = array(object(candidate, "content"), "parts");
  if (parts == nullptr) return out;
  for (const json::value& p : *parts) {
    if (p.is_object()) decode_part(p.get_object(), first_call, out);
  }
  return out;
}

std::string tool_call_id(int index, std::string_view name, std::string_view args) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // separator
    h *= 1099511628211ull;
  };
  mix(std::to_string(index));
  mix(name);
  mix(args);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return "call_" + std::string(hex);
}

api::FinishReason map_finish_reason(std::string_view s, bool has_tool_calls) {
  using api::FinishReason;
  if (s.empty() || s == "FINISH_REASON_UNSPECIFIED") return FinishReason::kNone;
  if (s == "MAX_TOKENS") return FinishReason::kLength;
  if (s == "SAFETY" || s == "RECITATION" || s == "BLOCKLIST" || s == "PROHIBITED_CONTENT" ||
      s == "SPII" || s == "IMAGE_SAFETY") {
    return FinishReason::kContentFilter;
  }
  return has_tool_calls ? FinishReason::kToolCalls : FinishReason::kStop;
}

std::optional<api::Usage> decode_usage(const json::object& response) {
  const json::object* u = object(&response, "usageMetadata");
  if (u == nullptr) return std::nullopt;
  api::Usage usage;
  usage.input_tokens = integer(u, "promptTokenCount") + integer(u, "toolUsePromptTokenCount");
  usage.reasoning_tokens = integer(u, "thoughtsTokenCount");
  usage.output_tokens = integer(u, "candidatesTokenCount") + usage.reasoning_tokens;
  usage.cache_read_tokens = integer(u, "cachedContentTokenCount");
  return usage;
}

const json::object* first_candidate(const json::object& response) {
  const json::array* candidates = array(&response, "candidates");
  if (candidates == nullptr || candidates->empty()) return nullptr;
  return (*candidates)[0].if_object();
}

std::optional<Error> blocked_prompt(const json::object& response) {
  if (first_candidate(response) != nullptr) return std::nullopt;
  std::string_view reason = str(object(&response, "promptFeedback"), "blockReason");
  if (reason.empty()) return std::nullopt;
  return make_error(ErrorCode::kContentFiltered,
                    "upstream blocked the prompt: " + std::string(reason));
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
  if (o->contains("error")) return std::unexpected(in_band_error(v));
  if (auto blocked = blocked_prompt(*o)) return std::unexpected(std::move(*blocked));
  const json::object* candidate = first_candidate(*o);
  if (candidate == nullptr) {
    return std::unexpected(bad_response("upstream response has no candidates"));
  }
  DecodedParts parts = decode_parts(candidate, 0);
  api::ChatResponse r;
  r.id = str(o, "responseId");
  r.model = str(o, "modelVersion");
  r.has_text = parts.has_text;
  r.text = std::move(parts.text);
  r.reasoning = std::move(parts.reasoning);
  r.reasoning_signature = std::move(parts.signature);
  r.tool_calls = std::move(parts.calls);
  r.finish_reason = map_finish_reason(str(candidate, "finishReason"), !r.tool_calls.empty());
  r.usage = decode_usage(*o);
  return r;
}

}  // namespace sb::providers::gemini
