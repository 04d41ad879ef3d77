#pragma once

// The four wire formats. Each builds a Reply from a Request; none of them does I/O.

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "conversation.h"
#include "directives.h"
#include "exchange.h"

namespace sb::mock {

inline void add_frame(Reply& r, FrameRole role, std::string bytes) {
  r.frames.push_back(Frame{role, std::move(bytes)});
}

inline const boost::json::object& body_object(const Request& req) {
  static const boost::json::object kEmpty;
  const auto* o = req.body ? req.body->if_object() : nullptr;
  return o ? *o : kEmpty;
}

}  // namespace sb::mock

namespace sb::mock::openai {
// Messages/tools in the OpenAI shape; Ollama's /api/chat uses the same shape.
TurnInput turn_input(const Request& req);
Reply chat(const Request& req, const Directives& d);
Reply embeddings(const Request& req);
Reply models(const Request& req);
Reply error(const ErrorSpec& e);
}  // namespace sb::mock::openai

namespace sb::mock::anthropic {
Reply messages(const Request& req, const Directives& d);
Reply models(const Request& req);
Reply error(const ErrorSpec& e);
}  // namespace sb::mock::anthropic

namespace sb::mock::ollama {
Reply chat(const Request& req, const Directives& d);
Reply embed(const Request& req);
Reply legacy_embeddings(const Request& req);  // POST /api/embeddings
Reply tags(const Request& req);
Reply error(const ErrorSpec& e);
}  // namespace sb::mock::ollama

namespace sb::mock::gemini {
// `sse`: streamGenerateContent?alt=sse; without alt=sse the stream is one JSON array.
Reply generate(const Request& req, const Directives& d, bool sse);
Reply embed(const Request& req);
Reply batch_embed(const Request& req);
Reply models(const Request& req);
Reply error(const ErrorSpec& e);
}  // namespace sb::mock::gemini
