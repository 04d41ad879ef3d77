// OpenAI Chat Completions, Embeddings and Models, as documented in the OpenAI API reference:
// chat.completion objects, chat.completion.chunk SSE frames ending in `data: [DONE]`, an extra
// usage chunk with `choices: []` when stream_options.include_usage is set.

#include <string>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "formats.h"

namespace sb::mock::openai {
namespace {

namespace json = boost::json;

std::string sse(const json::object& o) {
  return "data: " + json::serialize(o) + "\n\n";
}

std::optional<ToolSpec> first_tool(const json::object& body) {
  const auto* tools = body.if_contains("tools");
  if (!tools || !tools->is_array() || tools->get_array().empty()) return std::nullopt;
  const auto* tool = tools->get_array()[0].if_object();
  if (!tool) return std::nullopt;
  const auto* fn = tool->if_contains("function");
  if (!fn || !fn->is_object()) return std::nullopt;
  ToolSpec spec;
  if (const auto* name = fn->get_object().if_contains("name"); name && name->is_string())
    spec.name = name->get_string();
  if (const auto* params = fn->get_object().if_contains("parameters");
      params && params->is_object())
    spec.schema = &params->get_object();
  return spec;
}

json::object usage_json(const Turn& t) {
  json::object u;
  u["prompt_tokens"] = t.prompt_tokens;
  u["completion_tokens"] = t.completion_tokens();
  u["total_tokens"] = t.prompt_tokens + t.completion_tokens();
  if (t.reasoning_tokens > 0)
    u["completion_tokens_details"] = {{"reasoning_tokens", t.reasoning_tokens}};
  return u;
}

json::object tool_call_json(const ToolCall& tc) {
  return {{"id", "call_" + tc.id_suffix},
          {"type", "function"},
          {"function", {{"name", tc.name}, {"arguments", tc.args_json}}}};
}

std::string_view finish_reason(const Turn& t) {
  return t.tool_call ? "tool_calls" : "stop";
}

Reply complete(const Request& req, const Turn& t) {
  json::object msg{{"role", "assistant"}};
  if (t.tool_call) {
    msg["content"] = nullptr;
    msg["tool_calls"] = json::array{tool_call_json(*t.tool_call)};
  } else {
    msg["content"] = t.answer;
  }
  if (!t.reasoning.empty()) msg["reasoning_content"] = t.reasoning;
  msg["refusal"] = nullptr;
  json::object choice{{"index", 0},
                      {"message", std::move(msg)},
                      {"logprobs", nullptr},
                      {"finish_reason", finish_reason(t)}};
  json::object o{{"id", "chatcmpl-" + hex_id(req.id)},
                 {"object", "chat.completion"},
                 {"created", req.created},
                 {"model", t.model},
                 {"system_fingerprint", "fp_mock"},
                 {"choices", json::array{std::move(choice)}},
                 {"usage", usage_json(t)}};
  Reply r;
  r.body = json::serialize(o);
  return r;
}

class ChunkWriter {
 public:
  ChunkWriter(const Request& req, const Turn& t, bool include_usage)
      : id_("chatcmpl-" + hex_id(req.id)),
        created_(req.created),
        model_(t.model),
        include_usage_(include_usage) {}

  std::string delta(json::object delta, json::value finish = nullptr) const {
    json::object choice{{"index", 0},
                        {"delta", std::move(delta)},
                        {"logprobs", nullptr},
                        {"finish_reason", std::move(finish)}};
    json::object o = base();
    o["choices"] = json::array{std::move(choice)};
    if (include_usage_) o["usage"] = nullptr;
    return sse(o);
  }

  std::string usage(const Turn& t) const {
    json::object o = base();
    o["choices"] = json::array();
    o["usage"] = usage_json(t);
    return sse(o);
  }

 private:
  json::object base() const {
    return {{"id", id_},
            {"object", "chat.completion.chunk"},
            {"created", created_},
            {"model", model_},
            {"system_fingerprint", "fp_mock"}};
  }

  std::string id_;
  std::int64_t created_;
  std::string model_;
  bool include_usage_;
};

void add_tool_call_frames(Reply& r, const ChunkWriter& w, const ToolCall& tc) {
  json::object head{{"index", 0},
                    {"id", "call_" + tc.id_suffix},
                    {"type", "function"},
                    {"function", {{"name", tc.name}, {"arguments", ""}}}};
  add_frame(r, FrameRole::kContent, w.delta({{"tool_calls", json::array{std::move(head)}}}));
  for (const auto& frag : tc.args_fragments) {
    json::object part{{"index", 0}, {"function", {{"arguments", frag}}}};
    add_frame(r, FrameRole::kContent, w.delta({{"tool_calls", json::array{std::move(part)}}}));
  }
}

Reply stream(const Request& req, const Turn& t) {
  const auto& body = body_object(req);
  bool include_usage = false;
  if (const auto* so = body.if_contains("stream_options"); so && so->is_object()) {
    const auto* iu = so->get_object().if_contains("include_usage");
    include_usage = iu && iu->is_bool() && iu->get_bool();
  }
  ChunkWriter w(req, t, include_usage);
  Reply r;
  r.streaming = true;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  add_frame(r, FrameRole::kPrelude,
            w.delta({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}));
  for (const auto& piece : t.reasoning_chunks)
    add_frame(r, FrameRole::kContent, w.delta({{"reasoning_content", piece}}));
  if (t.tool_call) add_tool_call_frames(r, w, *t.tool_call);
  for (const auto& piece : t.answer_chunks)
    add_frame(r, FrameRole::kContent, w.delta({{"content", piece}}));
  add_frame(r, FrameRole::kStructural, w.delta(json::object(), json::value(finish_reason(t))));
  if (include_usage) add_frame(r, FrameRole::kStructural, w.usage(t));
  add_frame(r, FrameRole::kTerminal, "data: [DONE]\n\n");
  r.malformed_frame = "data: {\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":\n\n";
  return r;
}

// Inputs of /v1/embeddings: a string, an array of strings, or token arrays.
std::vector<std::string> embedding_inputs(const json::value& input) {
  std::vector<std::string> texts;
  auto tokens_text = [](const json::array& a) {
    std::string s;
    for (const auto& tok : a) s += json::serialize(tok) + " ";
    return s;
  };
  if (const auto* s = input.if_string()) {
    texts.emplace_back(*s);
  } else if (const auto* a = input.if_array()) {
    if (!a->empty() && a->front().is_number()) {
      texts.push_back(tokens_text(*a));
    } else {
      for (const auto& item : *a) {
        if (item.is_string())
          texts.emplace_back(item.get_string());
        else if (item.is_array())
          texts.push_back(tokens_text(item.get_array()));
      }
    }
  }
  return texts;
}

}  // namespace

TurnInput turn_input(const Request& req) {
  TurnInput in;
  in.model = req.model;
  const auto& body = body_object(req);
  if (const auto* msgs = body.if_contains("messages"); msgs && msgs->is_array()) {
    for (const auto& m : msgs->get_array()) {
      const auto* mo = m.if_object();
      if (!mo) continue;
      std::string text;
      if (const auto* c = mo->if_contains("content")) append_text(*c, text);
      in.prompt_tokens += count_words(text);
      const auto* role = mo->if_contains("role");
      if (role && role->is_string() && role->get_string() == "user") in.last_user_text = text;
      bool assistant = role && role->is_string() && role->get_string() == "assistant";
      in.prefill = assistant ? text : std::string();
    }
  }
  in.first_tool = first_tool(body);
  return in;
}

Reply chat(const Request& req, const Directives& d) {
  TurnInput in = turn_input(req);
  if (d.reject_prefill && !in.prefill.empty()) {
    return error({.status = 400, .message = "assistant prefill is not supported by this model"});
  }
  Turn t = make_turn(in, d, req.id);
  return req.stream ? stream(req, t) : complete(req, t);
}

Reply embeddings(const Request& req) {
  const auto& body = body_object(req);
  const auto* input = body.if_contains("input");
  std::vector<std::string> texts = input ? embedding_inputs(*input) : std::vector<std::string>{};
  if (texts.empty()) {
    return error({.status = 400,
                  .kind = ErrorKind::kBadRequest,
                  .message = "'input' must be a non-empty string or array"});
  }
  int dims = 8;
  if (const auto* d = body.if_contains("dimensions"); d && d->is_int64() && d->get_int64() > 0)
    dims = static_cast<int>(d->get_int64());
  const auto* fmt = body.if_contains("encoding_format");
  bool b64 = fmt && fmt->is_string() && fmt->get_string() == "base64";
  json::array data;
  int tokens = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto v = embed(texts[i], dims);
    tokens += count_words(texts[i]);
    json::object item{{"object", "embedding"}, {"index", i}};
    item["embedding"] = b64 ? json::value(base64_floats(v)) : embedding_json(v);
    data.emplace_back(std::move(item));
  }
  json::object o{{"object", "list"},
                 {"data", std::move(data)},
                 {"model", req.model},
                 {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
  Reply r;
  r.body = json::serialize(o);
  return r;
}

Reply models(const Request&) {
  json::array data;
  for (const char* id : {"gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "mock-model"}) {
    data.emplace_back(json::object{{"id", id},
                                   {"object", "model"},
                                   {"created", 1700000000},
                                   {"owned_by", "switchboard-mock"}});
  }
  Reply r;
  r.body = json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}});
  return r;
}

Reply error(const ErrorSpec& e) {
  std::string type = e.status >= 500 ? "server_error" : "invalid_request_error";
  json::value code = nullptr, param = nullptr;
  std::string message = e.message.empty() ? "mock error " + std::to_string(e.status) : e.message;
  switch (e.kind) {
    case ErrorKind::kContextLength:
      code = "context_length_exceeded";
      param = "messages";
      message =
          "This model's maximum context length is 128000 tokens. However, your messages "
          "resulted in 130000 tokens. Please reduce the length of the messages.";
      break;
    case ErrorKind::kContentFilter:
      code = "content_policy_violation";
      message = "Your request was rejected as a result of our safety system.";
      break;
    case ErrorKind::kRateLimit:
      type = "requests";
      code = "rate_limit_exceeded";
      message = "Rate limit reached for requests (mock).";
      break;
    case ErrorKind::kNotFound:
      code = "unknown_url";
      break;
    case ErrorKind::kStatus:
      if (e.status == 401) code = "invalid_api_key";
      if (e.status == 404) code = "model_not_found";
      if (e.status == 429) type = "requests", code = "rate_limit_exceeded";
      break;
    case ErrorKind::kBadRequest:
    case ErrorKind::kTooLarge:
      break;
  }
  json::object err{{"message", message}, {"type", type}, {"param", param}, {"code", code}};
  Reply r;
  r.status = e.status;
  r.body = json::serialize(json::object{{"error", std::move(err)}});
  return r;
}

}  // namespace sb::mock::openai
