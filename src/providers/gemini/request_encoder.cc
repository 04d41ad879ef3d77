#include "providers/gemini/request_encoder.h"

#include <boost/json/array.hpp>

#include "providers/gemini/content_encoder.h"
#include "providers/gemini/thinking.h"

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

void encode_tools(const api::ChatRequest& r, json::object& body) {
  if (!r.tools.empty()) {
    json::array declarations;
    for (const api::Tool& t : r.tools) {
      json::object d{{"name", t.name}};
      if (!t.description.empty()) d["description"] = t.description;
      if (!t.parameters.is_null()) d["parametersJsonSchema"] = t.parameters;
      declarations.push_back(std::move(d));
    }
    body["tools"] = json::array{json::object{{"functionDeclarations", std::move(declarations)}}};
  }
  using Mode = api::ToolChoice::Mode;
  json::object config;
  switch (r.tool_choice.mode) {
    case Mode::kUnset:
      return;
    case Mode::kAuto:
      config["mode"] = "AUTO";
      break;
    case Mode::kNone:
      config["mode"] = "NONE";
      break;
    case Mode::kRequired:
      config["mode"] = "ANY";
      break;
    case Mode::kFunction:
      config["mode"] = "ANY";
      config["allowedFunctionNames"] = json::array{json::string(r.tool_choice.function)};
      break;
  }
  body["toolConfig"] = json::object{{"functionCallingConfig", std::move(config)}};
}

json::object generation_config(const api::ChatRequest& r, std::string_view model) {
  json::object g;
  if (r.temperature) g["temperature"] = *r.temperature;
  if (r.top_p) g["topP"] = *r.top_p;
  if (r.max_tokens) g["maxOutputTokens"] = *r.max_tokens;
  if (!r.stop.empty()) {
    json::array stop;
    for (const std::string& s : r.stop) stop.emplace_back(s);
    g["stopSequences"] = std::move(stop);
  }
  if (r.seed) g["seed"] = *r.seed;
  if (r.presence_penalty) g["presencePenalty"] = *r.presence_penalty;
  if (r.frequency_penalty) g["frequencyPenalty"] = *r.frequency_penalty;
  using Type = api::ResponseFormat::Type;
  const api::ResponseFormat& f = r.response_format;
  if (f.type == Type::kJsonObject || f.type == Type::kJsonSchema) {
    g["responseMimeType"] = "application/json";
  }
  if (f.type == Type::kJsonSchema && !f.schema.is_null()) g["responseJsonSchema"] = f.schema;
  json::value thinking = thinking_config(r, model);
  if (!thinking.is_null()) g["thinkingConfig"] = std::move(thinking);
  return g;
}

}  // namespace

std::expected<json::object, Error> encode_request(const api::ChatRequest& r,
                                                  std::string_view model) {
  auto contents = encode_contents(r.messages, model);
  if (!contents) return std::unexpected(std::move(contents.error()));
  json::object body;
  body["contents"] = std::move(contents->contents);
  if (!contents->system_instruction.is_null()) {
    body["systemInstruction"] = std::move(contents->system_instruction);
  }
  encode_tools(r, body);
  json::object g = generation_config(r, model);
  if (!g.empty()) body["generationConfig"] = std::move(g);
  return body;
}

}  // namespace sb::providers::gemini
