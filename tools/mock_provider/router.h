#pragma once

// Which wire format and operation a request path names, and how to answer it.

#include <optional>
#include <string>
#include <string_view>

#include "directives.h"
#include "exchange.h"

namespace sb::mock {

enum class Format { kOpenAi, kAnthropic, kOllama, kGemini };
enum class Op { kChat, kEmbed, kBatchEmbed, kLegacyEmbed, kModels };

struct Endpoint {
  Format format = Format::kOpenAi;
  Op op = Op::kChat;
  std::string path_model;    // Gemini: the decoded {model} path segment, directives included
  bool path_stream = false;  // Gemini: streamGenerateContent
  bool sse = false;          // Gemini: alt=sse
};

std::optional<Endpoint> route(std::string_view method, std::string_view path,
                              std::string_view query, bool anthropic_version_header);

// Fills req.model_full, req.model and req.stream the way the endpoint's format carries them.
void describe(const Endpoint& ep, Request& req);

Reply dispatch(const Endpoint& ep, const Request& req, const Directives& d);
Reply error_reply(Format format, const ErrorSpec& e);

}  // namespace sb::mock
