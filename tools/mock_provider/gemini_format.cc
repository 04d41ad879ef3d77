// Gemini API (generativelanguage v1beta), as documented: GenerateContentResponse objects with
// candidates[].content.parts[] (text, `thought: true` parts, functionCall parts), finishReason and
// usageMetadata; streamGenerateContent streams the same object per chunk, as SSE with alt=sse or
// as one JSON array without it. There is no end sentinel: the last chunk carries finishReason.

#include <string>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "formats.h"

namespace sb::mock::gemini {
namespace {

namespace json = boost::json;

std::optional<ToolSpec> first_tool(const json::object& body) {
  const auto* tools = body.if_contains("tools");
  if (!tools || !tools->is_array()) return std::nullopt;
  for (const auto& tool : tools->get_array()) {
    const auto* to = tool.if_object();
    const auto* decls = to ? to->if_contains("functionDeclarations") : nullptr;
    if (!decls || !decls->is_array() || decls->get_array().empty()) continue;
    const auto* decl = decls->get_array()[0].if_object();
    if (!decl) continue;
    ToolSpec spec;
    if (const auto* name = decl->if_contains("name"); name && name->is_string())
      spec.name = name->get_string();
    for (const char* key : {"parameters", "parametersJsonSchema"}) {
      if (const auto* p = decl->if_contains(key); p && p->is_object() && !spec.schema)
        spec.schema = &p->get_object();
    }
    return spec;
  }
  return std::nullopt;
}

bool thoughts_requested(const json::object& body) {
  const auto* gc = body.if_contains("generationConfig");
  const auto* tc = gc && gc->is_object() ? gc->get_object().if_contains("thinkingConfig") : nullptr;
  const auto* inc =
      tc && tc->is_object() ? tc->get_object().if_contains("includeThoughts") : nullptr;
  return inc && inc->is_bool() && inc->get_bool();
}

TurnInput turn_input(const Request& req) {
  TurnInput in;
  in.model = req.model;
  const auto& body = body_object(req);
  auto parts_text = [](const json::value& content, std::string& out) {
    if (const auto* co = content.if_object())
      if (const auto* parts = co->if_contains("parts")) append_text(*parts, out);
  };
  if (const auto* sys = body.if_contains("systemInstruction")) {
    std::string text;
    parts_text(*sys, text);
    in.prompt_tokens += count_words(text);
  }
  if (const auto* contents = body.if_contains("contents"); contents && contents->is_array()) {
    for (const auto& c : contents->get_array()) {
      std::string text;
      parts_text(c, text);
      in.prompt_tokens += count_words(text);
      const auto* co = c.if_object();
      const auto* role = co ? co->if_contains("role") : nullptr;
      bool user = !role || (role->is_string() && role->get_string() == "user");
      if (user) in.last_user_text = text;
    }
  }
  in.first_tool = first_tool(body);
  in.reasoning_requested = thoughts_requested(body);
  return in;
}

json::object usage_json(const Turn& t) {
  json::object u{{"promptTokenCount", t.prompt_tokens},
                 {"candidatesTokenCount", t.output_tokens},
                 {"totalTokenCount", t.prompt_tokens + t.completion_tokens()}};
  if (t.reasoning_tokens > 0) u["thoughtsTokenCount"] = t.reasoning_tokens;
  return u;
}

json::object response(const Request& req, const Turn& t, json::array parts, bool last) {
  json::object candidate{{"content", {{"parts", std::move(parts)}, {"role", "model"}}}};
  if (last) candidate["finishReason"] = "STOP";
  candidate["index"] = 0;
  json::object o{{"candidates", json::array{std::move(candidate)}}};
  if (last) o["usageMetadata"] = usage_json(t);
  o["modelVersion"] = t.model;
  o["responseId"] = hex_id(req.id);
  return o;
}

json::object function_call(const ToolCall& tc) {
  return {{"functionCall", {{"name", tc.name}, {"args", tc.args}}}};
}

Reply complete(const Request& req, const Turn& t) {
  json::array parts;
  if (!t.reasoning.empty())
    parts.emplace_back(json::object{{"text", t.reasoning}, {"thought", true}});
  if (t.tool_call)
    parts.emplace_back(function_call(*t.tool_call));
  else
    parts.emplace_back(json::object{{"text", t.answer}});
  Reply r;
  r.body = json::serialize(response(req, t, std::move(parts), true));
  return r;
}

// SSE frames end in CRLF CRLF, as the Gemini API sends them; the array form joins with ",\r\n".
class ChunkFramer {
 public:
  ChunkFramer(Reply& r, bool sse) : r_(r), sse_(sse) {
    if (!sse_) add_frame(r_, FrameRole::kPrelude, "[");
  }
  void add(FrameRole role, const json::object& o) {
    std::string s = sse_ ? "data: " : (first_ ? "" : ",\r\n");
    s += json::serialize(o);
    if (sse_) s += "\r\n\r\n";
    first_ = false;
    add_frame(r_, role, std::move(s));
  }
  void finish() {
    if (!sse_) add_frame(r_, FrameRole::kStructural, "]");
    r_.malformed_frame = std::string(sse_ ? "data: " : (first_ ? "" : ",\r\n")) +
                         "{\"candidates\":[{\"content\":" + (sse_ ? "\r\n\r\n" : "");
  }

 private:
  Reply& r_;
  bool sse_;
  bool first_ = true;
};

Reply stream(const Request& req, const Turn& t, bool sse) {
  Reply r;
  r.streaming = true;
  r.content_type = sse ? "text/event-stream" : "application/json";
  ChunkFramer framer(r, sse);
  auto text_part = [](const std::string& text, bool thought) {
    json::object p{{"text", text}};
    if (thought) p["thought"] = true;
    return json::array{std::move(p)};
  };
  for (const auto& piece : t.reasoning_chunks)
    framer.add(FrameRole::kContent, response(req, t, text_part(piece, true), false));
  if (t.tool_call) {
    framer.add(FrameRole::kContent,
               response(req, t, json::array{function_call(*t.tool_call)}, false));
  }
  for (const auto& piece : t.answer_chunks)
    framer.add(FrameRole::kContent, response(req, t, text_part(piece, false), false));
  framer.add(FrameRole::kTerminal, response(req, t, text_part("", false), true));
  framer.finish();
  return r;
}

int output_dimensionality(const json::object& o) {
  const auto* d = o.if_contains("outputDimensionality");
  return d && d->is_int64() && d->get_int64() > 0 ? static_cast<int>(d->get_int64()) : 8;
}

// One EmbedContentRequest -> ContentEmbedding {"values": [...]}; adds its words to `tokens`.
json::object content_embedding(const json::object& request, int& tokens) {
  std::string text;
  if (const auto* content = request.if_contains("content"); content && content->is_object()) {
    if (const auto* parts = content->get_object().if_contains("parts")) append_text(*parts, text);
  }
  tokens += count_words(text);
  return {{"values", embedding_json(sb::mock::embed(text, output_dimensionality(request)))}};
}

std::string_view status_name(unsigned status) {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 413:
      return "INVALID_ARGUMENT";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

}  // namespace

Reply generate(const Request& req, const Directives& d, bool sse) {
  Turn t = make_turn(turn_input(req), d, req.id);
  return req.stream ? stream(req, t, sse) : complete(req, t);
}

Reply embed(const Request& req) {
  int tokens = 0;
  Reply r;
  r.body =
      json::serialize(json::object{{"embedding", content_embedding(body_object(req), tokens)}});
  return r;
}

Reply batch_embed(const Request& req) {
  const auto* requests = body_object(req).if_contains("requests");
  if (!requests || !requests->is_array()) {
    return error({.status = 400,
                  .kind = ErrorKind::kBadRequest,
                  .message = "Invalid JSON payload: 'requests' must be an array"});
  }
  json::array embeddings;
  int tokens = 0;
  for (const auto& item : requests->get_array()) {
    static const json::object kEmpty;
    embeddings.emplace_back(
        content_embedding(item.is_object() ? item.get_object() : kEmpty, tokens));
  }
  Reply r;
  r.body = json::serialize(json::object{{"embeddings", std::move(embeddings)}});
  return r;
}

Reply models(const Request&) {
  json::array models;
  for (const char* name : {"gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001"}) {
    models.emplace_back(json::object{
        {"name", std::string("models/") + name},
        {"version", "001"},
        {"displayName", name},
        {"supportedGenerationMethods", json::array{"generateContent", "streamGenerateContent"}}});
  }
  Reply r;
  r.body = json::serialize(json::object{{"models", std::move(models)}});
  return r;
}

Reply error(const ErrorSpec& e) {
  std::string message = e.message.empty() ? "mock error " + std::to_string(e.status) : e.message;
  if (e.kind == ErrorKind::kContextLength) {
    message =
        "The input token count (1100000) exceeds the maximum number of tokens allowed (1048576).";
  } else if (e.kind == ErrorKind::kContentFilter) {
    message = "The request was blocked by safety filters (mock).";
  } else if (e.kind == ErrorKind::kRateLimit) {
    message = "Resource has been exhausted (e.g. check quota).";
  }
  json::object err{{"code", e.status}, {"message", message}, {"status", status_name(e.status)}};
  Reply r;
  r.status = e.status;
  r.body = json::serialize(json::object{{"error", std::move(err)}});
  return r;
}

}  // namespace sb::mock::gemini
