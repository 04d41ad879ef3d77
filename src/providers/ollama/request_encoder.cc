#include "providers/ollama/request_encoder.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace sb::providers::ollama {

namespace json = boost::json;
using api::ContentPart;
using api::Message;
using api::Role;

namespace {

using Status = std::expected<void, Error>;

Error invalid(std::string param, std::string message) {
  return make_error(ErrorCode::kInvalidRequest, std::move(message), std::move(param));
}

std::string at(size_t i, std::string_view rest = {}) {
  return "messages[" + std::to_string(i) + "]" + std::string(rest);
}

// "data:<mime>;base64,<payload>" -> payload. Anything else cannot be given to Ollama.
std::expected<std::string_view, Error> image_payload(std::string_view url,
                                                     const std::string& param) {
  if (!url.starts_with("data:")) {
    return std::unexpected(invalid(
        param, "'" + param +
                   "': ollama takes images inline only; send the image as a base64 data: URI "
                   "(the gateway does not fetch image URLs)"));
  }
  auto comma = url.find(',');
  std::string_view header = url.substr(0, comma == std::string_view::npos ? url.size() : comma);
  if (comma == std::string_view::npos || !header.ends_with(";base64") || comma + 1 == url.size()) {
    return std::unexpected(
        invalid(param, "'" + param + "' must be a base64 data: URI (data:<type>;base64,<data>)"));
  }
  return url.substr(comma + 1);
}

Status encode_content(const Message& m, size_t i, json::object& out) {
  if (m.content_is_text) {
    out["content"] = m.text;
    return {};
  }
  std::string text;
  json::array images;
  for (size_t j = 0; j < m.parts.size(); ++j) {
    const ContentPart& p = m.parts[j];
    std::string param = at(i, ".content[" + std::to_string(j) + "]");
    switch (p.type) {
      case ContentPart::Type::kText:
        if (!text.empty()) text += '\n';
        text += p.text;
        break;
      case ContentPart::Type::kImageUrl: {
        auto payload = image_payload(p.url, param + ".image_url.url");
        if (!payload) return std::unexpected(std::move(payload.error()));
        images.emplace_back(*payload);
        break;
      }
      case ContentPart::Type::kOpaque: {
        const json::value* type = p.part.if_contains("type");
        std::string name = type != nullptr && type->is_string() ? std::string(type->get_string())
                                                                : std::string("unknown");
        return std::unexpected(invalid(
            param,
            "'" + param + "': ollama has no input for content parts of type '" + name + "'"));
      }
    }
  }
  out["content"] = std::move(text);
  if (!images.empty()) out["images"] = std::move(images);
  return {};
}

Status encode_tool_calls(const Message& m, size_t i, json::object& out) {
  json::array calls;
  for (size_t j = 0; j < m.tool_calls.size(); ++j) {
    const api::ToolCall& c = m.tool_calls[j];
    json::value args = json::object();
    if (c.arguments.find_first_not_of(" \t\r\n") != std::string::npos) {
      boost::system::error_code ec;
      args = json::parse(c.arguments, ec);
      if (ec || !args.is_object()) {
        std::string param = at(i, ".tool_calls[" + std::to_string(j) + "].function.arguments");
        return std::unexpected(invalid(param, "'" + param + "' must be a JSON object for ollama"));
      }
    }
    calls.emplace_back(
        json::object{{"function", json::object{{"name", c.name}, {"arguments", std::move(args)}}}});
  }
  out["tool_calls"] = std::move(calls);
  return {};
}

// The function name of the assistant tool call `id`, searching backwards from message `before`.
std::string_view tool_name_for(const std::vector<Message>& messages, size_t before,
                               std::string_view id) {
  for (size_t k = before; k-- > 0;) {
    for (const api::ToolCall& c : messages[k].tool_calls) {
      if (c.id == id) return c.name;
    }
  }
  return {};
}

std::expected<json::object, Error> encode_message(const std::vector<Message>& all, size_t i) {
  const Message& m = all[i];
  json::object o;
  std::string_view role = api::role_name(m.role);
  if (m.role == Role::kDeveloper) role = "system";
  o["role"] = role;
  if (Status st = encode_content(m, i, o); !st) return std::unexpected(std::move(st.error()));
  if (!o.contains("content")) o["content"] = "";
  if (m.role == Role::kAssistant && !m.reasoning.empty()) o["thinking"] = m.reasoning;
  if (!m.tool_calls.empty()) {
    if (Status st = encode_tool_calls(m, i, o); !st) return std::unexpected(std::move(st.error()));
  }
  if (m.role == Role::kTool) {
    std::string_view name = m.name.empty() ? tool_name_for(all, i, m.tool_call_id) : m.name;
    if (!name.empty()) o["tool_name"] = name;
  }
  return o;
}

void encode_tools(const api::ChatRequest& r, json::object& body) {
  using Mode = api::ToolChoice::Mode;
  if (r.tools.empty() || r.tool_choice.mode == Mode::kNone) return;
  json::array tools;
  for (const api::Tool& t : r.tools) {
    if (r.tool_choice.mode == Mode::kFunction && t.name != r.tool_choice.function) continue;
    json::object fn{{"name", t.name}};
    if (!t.description.empty()) fn["description"] = t.description;
    if (!t.parameters.is_null()) fn["parameters"] = t.parameters;
    tools.emplace_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
  }
  if (!tools.empty()) body["tools"] = std::move(tools);
}

json::object encode_options(const api::ChatRequest& r) {
  json::object o;
  if (r.temperature) o["temperature"] = *r.temperature;
  if (r.top_p) o["top_p"] = *r.top_p;
  if (r.max_tokens) o["num_predict"] = *r.max_tokens;
  if (!r.stop.empty()) {
    json::array stop;
    for (const std::string& s : r.stop) stop.emplace_back(s);
    o["stop"] = std::move(stop);
  }
  if (r.seed) o["seed"] = *r.seed;
  if (r.presence_penalty) o["presence_penalty"] = *r.presence_penalty;
  if (r.frequency_penalty) o["frequency_penalty"] = *r.frequency_penalty;
  return o;
}

void encode_format(const api::ResponseFormat& f, json::object& body) {
  using Type = api::ResponseFormat::Type;
  if (f.type == Type::kJsonObject || (f.type == Type::kJsonSchema && f.schema.is_null())) {
    body["format"] = "json";
  } else if (f.type == Type::kJsonSchema) {
    body["format"] = f.schema;
  }
}

}  // namespace

json::value think_value(std::string_view effort, std::string_view model) {
  if (effort.empty()) return nullptr;
  if (effort == "none") return false;
  if (model.find("gpt-oss") == std::string_view::npos) return true;
  if (effort == "minimal" || effort == "low") return "low";
  if (effort == "high") return "high";
  return "medium";
}

std::expected<json::object, Error> encode_chat_body(const api::ChatRequest& r,
                                                    std::string_view model) {
  json::object body;
  body["model"] = model;
  json::array messages;
  messages.reserve(r.messages.size());
  for (size_t i = 0; i < r.messages.size(); ++i) {
    auto m = encode_message(r.messages, i);
    if (!m) return std::unexpected(std::move(m.error()));
    messages.emplace_back(std::move(*m));
  }
  body["messages"] = std::move(messages);
  encode_tools(r, body);
  encode_format(r.response_format, body);
  json::object options = encode_options(r);
  if (!options.empty()) body["options"] = std::move(options);
  json::value think = think_value(r.reasoning_effort, model);
  if (!think.is_null()) body["think"] = std::move(think);
  body["stream"] = r.stream;
  return body;
}

}  // namespace sb::providers::ollama
