#include "api/openai/chunk_encoder.h"

#include "common/json_text.h"

namespace sb::api::openai {

namespace {

// [{"index":0,"id":...,"type":"function","function":{"name":...,"arguments":...}}, ...]; id, type
// and name only on the first delta of a call.
void append_tool_deltas(const std::vector<ToolCallDelta>& calls, std::string& out) {
  out += '[';
  for (size_t i = 0; i < calls.size(); ++i) {
    const ToolCallDelta& t = calls[i];
    if (i > 0) out += ',';
    out += "{\"index\":";
    append_json_int(out, t.index);
    if (!t.id.empty()) {
      out += ",\"id\":";
      append_json_string(out, t.id);
      out += ",\"type\":\"function\"";
    }
    out += ",\"function\":{";
    if (!t.name.empty()) {
      out += "\"name\":";
      append_json_string(out, t.name);
      out += ',';
    }
    out += "\"arguments\":";
    append_json_string(out, t.arguments);
    out += "}}";
  }
  out += ']';
}

}  // namespace

void ChunkEncoder::start() {
  if (model_.empty()) model_ = meta_.model;
  prefix_ = "data: {\"id\":";
  append_json_string(prefix_, "chatcmpl-" + meta_.inference_id);
  prefix_ += ",\"object\":\"chat.completion.chunk\",\"created\":";
  append_json_int(prefix_, meta_.created);
  prefix_ += ",\"model\":";
  append_json_string(prefix_, model_);
  prefix_ += ",\"system_fingerprint\":\"\"";
  if (!meta_.episode_id.empty()) {
    prefix_ += ",\"episode_id\":";
    append_json_string(prefix_, meta_.episode_id);
  }
  prefix_ += ',';
}

void ChunkEncoder::append_delta(const StreamChunk& c, std::string& out) {
  out += '{';
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    out += k;
  };
  bool empty = c.text.empty() && c.reasoning.empty() && c.reasoning_signature.empty() &&
               c.tool_calls.empty();
  if (!role_sent_) {
    role_sent_ = true;
    key("\"role\":\"assistant\"");
    if (empty) key("\"content\":\"\"");
  }
  if (!c.text.empty()) {
    key("\"content\":");
    append_json_string(out, c.text);
  }
  if (!c.reasoning.empty()) {
    key("\"reasoning_content\":");
    append_json_string(out, c.reasoning);
  }
  if (!c.reasoning_signature.empty()) {
    key("\"reasoning_signature\":");
    append_json_string(out, c.reasoning_signature);
  }
  if (!c.tool_calls.empty()) {
    key("\"tool_calls\":");
    append_tool_deltas(c.tool_calls, out);
  }
  out += '}';
}

void ChunkEncoder::encode(const StreamChunk& c, std::string& out) {
  if (!started() && model_.empty() && !c.model.empty()) model_ = c.model;
  if (c.usage) usage_ = c.usage;
  if (!c.has_payload() && (role_sent_ || !c.role)) return;
  if (!started()) start();
  out += prefix_;
  out += "\"choices\":[{\"index\":0,\"delta\":";
  append_delta(c, out);
  out += ",\"logprobs\":null,\"finish_reason\":";
  if (c.finish_reason == FinishReason::kNone) {
    out += "null";
  } else {
    append_json_string(out, finish_reason_name(c.finish_reason));
  }
  out += "}]}\n\n";
}

void ChunkEncoder::done(std::string& out) {
  if (include_usage_ && usage_) {
    if (!started()) start();
    out += prefix_;
    out += "\"choices\":[],\"usage\":";
    append_usage_json(out, *usage_);
    out += "}\n\n";
  }
  out += "data: [DONE]\n\n";
}

void ChunkEncoder::error_frame(const Error& error, std::string& out) {
  out += "data: ";
  out += to_http(error).body;
  out += "\n\n";
}

}  // namespace sb::api::openai
