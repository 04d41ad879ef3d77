// Ollama's native API, as documented in ollama/docs/api.md: /api/chat streams NDJSON objects
// (`done:false` deltas, then one `done:true` object carrying done_reason and the counts) unless
// "stream": false; /api/embed returns `embeddings` as an array of arrays; /api/tags lists models.

#include <functional>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "formats.h"

namespace sb::mock::ollama {
namespace {

namespace json = boost::json;

std::string line(const json::object& o) {
  return json::serialize(o) + "\n";
}

bool think_requested(const json::object& body) {
  const auto* think = body.if_contains("think");
  if (!think) return false;
  if (think->is_bool()) return think->get_bool();
  return think->is_string() && !think->get_string().empty() && think->get_string() != "false";
}

json::object tool_calls_message(const ToolCall& tc) {
  json::object call{{"function", {{"name", tc.name}, {"arguments", tc.args}}}};
  return {{"role", "assistant"}, {"content", ""}, {"tool_calls", json::array{std::move(call)}}};
}

// The statistics Ollama puts on the final object; durations are fake but consistent.
void add_stats(json::object& o, const Turn& t) {
  std::int64_t prompt_ns = 1000LL * t.prompt_tokens, eval_ns = 1000LL * t.completion_tokens();
  o["total_duration"] = 1000 + prompt_ns + eval_ns;
  o["load_duration"] = 1000;
  o["prompt_eval_count"] = t.prompt_tokens;
  o["prompt_eval_duration"] = prompt_ns;
  o["eval_count"] = t.completion_tokens();
  o["eval_duration"] = eval_ns;
}

Reply complete(const Turn& t) {
  json::object msg = t.tool_call ? tool_calls_message(*t.tool_call)
                                 : json::object{{"role", "assistant"}, {"content", t.answer}};
  if (!t.reasoning.empty()) msg["thinking"] = t.reasoning;
  json::object o{{"model", t.model},
                 {"created_at", iso8601_now()},
                 {"message", std::move(msg)},
                 {"done_reason", "stop"},
                 {"done", true}};
  add_stats(o, t);
  Reply r;
  r.body = json::serialize(o);
  return r;
}

Reply stream(const Turn& t) {
  Reply r;
  r.streaming = true;
  r.content_type = "application/x-ndjson";
  std::string created = iso8601_now();
  auto partial = [&](json::object msg) {
    return line({{"model", t.model},
                 {"created_at", created},
                 {"message", std::move(msg)},
                 {"done", false}});
  };
  for (const auto& piece : t.reasoning_chunks) {
    add_frame(r, FrameRole::kContent,
              partial({{"role", "assistant"}, {"content", ""}, {"thinking", piece}}));
  }
  if (t.tool_call) add_frame(r, FrameRole::kContent, partial(tool_calls_message(*t.tool_call)));
  for (const auto& piece : t.answer_chunks)
    add_frame(r, FrameRole::kContent, partial({{"role", "assistant"}, {"content", piece}}));
  json::object last{{"model", t.model},
                    {"created_at", created},
                    {"message", {{"role", "assistant"}, {"content", ""}}},
                    {"done", true},
                    {"done_reason", "stop"}};
  add_stats(last, t);
  add_frame(r, FrameRole::kTerminal, line(last));
  r.malformed_frame = "{\"model\":\"" + t.model + "\",\"message\":{\"role\":\n";
  return r;
}

std::vector<std::string> inputs(const json::value* input) {
  std::vector<std::string> texts;
  if (!input) return texts;
  if (const auto* s = input->if_string()) texts.emplace_back(*s);
  if (const auto* a = input->if_array()) {
    for (const auto& item : *a)
      if (item.is_string()) texts.emplace_back(item.get_string());
  }
  return texts;
}

int dimensions(const json::object& body) {
  const auto* d = body.if_contains("dimensions");
  return d && d->is_int64() && d->get_int64() > 0 ? static_cast<int>(d->get_int64()) : 8;
}

}  // namespace

Reply chat(const Request& req, const Directives& d) {
  TurnInput in = openai::turn_input(req);
  in.reasoning_requested = think_requested(body_object(req));
  Turn t = make_turn(in, d, req.id);
  return req.stream ? stream(t) : complete(t);
}

Reply embed(const Request& req) {
  const auto& body = body_object(req);
  auto texts = inputs(body.if_contains("input"));
  if (texts.empty())
    return error({.status = 400, .kind = ErrorKind::kBadRequest, .message = "invalid input type"});
  json::array embeddings;
  int tokens = 0;
  for (const auto& text : texts) {
    embeddings.emplace_back(embedding_json(sb::mock::embed(text, dimensions(body))));
    tokens += count_words(text);
  }
  json::object o{{"model", req.model},
                 {"embeddings", std::move(embeddings)},
                 {"total_duration", 1000 + 1000LL * tokens},
                 {"load_duration", 1000},
                 {"prompt_eval_count", tokens}};
  Reply r;
  r.body = json::serialize(o);
  return r;
}

Reply legacy_embeddings(const Request& req) {
  const auto& body = body_object(req);
  const auto* prompt = body.if_contains("prompt");
  std::string text = prompt && prompt->is_string() ? std::string(prompt->get_string()) : "";
  Reply r;
  r.body = json::serialize(
      json::object{{"embedding", embedding_json(sb::mock::embed(text, dimensions(body)))}});
  return r;
}

Reply tags(const Request&) {
  json::array models;
  for (const char* name : {"llama3.2:latest", "qwen3:0.6b", "mock-model:latest"}) {
    json::object details{{"parent_model", ""},       {"format", "gguf"},
                         {"family", "llama"},        {"families", json::array{"llama"}},
                         {"parameter_size", "3.2B"}, {"quantization_level", "Q4_K_M"}};
    models.emplace_back(json::object{{"name", name},
                                     {"model", name},
                                     {"modified_at", "2025-01-01T00:00:00Z"},
                                     {"size", 2019393189},
                                     {"digest", hex_id(std::hash<std::string_view>{}(name))},
                                     {"details", std::move(details)}});
  }
  Reply r;
  r.body = json::serialize(json::object{{"models", std::move(models)}});
  return r;
}

Reply error(const ErrorSpec& e) {
  std::string message = e.message.empty() ? "mock error " + std::to_string(e.status) : e.message;
  if (e.kind == ErrorKind::kContextLength) message = "the input length exceeds the context length";
  if (e.kind == ErrorKind::kContentFilter) message = "content filtered (mock)";
  if (e.kind == ErrorKind::kRateLimit) message = "too many requests (mock)";
  Reply r;
  r.status = e.status;
  r.body = json::serialize(json::object{{"error", message}});
  return r;
}

}  // namespace sb::mock::ollama
