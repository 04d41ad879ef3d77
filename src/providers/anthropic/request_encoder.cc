#include "providers/anthropic/request_encoder.h"

#include <algorithm>
#include <string>

#include <boost/json/array.hpp>

#include "providers/anthropic/message_encoder.h"
#include "providers/anthropic/thinking.h"

namespace sb::providers::anthropic {

namespace json = boost::json;

namespace {

constexpr std::string_view kJsonToolDescription =
    "Respond to the user with a JSON value that follows this tool's input schema.";

json::object tool_json(const api::Tool& t) {
  json::object o{{"name", t.name}};
  if (!t.description.empty()) o["description"] = t.description;
  if (t.parameters.is_object()) {
    o["input_schema"] = t.parameters;
  } else {
    o["input_schema"] = json::object{{"type", "object"}, {"properties", json::object()}};
  }
  return o;
}

json::object structured_output_tool(const api::ResponseFormat& f) {
  json::object o{{"name", kJsonToolName}};
  o["description"] = f.description.empty() ? kJsonToolDescription : std::string_view(f.description);
  bool has_schema = f.type == api::ResponseFormat::Type::kJsonSchema && f.schema.is_object();
  o["input_schema"] = has_schema ? f.schema : json::value(json::object{{"type", "object"}});
  return o;
}

// tool_choice, or null for Anthropic's default (auto).
json::value tool_choice_json(const api::ChatRequest& r, bool json_tool, bool thinking) {
  using Mode = api::ToolChoice::Mode;
  json::object tc;
  if (json_tool && r.tools.empty()) {
    tc = thinking ? json::object{{"type", "auto"}}
                  : json::object{{"type", "tool"}, {"name", kJsonToolName}};
  } else {
    switch (r.tool_choice.mode) {
      case Mode::kUnset:
        if (r.parallel_tool_calls.value_or(true)) return nullptr;
        tc = {{"type", "auto"}};
        break;
      case Mode::kAuto:
        tc = {{"type", "auto"}};
        break;
      case Mode::kNone:
        return json::object{{"type", "none"}};
      case Mode::kRequired:
        tc = {{"type", "any"}};
        break;
      case Mode::kFunction:
        tc = {{"type", "tool"}, {"name", r.tool_choice.function}};
        break;
    }
  }
  if (!r.parallel_tool_calls.value_or(true)) tc["disable_parallel_tool_use"] = true;
  return tc;
}

// Tools, tool_choice and structured output; returns whether the beta header is needed.
bool encode_tools(const api::ChatRequest& r, bool thinking, const EncodeOptions& options,
                  json::object& body) {
  using Type = api::ResponseFormat::Type;
  const api::ResponseFormat& f = r.response_format;
  bool native =
      options.native_structured_outputs && f.type == Type::kJsonSchema && f.schema.is_object();
  bool json_tool = !native && (f.type == Type::kJsonObject || f.type == Type::kJsonSchema);
  if (native) {
    body["output_format"] = json::object{{"type", "json_schema"}, {"schema", f.schema}};
  }
  if (r.tools.empty() && !json_tool) return native;
  json::array tools;
  for (const api::Tool& t : r.tools) tools.push_back(tool_json(t));
  if (json_tool) tools.push_back(structured_output_tool(f));
  body["tools"] = std::move(tools);
  json::value choice = tool_choice_json(r, json_tool, thinking);
  if (!choice.is_null()) body["tool_choice"] = std::move(choice);
  return native;
}

void encode_sampling(const api::ChatRequest& r, const ThinkingPlan& plan, json::object& body) {
  bool thinking = plan.budget > 0;
  body["max_tokens"] = plan.max_tokens;
  if (thinking) {
    body["thinking"] = json::object{{"type", "enabled"}, {"budget_tokens", plan.budget}};
  }
  if (r.temperature && !thinking) body["temperature"] = std::clamp(*r.temperature, 0.0, 1.0);
  if (r.top_p && (!thinking || *r.top_p >= 0.95)) body["top_p"] = *r.top_p;
  if (!r.stop.empty()) {
    json::array stop;
    for (const std::string& s : r.stop) stop.emplace_back(s);
    body["stop_sequences"] = std::move(stop);
  }
  if (!r.user.empty()) body["metadata"] = json::object{{"user_id", r.user}};
}

}  // namespace

std::expected<EncodedRequest, Error> encode_request(const api::ChatRequest& r,
                                                    std::string_view model,
                                                    const EncodeOptions& options) {
  for (size_t i = 0; i < r.tools.size(); ++i) {
    if (r.tools[i].name == kJsonToolName) {
      std::string param = "tools[" + std::to_string(i) + "].function.name";
      std::string message = "'" + param + "' must not be '" + std::string(kJsonToolName) +
                            "': the gateway reserves that name for structured output on anthropic";
      return std::unexpected(
          make_error(ErrorCode::kInvalidRequest, std::move(message), std::move(param)));
    }
  }
  auto conversation = encode_conversation(r.messages);
  if (!conversation) return std::unexpected(std::move(conversation.error()));
  EncodedRequest out;
  json::object& body = out.body;
  body["model"] = model;
  if (!conversation->system.is_null()) body["system"] = std::move(conversation->system);
  body["messages"] = std::move(conversation->messages);
  ThinkingPlan plan = plan_thinking(r, model);
  encode_sampling(r, plan, body);
  out.structured_outputs_beta = encode_tools(r, plan.budget > 0, options, body);
  if (r.stream) body["stream"] = true;
  return out;
}

}  // namespace sb::providers::anthropic
