#include "providers/anthropic/message_encoder.h"

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "providers/anthropic/json_fields.h"

namespace sb::providers::anthropic {

namespace json = boost::json;
using api::ContentPart;
using api::Message;
using api::Role;

namespace {

using Blocks = std::expected<json::array, Error>;

std::string part_param(size_t i, size_t j) {
  return "messages[" + std::to_string(i) + "].content[" + std::to_string(j) + "]";
}

Error invalid(std::string param, std::string_view what) {
  std::string message = "'" + param + "' " + std::string(what);
  return make_error(ErrorCode::kInvalidRequest, std::move(message), std::move(param));
}

struct DataUri {
  std::string_view media_type;
  std::string_view data;
};

// "data:<media type>;base64,<data>"; nullopt for anything else.
std::optional<DataUri> parse_data_uri(std::string_view url) {
  if (!url.starts_with("data:")) return std::nullopt;
  size_t comma = url.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view meta = url.substr(5, comma - 5);
  if (!meta.ends_with(";base64")) return std::nullopt;
  meta.remove_suffix(7);
  if (meta.empty()) return std::nullopt;
  return DataUri{meta, url.substr(comma + 1)};
}

json::object text_block(std::string_view text) {
  return json::object{{"type", "text"}, {"text", text}};
}

std::expected<json::object, Error> image_block(const ContentPart& p, const std::string& param) {
  if (auto d = parse_data_uri(p.url)) {
    json::object source{{"type", "base64"}, {"media_type", d->media_type}, {"data", d->data}};
    return json::object{{"type", "image"}, {"source", std::move(source)}};
  }
  if (p.url.starts_with("https://") || p.url.starts_with("http://")) {
    json::object source{{"type", "url"}, {"url", p.url}};
    return json::object{{"type", "image"}, {"source", std::move(source)}};
  }
  return std::unexpected(
      invalid(param + ".image_url.url", "must be an http(s) URL or a base64 data: URI"));
}

std::expected<json::object, Error> opaque_block(const json::object& part,
                                                const std::string& param) {
  std::string_view type = str(&part, "type");
  if (type == "refusal") return text_block(str(&part, "refusal"));
  if (type == "file") {
    const json::object* file = object(&part, "file");
    auto d = parse_data_uri(str(file, "file_data"));
    if (d && d->media_type == "application/pdf") {
      json::object source{{"type", "base64"}, {"media_type", d->media_type}, {"data", d->data}};
      json::object doc{{"type", "document"}, {"source", std::move(source)}};
      if (std::string_view name = str(file, "filename"); !name.empty()) doc["title"] = name;
      return doc;
    }
    return std::unexpected(invalid(
        param, "is a file anthropic cannot take: only PDF file_data (base64) is supported"));
  }
  return std::unexpected(
      invalid(param, "is a '" + std::string(type) + "' part, which anthropic does not accept"));
}

// The content of a user, assistant or tool message as blocks.
Blocks content_blocks(const Message& m, size_t i) {
  json::array blocks;
  if (m.content_is_text) {
    if (!m.text.empty()) blocks.push_back(text_block(m.text));
    return blocks;
  }
  for (size_t j = 0; j < m.parts.size(); ++j) {
    const ContentPart& p = m.parts[j];
    std::expected<json::object, Error> block;
    switch (p.type) {
      case ContentPart::Type::kText:
        if (p.text.empty()) continue;
        block = text_block(p.text);
        break;
      case ContentPart::Type::kImageUrl:
        block = image_block(p, part_param(i, j));
        break;
      case ContentPart::Type::kOpaque:
        block = opaque_block(p.part, part_param(i, j));
        break;
    }
    if (!block) return std::unexpected(std::move(block.error()));
    blocks.push_back(std::move(*block));
  }
  return blocks;
}

std::expected<void, Error> append_system(const Message& m, size_t i, json::array& system) {
  if (m.content_is_text) {
    if (!m.text.empty()) system.push_back(text_block(m.text));
    return {};
  }
  for (size_t j = 0; j < m.parts.size(); ++j) {
    if (m.parts[j].type != ContentPart::Type::kText) {
      return std::unexpected(invalid(part_param(i, j),
                                     "must be text: anthropic takes only text "
                                     "in system and developer messages"));
    }
    if (!m.parts[j].text.empty()) system.push_back(text_block(m.parts[j].text));
  }
  return {};
}

// Tool arguments as the object Anthropic wants in tool_use.input; "" is {}.
std::expected<json::value, Error> tool_input(const api::ToolCall& call, size_t i, size_t j) {
  if (call.arguments.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(call.arguments, ec);
  if (!ec && v.is_object()) return v;
  std::string param = "messages[" + std::to_string(i) + "].tool_calls[" + std::to_string(j) +
                      "].function.arguments";
  return std::unexpected(invalid(std::move(param), "must be a JSON object for anthropic"));
}

Blocks assistant_blocks(const Message& m, size_t i) {
  json::array blocks;
  if (!m.reasoning_signature.empty()) {
    blocks.push_back(json::object{
        {"type", "thinking"}, {"thinking", m.reasoning}, {"signature", m.reasoning_signature}});
  }
  auto content = content_blocks(m, i);
  if (!content) return content;
  for (json::value& b : *content) blocks.push_back(std::move(b));
  for (size_t j = 0; j < m.tool_calls.size(); ++j) {
    const api::ToolCall& c = m.tool_calls[j];
    auto input = tool_input(c, i, j);
    if (!input) return std::unexpected(std::move(input.error()));
    blocks.push_back(json::object{
        {"type", "tool_use"}, {"id", c.id}, {"name", c.name}, {"input", std::move(*input)}});
  }
  return blocks;
}

Blocks tool_result_blocks(const Message& m, size_t i) {
  json::object result{{"type", "tool_result"}, {"tool_use_id", m.tool_call_id}};
  if (m.content_is_text) {
    if (!m.text.empty()) result["content"] = m.text;
  } else {
    auto content = content_blocks(m, i);
    if (!content) return content;
    if (!content->empty()) result["content"] = std::move(*content);
  }
  return json::array{std::move(result)};
}

// Appends a turn, merging it into the previous one when the role repeats.
void append_turn(json::array& out, std::string_view role, json::array blocks) {
  if (blocks.empty()) return;
  if (!out.empty() && out.back().as_object().at("role").as_string() == role) {
    json::array& content = out.back().as_object().at("content").as_array();
    for (json::value& b : blocks) content.push_back(std::move(b));
    return;
  }
  out.push_back(json::object{{"role", role}, {"content", std::move(blocks)}});
}

bool is_single_text(const json::array& blocks) {
  return blocks.size() == 1 && blocks[0].as_object().size() == 2 &&
         blocks[0].as_object().at("type") == "text";
}

}  // namespace

std::expected<EncodedConversation, Error> encode_conversation(
    const std::vector<Message>& messages) {
  EncodedConversation out;
  json::array system;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    Blocks blocks;
    std::string_view role = "user";
    switch (m.role) {
      case Role::kSystem:
      case Role::kDeveloper:
        if (auto st = append_system(m, i, system); !st) return std::unexpected(st.error());
        continue;
      case Role::kUser:
        blocks = content_blocks(m, i);
        break;
      case Role::kAssistant:
        role = "assistant";
        blocks = assistant_blocks(m, i);
        break;
      case Role::kTool:
        blocks = tool_result_blocks(m, i);
        break;
    }
    if (!blocks) return std::unexpected(std::move(blocks.error()));
    append_turn(out.messages, role, std::move(*blocks));
  }
  for (json::value& turn : out.messages) {
    json::value& content = turn.as_object().at("content");
    if (is_single_text(content.as_array())) {
      content = json::string(content.as_array()[0].as_object().at("text").as_string());
    }
  }
  if (is_single_text(system)) {
    out.system = system[0].as_object().at("text");
  } else if (!system.empty()) {
    out.system = std::move(system);
  }
  return out;
}

}  // namespace sb::providers::anthropic
