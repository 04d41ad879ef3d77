#include "providers/openai/request_encoder.h"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

namespace sb::providers::openai {

namespace json = boost::json;
using api::ContentPart;
using api::Message;
using api::Role;

namespace {

json::value content_json(const Message& m) {
  if (m.content_is_text) return json::string(m.text);
  if (m.parts.empty()) return nullptr;
  json::array parts;
  parts.reserve(m.parts.size());
  for (const ContentPart& p : m.parts) {
    switch (p.type) {
      case ContentPart::Type::kText:
        parts.emplace_back(json::object{{"type", "text"}, {"text", p.text}});
        break;
      case ContentPart::Type::kImageUrl: {
        json::object image{{"url", p.url}};
        if (!p.detail.empty()) image["detail"] = p.detail;
        parts.emplace_back(json::object{{"type", "image_url"}, {"image_url", std::move(image)}});
        break;
      }
      case ContentPart::Type::kOpaque:
        parts.emplace_back(p.part);
        break;
    }
  }
  return parts;
}

json::object message_json(const Message& m, const Dialect& d) {
  json::object o;
  std::string_view role = api::role_name(m.role);
  if (m.role == Role::kDeveloper && !d.developer_role) role = "system";
  o["role"] = role;
  o["content"] = content_json(m);
  if (!m.name.empty()) o["name"] = m.name;
  if (!m.tool_calls.empty()) {
    json::array calls;
    for (const api::ToolCall& c : m.tool_calls) {
      calls.emplace_back(
          json::object{{"id", c.id},
                       {"type", "function"},
                       {"function", json::object{{"name", c.name}, {"arguments", c.arguments}}}});
    }
    o["tool_calls"] = std::move(calls);
  }
  if (m.role == Role::kTool) o["tool_call_id"] = m.tool_call_id;
  return o;
}

void encode_tools(const api::ChatRequest& r, json::object& body) {
  if (!r.tools.empty()) {
    json::array tools;
    for (const api::Tool& t : r.tools) {
      json::object fn{{"name", t.name}};
      if (!t.description.empty()) fn["description"] = t.description;
      if (!t.parameters.is_null()) fn["parameters"] = t.parameters;
      if (t.strict) fn["strict"] = *t.strict;
      tools.emplace_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
    }
    body["tools"] = std::move(tools);
  }
  using Mode = api::ToolChoice::Mode;
  switch (r.tool_choice.mode) {
    case Mode::kUnset:
      break;
    case Mode::kAuto:
      body["tool_choice"] = "auto";
      break;
    case Mode::kNone:
      body["tool_choice"] = "none";
      break;
    case Mode::kRequired:
      body["tool_choice"] = "required";
      break;
    case Mode::kFunction:
      body["tool_choice"] = json::object{
          {"type", "function"}, {"function", json::object{{"name", r.tool_choice.function}}}};
      break;
  }
  if (r.parallel_tool_calls) body["parallel_tool_calls"] = *r.parallel_tool_calls;
}

void encode_response_format(const api::ResponseFormat& f, json::object& body) {
  using Type = api::ResponseFormat::Type;
  switch (f.type) {
    case Type::kUnset:
      return;
    case Type::kText:
      body["response_format"] = json::object{{"type", "text"}};
      return;
    case Type::kJsonObject:
      body["response_format"] = json::object{{"type", "json_object"}};
      return;
    case Type::kJsonSchema: {
      json::object schema{{"name", f.name}};
      if (!f.description.empty()) schema["description"] = f.description;
      if (!f.schema.is_null()) schema["schema"] = f.schema;
      if (f.strict) schema["strict"] = *f.strict;
      body["response_format"] =
          json::object{{"type", "json_schema"}, {"json_schema", std::move(schema)}};
      return;
    }
  }
}

void encode_sampling(const api::ChatRequest& r, const Dialect& d, json::object& body) {
  if (r.temperature) body["temperature"] = *r.temperature;
  if (r.top_p) body["top_p"] = *r.top_p;
  if (r.presence_penalty) body["presence_penalty"] = *r.presence_penalty;
  if (r.frequency_penalty) body["frequency_penalty"] = *r.frequency_penalty;
  if (r.max_tokens) body[d.max_tokens_field] = *r.max_tokens;
  if (r.seed) body[d.seed_field] = *r.seed;
  if (!r.stop.empty()) {
    json::array stop;
    for (const std::string& s : r.stop) stop.emplace_back(s);
    body["stop"] = std::move(stop);
  }
  if (!r.user.empty() && d.user_field) body["user"] = r.user;
  if (!r.reasoning_effort.empty() && d.reasoning_effort) {
    if (d.reasoning_object) {
      body["reasoning"] = json::object{{"effort", r.reasoning_effort}};
    } else {
      body["reasoning_effort"] = r.reasoning_effort;
    }
  }
}

}  // namespace

json::object encode_request_body(const api::ChatRequest& r, std::string_view model,
                                 const Dialect& d) {
  json::object body;
  body["model"] = model;
  json::array messages;
  messages.reserve(r.messages.size());
  for (const Message& m : r.messages) messages.emplace_back(message_json(m, d));
  body["messages"] = std::move(messages);
  encode_sampling(r, d, body);
  encode_tools(r, body);
  encode_response_format(r.response_format, body);
  body["stream"] = r.stream;
  if (r.stream && d.stream_options) {
    body["stream_options"] = json::object{{"include_usage", true}};
  }
  return body;
}

}  // namespace sb::providers::openai
