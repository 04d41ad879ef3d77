#include "api/stream_collector.h"

namespace sb::api {

void StreamCollector::add(const StreamChunk& chunk) {
  if (response_.model.empty() && !chunk.model.empty()) response_.model = chunk.model;
  if (!chunk.text.empty()) {
    response_.has_text = true;
    response_.text += chunk.text;
  }
  response_.reasoning += chunk.reasoning;
  response_.reasoning_signature += chunk.reasoning_signature;
  for (const auto& d : chunk.tool_calls) {
    if (d.index < 0 || d.index > 255) continue;  // bounded: an upstream index is untrusted
    auto i = static_cast<size_t>(d.index);
    if (i >= response_.tool_calls.size()) response_.tool_calls.resize(i + 1);
    auto& call = response_.tool_calls[i];
    if (!d.id.empty()) call.id = d.id;
    if (!d.name.empty()) call.name = d.name;
    call.arguments += d.arguments;
  }
  if (chunk.finish_reason != FinishReason::kNone) response_.finish_reason = chunk.finish_reason;
  if (chunk.usage) response_.usage = chunk.usage;
}

}  // namespace sb::api
