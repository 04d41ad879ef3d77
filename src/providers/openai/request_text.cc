#include "providers/openai/request_text.h"

#include <charconv>
#include <cmath>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "common/json_text.h"

namespace sb::providers::openai {

using api::ContentPart;
using api::Message;
using api::Role;
using sb::append_json_int;
using sb::append_json_string;

namespace {

// The upstream request body written as text, field by field in the order encode_request_body
// inserts them, instead of building a DOM and serialising it: this runs once per chat request.

void append_key(std::string& out, std::string_view key) {
  out += ',';
  append_json_string(out, key);
  out += ':';
}

void append_str_field(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

void append_bool(std::string& out, bool v) {
  out += v ? "true" : "false";
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += boost::json::serialize(boost::json::value(v));
    return;
  }
  // Scientific, as Boost.JSON writes doubles (7E-1): the exponent keeps 1.0 a double when the
  // upstream parses it, where "1" would read back as an integer.
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  out.append(buf, end);
}

void append_value(std::string& out, const boost::json::value& v) {
  out += boost::json::serialize(v);
}

void append_part(std::string& out, const ContentPart& p) {
  switch (p.type) {
    case ContentPart::Type::kText:
      out += "{\"type\":\"text\",\"text\":";
      append_json_string(out, p.text);
      out += '}';
      return;
    case ContentPart::Type::kImageUrl:
      out += "{\"type\":\"image_url\",\"image_url\":{\"url\":";
      append_json_string(out, p.url);
      if (!p.detail.empty()) append_str_field(out, "detail", p.detail);
      out += "}}";
      return;
    case ContentPart::Type::kOpaque:
      append_value(out, p.part);
      return;
  }
}

void append_content(std::string& out, const Message& m) {
  if (m.content_is_text) {
    append_json_string(out, m.text);
    return;
  }
  if (m.parts.empty()) {
    out += "null";
    return;
  }
  out += '[';
  for (size_t i = 0; i < m.parts.size(); ++i) {
    if (i > 0) out += ',';
    append_part(out, m.parts[i]);
  }
  out += ']';
}

void append_message(std::string& out, const Message& m, const Dialect& d) {
  std::string_view role = api::role_name(m.role);
  if (m.role == Role::kDeveloper && !d.developer_role) role = "system";
  out += "{\"role\":";
  append_json_string(out, role);
  out += ",\"content\":";
  append_content(out, m);
  if (!m.name.empty()) append_str_field(out, "name", m.name);
  if (!m.tool_calls.empty()) {
    out += ",\"tool_calls\":[";
    for (size_t i = 0; i < m.tool_calls.size(); ++i) {
      const api::ToolCall& c = m.tool_calls[i];
      if (i > 0) out += ',';
      out += "{\"id\":";
      append_json_string(out, c.id);
      out += ",\"type\":\"function\",\"function\":{\"name\":";
      append_json_string(out, c.name);
      out += ",\"arguments\":";
      append_json_string(out, c.arguments);
      out += "}}";
    }
    out += ']';
  }
  if (m.role == Role::kTool) append_str_field(out, "tool_call_id", m.tool_call_id);
  out += '}';
}

void append_sampling(std::string& out, const api::ChatRequest& r, const Dialect& d) {
  auto number = [&](std::string_view key, const std::optional<double>& v) {
    if (!v) return;
    append_key(out, key);
    append_double(out, *v);
  };
  number("temperature", r.temperature);
  number("top_p", r.top_p);
  number("presence_penalty", r.presence_penalty);
  number("frequency_penalty", r.frequency_penalty);
  if (r.max_tokens) {
    append_key(out, d.max_tokens_field);
    append_json_int(out, *r.max_tokens);
  }
  if (r.seed) {
    append_key(out, d.seed_field);
    append_json_int(out, *r.seed);
  }
  if (!r.stop.empty()) {
    out += ",\"stop\":[";
    for (size_t i = 0; i < r.stop.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, r.stop[i]);
    }
    out += ']';
  }
  if (!r.user.empty() && d.user_field) append_str_field(out, "user", r.user);
  if (!r.reasoning_effort.empty() && d.reasoning_effort) {
    if (d.reasoning_object) {
      out += ",\"reasoning\":{\"effort\":";
      append_json_string(out, r.reasoning_effort);
      out += '}';
    } else {
      append_str_field(out, "reasoning_effort", r.reasoning_effort);
    }
  }
}

void append_tool(std::string& out, const api::Tool& t) {
  out += "{\"type\":\"function\",\"function\":{\"name\":";
  append_json_string(out, t.name);
  if (!t.description.empty()) append_str_field(out, "description", t.description);
  if (!t.parameters.is_null()) {
    out += ",\"parameters\":";
    append_value(out, t.parameters);
  }
  if (t.strict) {
    out += ",\"strict\":";
    append_bool(out, *t.strict);
  }
  out += "}}";
}

void append_tools(std::string& out, const api::ChatRequest& r) {
  if (!r.tools.empty()) {
    out += ",\"tools\":[";
    for (size_t i = 0; i < r.tools.size(); ++i) {
      if (i > 0) out += ',';
      append_tool(out, r.tools[i]);
    }
    out += ']';
  }
  using Mode = api::ToolChoice::Mode;
  switch (r.tool_choice.mode) {
    case Mode::kUnset:
      break;
    case Mode::kAuto:
      out += ",\"tool_choice\":\"auto\"";
      break;
    case Mode::kNone:
      out += ",\"tool_choice\":\"none\"";
      break;
    case Mode::kRequired:
      out += ",\"tool_choice\":\"required\"";
      break;
    case Mode::kFunction:
      out += ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":";
      append_json_string(out, r.tool_choice.function);
      out += "}}";
      break;
  }
  if (r.parallel_tool_calls) {
    out += ",\"parallel_tool_calls\":";
    append_bool(out, *r.parallel_tool_calls);
  }
}

void append_response_format(std::string& out, const api::ResponseFormat& f) {
  using Type = api::ResponseFormat::Type;
  switch (f.type) {
    case Type::kUnset:
      return;
    case Type::kText:
      out += ",\"response_format\":{\"type\":\"text\"}";
      return;
    case Type::kJsonObject:
      out += ",\"response_format\":{\"type\":\"json_object\"}";
      return;
    case Type::kJsonSchema:
      out += ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":";
      append_json_string(out, f.name);
      if (!f.description.empty()) append_str_field(out, "description", f.description);
      if (!f.schema.is_null()) {
        out += ",\"schema\":";
        append_value(out, f.schema);
      }
      if (f.strict) {
        out += ",\"strict\":";
        append_bool(out, *f.strict);
      }
      out += "}}";
      return;
  }
}

size_t text_size(const api::ChatRequest& r, std::string_view model) {
  size_t n = model.size() + 128;
  for (const Message& m : r.messages) {
    n += m.text.size() + m.name.size() + m.tool_call_id.size() + 48;
    for (const ContentPart& p : m.parts) n += p.text.size() + p.url.size() + 48;
    for (const api::ToolCall& c : m.tool_calls) {
      n += c.id.size() + c.name.size() + c.arguments.size() + 64;
    }
  }
  return n;
}

}  // namespace

std::string encode_request_text(const api::ChatRequest& r, std::string_view model,
                                const Dialect& d) {
  std::string out;
  out.reserve(text_size(r, model));
  out += "{\"model\":";
  append_json_string(out, model);
  out += ",\"messages\":[";
  for (size_t i = 0; i < r.messages.size(); ++i) {
    if (i > 0) out += ',';
    append_message(out, r.messages[i], d);
  }
  out += ']';
  append_sampling(out, r, d);
  append_tools(out, r);
  append_response_format(out, r.response_format);
  out += ",\"stream\":";
  append_bool(out, r.stream);
  if (r.stream && d.stream_options) out += ",\"stream_options\":{\"include_usage\":true}";
  out += '}';
  return out;
}

}  // namespace sb::providers::openai
