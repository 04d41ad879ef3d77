// Anthropic Messages API, as documented: a Message object, or the SSE event sequence
// message_start, (content_block_start, ping after the first start, content_block_delta*,
// content_block_stop)+, message_delta, message_stop, each as `event: NAME` + `data: JSON`.

#include <string>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "formats.h"

namespace sb::mock::anthropic {
namespace {

namespace json = boost::json;

std::string event(std::string_view name, const json::object& data) {
  std::string s = "event: ";
  s += name;
  s += "\ndata: ";
  s += json::serialize(data);
  s += "\n\n";
  return s;
}

TurnInput turn_input(const Request& req) {
  TurnInput in;
  in.model = req.model;
  const auto& body = body_object(req);
  if (const auto* sys = body.if_contains("system")) {
    std::string text;
    append_text(*sys, text);
    in.prompt_tokens += count_words(text);
  }
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
  if (const auto* th = body.if_contains("thinking"); th && th->is_object()) {
    const auto* type = th->get_object().if_contains("type");
    in.reasoning_requested = type && type->is_string() && type->get_string() != "disabled";
  }
  if (const auto* tools = body.if_contains("tools");
      tools && tools->is_array() && !tools->get_array().empty()) {
    if (const auto* tool = tools->get_array()[0].if_object()) {
      ToolSpec spec;
      if (const auto* name = tool->if_contains("name"); name && name->is_string())
        spec.name = name->get_string();
      if (const auto* schema = tool->if_contains("input_schema"); schema && schema->is_object())
        spec.schema = &schema->get_object();
      in.first_tool = spec;
    }
  }
  return in;
}

json::object usage_json(const Turn& t, int output_tokens) {
  return {{"input_tokens", t.prompt_tokens},
          {"cache_creation_input_tokens", 0},
          {"cache_read_input_tokens", 0},
          {"output_tokens", output_tokens}};
}

std::string signature(const Request& req) {
  return "mocksig_" + hex_id(req.id + 7);
}
std::string_view stop_reason(const Turn& t) {
  return t.tool_call ? "tool_use" : "end_turn";
}

Reply complete(const Request& req, const Turn& t) {
  json::array content;
  if (!t.reasoning.empty()) {
    content.emplace_back(json::object{
        {"type", "thinking"}, {"thinking", t.reasoning}, {"signature", signature(req)}});
  }
  if (t.tool_call) {
    content.emplace_back(json::object{{"type", "tool_use"},
                                      {"id", "toolu_" + t.tool_call->id_suffix},
                                      {"name", t.tool_call->name},
                                      {"input", t.tool_call->args}});
  } else {
    content.emplace_back(json::object{{"type", "text"}, {"text", t.answer}});
  }
  json::object o{{"id", "msg_" + hex_id(req.id)}, {"type", "message"},
                 {"role", "assistant"},           {"model", t.model},
                 {"content", std::move(content)}, {"stop_reason", stop_reason(t)},
                 {"stop_sequence", nullptr},      {"usage", usage_json(t, t.completion_tokens())}};
  Reply r;
  r.body = json::serialize(o);
  return r;
}

// Appends one content block (start, deltas, stop); the first block's start is followed by a ping.
class BlockWriter {
 public:
  explicit BlockWriter(Reply& r) : r_(r) {}

  void start(json::object block) {
    json::object e{{"type", "content_block_start"}, {"index", index_}, {"content_block", block}};
    add_frame(r_, index_ == 0 ? FrameRole::kPrelude : FrameRole::kStructural,
              event("content_block_start", e));
    if (index_ == 0) add_frame(r_, FrameRole::kPrelude, event("ping", {{"type", "ping"}}));
  }
  void delta(json::object d, FrameRole role = FrameRole::kContent) {
    json::object e{{"type", "content_block_delta"}, {"index", index_}, {"delta", std::move(d)}};
    add_frame(r_, role, event("content_block_delta", e));
  }
  void stop() {
    add_frame(r_, FrameRole::kStructural,
              event("content_block_stop", {{"type", "content_block_stop"}, {"index", index_}}));
    ++index_;
  }

 private:
  Reply& r_;
  int index_ = 0;
};

Reply stream(const Request& req, const Turn& t) {
  Reply r;
  r.streaming = true;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-cache");
  json::object message{{"id", "msg_" + hex_id(req.id)}, {"type", "message"},
                       {"role", "assistant"},           {"model", t.model},
                       {"content", json::array()},      {"stop_reason", nullptr},
                       {"stop_sequence", nullptr},      {"usage", usage_json(t, 1)}};
  add_frame(r, FrameRole::kPrelude,
            event("message_start", {{"type", "message_start"}, {"message", std::move(message)}}));
  BlockWriter blocks(r);
  if (!t.reasoning.empty()) {
    blocks.start({{"type", "thinking"}, {"thinking", ""}, {"signature", ""}});
    for (const auto& piece : t.reasoning_chunks)
      blocks.delta({{"type", "thinking_delta"}, {"thinking", piece}});
    blocks.delta({{"type", "signature_delta"}, {"signature", signature(req)}},
                 FrameRole::kStructural);
    blocks.stop();
  }
  if (t.tool_call) {
    const auto& tc = *t.tool_call;
    blocks.start({{"type", "tool_use"},
                  {"id", "toolu_" + tc.id_suffix},
                  {"name", tc.name},
                  {"input", json::object()}});
    blocks.delta({{"type", "input_json_delta"}, {"partial_json", ""}}, FrameRole::kStructural);
    for (const auto& frag : tc.args_fragments)
      blocks.delta({{"type", "input_json_delta"}, {"partial_json", frag}});
  } else {
    blocks.start({{"type", "text"}, {"text", ""}});
    for (const auto& piece : t.answer_chunks)
      blocks.delta({{"type", "text_delta"}, {"text", piece}});
  }
  blocks.stop();
  json::object md{{"type", "message_delta"},
                  {"delta", {{"stop_reason", stop_reason(t)}, {"stop_sequence", nullptr}}},
                  {"usage", {{"output_tokens", t.completion_tokens()}}}};
  add_frame(r, FrameRole::kStructural, event("message_delta", md));
  add_frame(r, FrameRole::kTerminal, event("message_stop", {{"type", "message_stop"}}));
  r.malformed_frame =
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\n\n";
  return r;
}

std::string_view error_type(unsigned status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

}  // namespace

Reply messages(const Request& req, const Directives& d) {
  TurnInput in = turn_input(req);
  if (d.reject_prefill && !in.prefill.empty()) {
    return error({.status = 400, .message = "assistant prefill is not supported by this model"});
  }
  Turn t = make_turn(in, d, req.id);
  return req.stream ? stream(req, t) : complete(req, t);
}

Reply models(const Request&) {
  json::array data;
  for (const char* id : {"claude-sonnet-4-5", "claude-haiku-4-5", "mock-model"}) {
    data.emplace_back(json::object{{"type", "model"},
                                   {"id", id},
                                   {"display_name", id},
                                   {"created_at", "2025-01-01T00:00:00Z"}});
  }
  Reply r;
  r.body = json::serialize(json::object{{"data", std::move(data)},
                                        {"has_more", false},
                                        {"first_id", "claude-sonnet-4-5"},
                                        {"last_id", "mock-model"}});
  return r;
}

Reply error(const ErrorSpec& e) {
  std::string message = e.message.empty() ? "mock error " + std::to_string(e.status) : e.message;
  if (e.kind == ErrorKind::kContextLength) {
    message = "prompt is too long: 210000 tokens > 200000 maximum";
  } else if (e.kind == ErrorKind::kContentFilter) {
    message = "Output blocked by content filtering policy";
  } else if (e.kind == ErrorKind::kRateLimit) {
    message = "Number of request tokens has exceeded your per-minute rate limit (mock)";
  }
  json::object o{{"type", "error"},
                 {"error", {{"type", error_type(e.status)}, {"message", message}}}};
  Reply r;
  r.status = e.status;
  r.body = json::serialize(o);
  return r;
}

}  // namespace sb::mock::anthropic
