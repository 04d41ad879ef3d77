#pragma once

#include "api/chat.h"

namespace sb::api {

// Folds stream events into the whole answer they add up to: text, reasoning, tool calls merged by
// index, the finish reason, the last usage and the upstream model.
class StreamCollector {
 public:
  void add(const StreamChunk& chunk);
  const ChatResponse& response() const { return response_; }
  bool empty() const {
    return !response_.has_text && response_.tool_calls.empty() && response_.reasoning.empty();
  }

 private:
  ChatResponse response_;
};

}  // namespace sb::api
