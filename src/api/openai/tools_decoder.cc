// Decoding of `tools`, `tool_choice` and `response_format`.

#include <algorithm>

#include "api/openai/decode_helpers.h"
#include "api/openai/request_sections.h"

namespace sb::api::openai::detail {

namespace json = boost::json;

namespace {

std::string str(const json::string& s) {
  return std::string(s.data(), s.size());
}

std::expected<Tool, Error> decode_tool(const json::value& v, const std::string& p) {
  if (!v.is_object()) return std::unexpected(must_be(p, "a tool object"));
  const json::object& o = v.get_object();
  const json::value* type = field(o, "type");
  if (type == nullptr || !type->is_string() || type->get_string() != "function") {
    return std::unexpected(must_be(join(p, "type"), "\"function\" (the only tool type supported)"));
  }
  std::string pf = join(p, "function");
  const json::value* fn = field(o, "function");
  if (fn == nullptr || !fn->is_object()) return std::unexpected(must_be(pf, "an object"));
  const json::object& f = fn->get_object();
  Tool tool;
  std::string pn = join(pf, "name");
  const json::value* name = field(f, "name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return std::unexpected(must_be(pn, "a non-empty string"));
  }
  tool.name = str(name->get_string());
  Status st = read_string(f, "description", join(pf, "description"), tool.description);
  if (st) st = read_bool(f, "strict", join(pf, "strict"), tool.strict);
  if (!st) return std::unexpected(std::move(st.error()));
  if (const json::value* params = field(f, "parameters")) {
    if (!params->is_object()) {
      return std::unexpected(must_be(join(pf, "parameters"), "a JSON Schema object"));
    }
    tool.parameters = *params;
  }
  return tool;
}

bool has_tool(const ChatRequest& r, std::string_view name) {
  return std::any_of(r.tools.begin(), r.tools.end(), [&](const Tool& t) { return t.name == name; });
}

Status decode_named_choice(const json::object& o, ChatRequest& r) {
  constexpr std::string_view kWhat =
      "\"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}";
  const json::value* type = field(o, "type");
  if (type == nullptr || !type->is_string() || type->get_string() != "function") {
    return std::unexpected(must_be("tool_choice", kWhat));
  }
  const json::value* fn = field(o, "function");
  const json::value* name =
      (fn != nullptr && fn->is_object()) ? field(fn->get_object(), "name") : nullptr;
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return std::unexpected(must_be("tool_choice.function.name", "a non-empty string"));
  }
  r.tool_choice.mode = ToolChoice::Mode::kFunction;
  r.tool_choice.function = str(name->get_string());
  if (!r.tools.empty() && !has_tool(r, r.tool_choice.function)) {
    return std::unexpected(invalid(
        "tool_choice.function.name",
        "'tool_choice' names function '" + r.tool_choice.function + "', which is not in 'tools'"));
  }
  return {};
}

}  // namespace

Status decode_tools(const json::object& body, ChatRequest& request) {
  const json::value* v = field(body, "tools");
  if (v == nullptr) return {};
  if (!v->is_array()) return std::unexpected(must_be("tools", "an array of tools"));
  request.tools.reserve(v->get_array().size());
  for (size_t i = 0; i < v->get_array().size(); ++i) {
    auto tool = decode_tool(v->get_array()[i], index("tools", i));
    if (!tool) return std::unexpected(std::move(tool.error()));
    request.tools.push_back(std::move(*tool));
  }
  return {};
}

Status decode_tool_choice(const json::object& body, ChatRequest& request) {
  const json::value* v = field(body, "tool_choice");
  if (v == nullptr) return {};
  Status st;
  if (v->is_string()) {
    std::string_view s = v->get_string();
    using Mode = ToolChoice::Mode;
    if (s == "none") {
      request.tool_choice.mode = Mode::kNone;
    } else if (s == "auto") {
      request.tool_choice.mode = Mode::kAuto;
    } else if (s == "required") {
      request.tool_choice.mode = Mode::kRequired;
    } else {
      return std::unexpected(
          must_be("tool_choice", "\"none\", \"auto\", \"required\" or a function"));
    }
  } else if (v->is_object()) {
    st = decode_named_choice(v->get_object(), request);
  } else {
    return std::unexpected(must_be("tool_choice", "a string or an object"));
  }
  if (st && request.tools.empty() &&
      (request.tool_choice.mode == ToolChoice::Mode::kRequired ||
       request.tool_choice.mode == ToolChoice::Mode::kFunction)) {
    return std::unexpected(invalid("tool_choice", "'tool_choice' requires 'tools'"));
  }
  return st;
}

Status decode_response_format(const json::object& body, ChatRequest& request) {
  const json::value* v = field(body, "response_format");
  if (v == nullptr) return {};
  constexpr std::string_view kTypes = "one of text, json_object, json_schema";
  if (!v->is_object()) return std::unexpected(must_be("response_format", "an object"));
  const json::object& o = v->get_object();
  const json::value* type = field(o, "type");
  std::string_view t = (type != nullptr && type->is_string()) ? std::string_view(type->get_string())
                                                              : std::string_view();
  ResponseFormat& rf = request.response_format;
  if (t == "text") {
    rf.type = ResponseFormat::Type::kText;
    return {};
  }
  if (t == "json_object") {
    rf.type = ResponseFormat::Type::kJsonObject;
    return {};
  }
  if (t != "json_schema") return std::unexpected(must_be("response_format.type", kTypes));
  rf.type = ResponseFormat::Type::kJsonSchema;
  const json::value* js = field(o, "json_schema");
  if (js == nullptr || !js->is_object()) {
    return std::unexpected(must_be("response_format.json_schema", "an object"));
  }
  const json::object& s = js->get_object();
  const json::value* name = field(s, "name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return std::unexpected(must_be("response_format.json_schema.name", "a non-empty string"));
  }
  rf.name = str(name->get_string());
  Status st =
      read_string(s, "description", "response_format.json_schema.description", rf.description);
  if (st) st = read_bool(s, "strict", "response_format.json_schema.strict", rf.strict);
  if (!st) return st;
  if (const json::value* schema = field(s, "schema")) {
    if (!schema->is_object()) {
      return std::unexpected(must_be("response_format.json_schema.schema", "a JSON Schema object"));
    }
    rf.schema = *schema;
  }
  return {};
}

}  // namespace sb::api::openai::detail
