// Decoding of the `messages` array: roles, content (string or parts), tool calls, tool results.

#include "api/openai/decode_helpers.h"
#include "api/openai/request_sections.h"

namespace sb::api::openai::detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kRoles = "one of system, developer, user, assistant, tool";
constexpr std::string_view kPartTypes = "one of text, image_url, input_audio, file";

std::string str(const json::string& s) {
  return std::string(s.data(), s.size());
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "system") return Role::kSystem;
  if (s == "developer") return Role::kDeveloper;
  if (s == "user") return Role::kUser;
  if (s == "assistant") return Role::kAssistant;
  if (s == "tool") return Role::kTool;
  return std::nullopt;
}

Status decode_image_part(const json::object& o, const std::string& p, ContentPart& part) {
  std::string pi = join(p, "image_url");
  const json::value* v = field(o, "image_url");
  part.type = ContentPart::Type::kImageUrl;
  if (v != nullptr && v->is_string()) {  // the short form some clients send
    part.url = str(v->get_string());
    return {};
  }
  if (v == nullptr || !v->is_object()) return std::unexpected(must_be(pi, "an object with a url"));
  const json::object& img = v->get_object();
  const json::value* url = field(img, "url");
  if (url == nullptr || !url->is_string() || url->get_string().empty()) {
    return std::unexpected(must_be(join(pi, "url"), "a non-empty string"));
  }
  part.url = str(url->get_string());
  return read_string(img, "detail", join(pi, "detail"), part.detail);
}

std::expected<ContentPart, Error> decode_part(const json::value& v, const std::string& p) {
  if (!v.is_object()) return std::unexpected(must_be(p, "a content part object"));
  const json::object& o = v.get_object();
  const json::value* type = field(o, "type");
  std::string pt = join(p, "type");
  if (type == nullptr || !type->is_string()) return std::unexpected(must_be(pt, kPartTypes));
  std::string_view t = type->get_string();
  ContentPart part;
  if (t == "text") {
    const json::value* text = field(o, "text");
    if (text == nullptr || !text->is_string()) {
      return std::unexpected(must_be(join(p, "text"), "a string"));
    }
    part.text = str(text->get_string());
  } else if (t == "image_url") {
    if (Status st = decode_image_part(o, p, part); !st) return std::unexpected(st.error());
  } else if (t == "input_audio" || t == "file" || t == "refusal") {
    part.type = ContentPart::Type::kOpaque;  // passed to the upstream as the client wrote it
    part.part = o;
  } else {
    return std::unexpected(invalid(pt, "'" + pt + "' must be " + std::string(kPartTypes) +
                                           " (got '" + str(type->get_string()) + "')"));
  }
  return part;
}

Status decode_content(const json::object& o, const std::string& p, Message& m) {
  auto pc = [&p] { return join(p, "content"); };  // built only for an error or a part's path
  const json::value* v = field(o, "content");
  if (v == nullptr) {
    if (m.role == Role::kAssistant) return {};  // a turn that only calls tools
    return std::unexpected(invalid(pc(), "'" + pc() + "' is required"));
  }
  if (v->is_string()) {
    m.content_is_text = true;
    m.text = str(v->get_string());
    return {};
  }
  if (!v->is_array()) {
    return std::unexpected(must_be(pc(), "a string or an array of content parts"));
  }
  const json::array& parts = v->get_array();
  if (parts.empty() && m.role != Role::kAssistant) {
    return std::unexpected(invalid(pc(), "'" + pc() + "' must not be an empty array"));
  }
  m.parts.reserve(parts.size());
  std::string path = pc();
  for (size_t i = 0; i < parts.size(); ++i) {
    auto part = decode_part(parts[i], index(path, i));
    if (!part) return std::unexpected(std::move(part.error()));
    m.parts.push_back(std::move(*part));
  }
  return {};
}

Status required_string(const json::object& o, std::string_view key, const std::string& p,
                       std::string& out) {
  const json::value* v = field(o, key);
  std::string pk = join(p, key);
  if (v == nullptr) return std::unexpected(invalid(pk, "'" + pk + "' is required"));
  if (!v->is_string()) return std::unexpected(must_be(pk, "a string"));
  out = str(v->get_string());
  return {};
}

std::expected<ToolCall, Error> decode_tool_call(const json::value& v, const std::string& p) {
  if (!v.is_object()) return std::unexpected(must_be(p, "a tool call object"));
  const json::object& o = v.get_object();
  ToolCall call;
  if (Status st = required_string(o, "id", p, call.id); !st) return std::unexpected(st.error());
  if (const json::value* type = field(o, "type")) {
    if (!type->is_string() || type->get_string() != "function") {
      return std::unexpected(must_be(join(p, "type"), "\"function\""));
    }
  }
  std::string pf = join(p, "function");
  const json::value* fn = field(o, "function");
  if (fn == nullptr || !fn->is_object()) {
    return std::unexpected(must_be(pf, "an object with name and arguments"));
  }
  Status st = required_string(fn->get_object(), "name", pf, call.name);
  if (st) st = required_string(fn->get_object(), "arguments", pf, call.arguments);
  if (!st) return std::unexpected(st.error());
  return call;
}

Status decode_tool_calls(const json::object& o, const std::string& p, Message& m) {
  const json::value* v = field(o, "tool_calls");
  if (v == nullptr) return {};
  std::string pt = join(p, "tool_calls");
  if (m.role != Role::kAssistant) {
    return std::unexpected(invalid(pt, "'" + pt + "' is only allowed on assistant messages"));
  }
  if (!v->is_array()) return std::unexpected(must_be(pt, "an array of tool calls"));
  for (size_t i = 0; i < v->get_array().size(); ++i) {
    auto call = decode_tool_call(v->get_array()[i], index(pt, i));
    if (!call) return std::unexpected(std::move(call.error()));
    m.tool_calls.push_back(std::move(*call));
  }
  return {};
}

// TensorZero's round-trip field: [{"type":"thought","text":...,"signature":...}, ...]. The first
// thought fills what the OpenAI-style fields left empty; other block types are ignored.
void read_extra_thought(const json::object& o, Message& m) {
  for (std::string_view key :
       {"tensorzero_extra_content", "tensorzero_extra_content_experimental"}) {
    const json::value* v = field(o, key);
    if (v == nullptr || !v->is_array()) continue;
    for (const json::value& block : v->get_array()) {
      const json::object* b = block.if_object();
      const json::value* type = b != nullptr ? field(*b, "type") : nullptr;
      if (type == nullptr || !type->is_string() || type->get_string() != "thought") continue;
      const json::value* text = field(*b, "text");
      const json::value* sig = field(*b, "signature");
      if (m.reasoning.empty() && text != nullptr && text->is_string()) {
        m.reasoning = str(text->get_string());
      }
      if (m.reasoning_signature.empty() && sig != nullptr && sig->is_string()) {
        m.reasoning_signature = str(sig->get_string());
      }
      return;
    }
  }
}

std::expected<Message, Error> decode_message(const json::value& v, const std::string& p) {
  if (!v.is_object()) return std::unexpected(must_be(p, "a message object"));
  const json::object& o = v.get_object();
  Message m;
  const json::value* role = field(o, "role");
  if (role == nullptr) {
    std::string pr = join(p, "role");
    return std::unexpected(invalid(pr, "'" + pr + "' is required"));
  }
  std::optional<Role> parsed = role->is_string() ? parse_role(role->get_string()) : std::nullopt;
  if (!parsed) return std::unexpected(must_be(join(p, "role"), kRoles));
  m.role = *parsed;
  Status st = decode_content(o, p, m);
  if (st && field(o, "name") != nullptr) st = read_string(o, "name", join(p, "name"), m.name);
  if (st) st = decode_tool_calls(o, p, m);
  if (st && m.role == Role::kTool) st = required_string(o, "tool_call_id", p, m.tool_call_id);
  if (!st) return std::unexpected(std::move(st.error()));
  if (m.role == Role::kAssistant) {
    // Reasoning a client sends back (DeepSeek `reasoning_content`, OpenRouter `reasoning`). An
    // extension: a value of another type is ignored, not rejected.
    for (std::string_view key : {"reasoning_content", "reasoning"}) {
      const json::value* r = field(o, key);
      if (r != nullptr && r->is_string() && m.reasoning.empty()) m.reasoning = str(r->get_string());
    }
    const json::value* sig = field(o, "reasoning_signature");
    if (sig != nullptr && sig->is_string()) m.reasoning_signature = str(sig->get_string());
    read_extra_thought(o, m);
  }
  return m;
}

}  // namespace

Status decode_messages(const json::object& body, ChatRequest& request) {
  const json::value* v = body.if_contains("messages");
  if (v == nullptr || v->is_null()) {
    return std::unexpected(invalid("messages", "'messages' is required"));
  }
  if (!v->is_array()) return std::unexpected(must_be("messages", "an array of messages"));
  const json::array& messages = v->get_array();
  if (messages.empty()) {
    return std::unexpected(invalid("messages", "'messages' must contain at least one message"));
  }
  request.messages.reserve(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    auto m = decode_message(messages[i], index("messages", i));
    if (!m) return std::unexpected(std::move(m.error()));
    request.messages.push_back(std::move(*m));
  }
  return {};
}

}  // namespace sb::api::openai::detail
