#include "providers/gemini/content_encoder.h"

#include <cctype>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "providers/gemini/json_fields.h"

namespace sb::providers::gemini {

namespace json = boost::json;
using api::ContentPart;
using api::Message;
using api::Role;

namespace {

using Parts = std::expected<json::array, Error>;

std::string message_param(size_t i) {
  return "messages[" + std::to_string(i) + "]";
}

std::string part_param(size_t i, size_t j) {
  return message_param(i) + ".content[" + std::to_string(j) + "]";
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

json::object inline_data(std::string_view mime, std::string_view data) {
  return json::object{{"inlineData", json::object{{"mimeType", mime}, {"data", data}}}};
}

// The image type a URL's extension names; "" when it names none.
std::string_view mime_from_extension(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  size_t dot = url.rfind('.');
  if (dot == std::string_view::npos || url.find('/', dot) != std::string_view::npos) return {};
  std::string ext(url.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "webp") return "image/webp";
  if (ext == "gif") return "image/gif";
  if (ext == "heic") return "image/heic";
  if (ext == "pdf") return "application/pdf";
  return {};
}

std::expected<json::object, Error> image_part(const ContentPart& p, const std::string& param) {
  if (auto d = parse_data_uri(p.url)) return inline_data(d->media_type, d->data);
  if (p.url.starts_with("https://") || p.url.starts_with("http://")) {
    json::object file{{"fileUri", p.url}};
    if (std::string_view mime = mime_from_extension(p.url); !mime.empty()) file["mimeType"] = mime;
    return json::object{{"fileData", std::move(file)}};
  }
  return std::unexpected(
      invalid(param + ".image_url.url", "must be an http(s) URL or a base64 data: URI"));
}

std::expected<json::object, Error> opaque_part(const json::object& part, const std::string& param) {
  std::string_view type = str(&part, "type");
  if (type == "refusal") return json::object{{"text", str(&part, "refusal")}};
  if (type == "input_audio") {
    const json::object* audio = object(&part, "input_audio");
    std::string_view format = str(audio, "format");
    if (!format.empty()) return inline_data("audio/" + std::string(format), str(audio, "data"));
  } else if (type == "file") {
    if (auto d = parse_data_uri(str(object(&part, "file"), "file_data"))) {
      return inline_data(d->media_type, d->data);
    }
    return std::unexpected(invalid(param,
                                   "is a file gemini cannot take: only file_data (base64) "
                                   "is supported"));
  }
  return std::unexpected(
      invalid(param, "is a '" + std::string(type) + "' part gemini cannot take in this form"));
}

Parts content_parts(const Message& m, size_t i) {
  json::array parts;
  if (m.content_is_text) {
    if (!m.text.empty()) parts.push_back(json::object{{"text", m.text}});
    return parts;
  }
  for (size_t j = 0; j < m.parts.size(); ++j) {
    const ContentPart& p = m.parts[j];
    std::expected<json::object, Error> part;
    switch (p.type) {
      case ContentPart::Type::kText:
        if (p.text.empty()) continue;
        part = json::object{{"text", p.text}};
        break;
      case ContentPart::Type::kImageUrl:
        part = image_part(p, part_param(i, j));
        break;
      case ContentPart::Type::kOpaque:
        part = opaque_part(p.part, part_param(i, j));
        break;
    }
    if (!part) return std::unexpected(std::move(part.error()));
    parts.push_back(std::move(*part));
  }
  return parts;
}

std::expected<void, Error> append_system(const Message& m, size_t i, json::array& system) {
  if (m.content_is_text) {
    if (!m.text.empty()) system.push_back(json::object{{"text", m.text}});
    return {};
  }
  for (size_t j = 0; j < m.parts.size(); ++j) {
    if (m.parts[j].type != ContentPart::Type::kText) {
      return std::unexpected(invalid(part_param(i, j),
                                     "must be text: gemini takes only text in "
                                     "system and developer messages"));
    }
    if (!m.parts[j].text.empty()) system.push_back(json::object{{"text", m.parts[j].text}});
  }
  return {};
}

std::expected<json::value, Error> call_args(const api::ToolCall& call, size_t i, size_t j) {
  if (call.arguments.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(call.arguments, ec);
  if (!ec && v.is_object()) return v;
  return std::unexpected(
      invalid(message_param(i) + ".tool_calls[" + std::to_string(j) + "].function.arguments",
              "must be a JSON object for gemini"));
}

Parts model_parts(const Message& m, size_t i, bool gemini3) {
  auto parts = content_parts(m, i);
  if (!parts) return parts;
  size_t first_call = parts->size();
  for (size_t j = 0; j < m.tool_calls.size(); ++j) {
    auto args = call_args(m.tool_calls[j], i, j);
    if (!args) return std::unexpected(std::move(args.error()));
    json::object call{{"name", m.tool_calls[j].name}, {"args", std::move(*args)}};
    parts->push_back(json::object{{"functionCall", std::move(call)}});
  }
  std::string_view signature = m.reasoning_signature;
  if (signature.empty() && gemini3 && !m.tool_calls.empty()) signature = kSkipSignature;
  if (!signature.empty() && !parts->empty()) {
    size_t at = m.tool_calls.empty() ? parts->size() - 1 : first_call;
    (*parts)[at].as_object()["thoughtSignature"] = signature;
  }
  return parts;
}

// The function name of the call `id`, searching assistant turns before message `i`.
std::string_view called_name(const std::vector<Message>& messages, size_t i, std::string_view id) {
  while (i-- > 0) {
    for (const api::ToolCall& c : messages[i].tool_calls) {
      if (c.id == id) return c.name;
    }
  }
  return {};
}

std::expected<json::object, Error> function_response(const std::vector<Message>& messages,
                                                     size_t i) {
  const Message& m = messages[i];
  std::string_view name = called_name(messages, i, m.tool_call_id);
  if (name.empty()) name = m.name;
  if (name.empty()) {
    return std::unexpected(invalid(message_param(i) + ".tool_call_id",
                                   "names no earlier tool call ('" + m.tool_call_id + "')"));
  }
  std::string text = m.text;
  if (!m.content_is_text) {
    text.clear();
    for (const ContentPart& p : m.parts) text += p.text;
  }
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  json::object response =
      !ec && parsed.is_object() ? std::move(parsed.get_object()) : json::object{{"output", text}};
  return json::object{
      {"functionResponse", json::object{{"name", name}, {"response", std::move(response)}}}};
}

void append_turn(json::array& out, std::string_view role, json::array parts, bool merge) {
  if (parts.empty()) return;
  if (merge && !out.empty() && out.back().as_object().at("role").as_string() == role) {
    json::array& existing = out.back().as_object().at("parts").as_array();
    for (json::value& p : parts) existing.push_back(std::move(p));
    return;
  }
  out.push_back(json::object{{"role", role}, {"parts", std::move(parts)}});
}

}  // namespace

std::expected<EncodedContents, Error> encode_contents(const std::vector<Message>& messages,
                                                      std::string_view model) {
  bool gemini3 = model.find("gemini-3") != std::string_view::npos;
  EncodedContents out;
  json::array system;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    Parts parts;
    switch (m.role) {
      case Role::kSystem:
      case Role::kDeveloper:
        if (auto st = append_system(m, i, system); !st) return std::unexpected(st.error());
        continue;
      case Role::kUser:
        parts = content_parts(m, i);
        break;
      case Role::kAssistant:
        parts = model_parts(m, i, gemini3);
        break;
      case Role::kTool: {
        auto response = function_response(messages, i);
        if (!response) return std::unexpected(std::move(response.error()));
        bool after_tool = i > 0 && messages[i - 1].role == Role::kTool;
        append_turn(out.contents, "user", json::array{std::move(*response)}, after_tool);
        continue;
      }
    }
    if (!parts) return std::unexpected(std::move(parts.error()));
    append_turn(out.contents, m.role == Role::kAssistant ? "model" : "user", std::move(*parts),
                false);
  }
  if (!system.empty()) out.system_instruction = json::object{{"parts", std::move(system)}};
  return out;
}

}  // namespace sb::providers::gemini
