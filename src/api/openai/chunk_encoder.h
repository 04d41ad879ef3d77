#pragma once

// Client-facing OpenAI streaming: canonical StreamChunks -> SSE frames of chat.completion.chunk
// objects. One encoder per stream; id, created and model are fixed by the first frame (model: the
// first upstream-reported model seen, else the meta fallback). Frames are appended to the
// caller's buffer.

#include <optional>
#include <string>

#include "api/chat.h"
#include "api/openai/response_encoder.h"
#include "common/error.h"

namespace sb::api::openai {

class ChunkEncoder {
 public:
  ChunkEncoder(ResponseMeta meta, bool include_usage)
      : meta_(std::move(meta)), include_usage_(include_usage) {}

  // Appends zero or one frame. The first frame carries delta.role "assistant". Usage is
  // remembered (the last one reported wins) and sent by done().
  void encode(const StreamChunk& chunk, std::string& out);
  // Replaces the remembered usage (e.g. summed over a continued stream).
  void set_usage(const Usage& usage) { usage_ = usage; }
  // End of a successful stream: the usage frame (choices [], only when include_usage and a usage
  // is known), then "data: [DONE]".
  void done(std::string& out);
  // An error after the stream began: one `data: {"error":{...}}` frame, shaped like to_http's body.
  static void error_frame(const Error& error, std::string& out);

  bool started() const { return !prefix_.empty(); }    // a frame was written
  const std::string& model() const { return model_; }  // fixed once started()
  const std::optional<Usage>& usage() const { return usage_; }

 private:
  void start();
  void append_delta(const StreamChunk& chunk, std::string& out);

  ResponseMeta meta_;
  bool include_usage_;
  std::string model_;   // first upstream-reported model, until started()
  std::string prefix_;  // `data: {"id":...,"model":...,` shared by every frame
  bool role_sent_ = false;
  std::optional<Usage> usage_;
};

}  // namespace sb::api::openai
