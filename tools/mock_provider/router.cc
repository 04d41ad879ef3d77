#include "router.h"

#include <array>

#include "formats.h"

namespace sb::mock {
namespace {

template <std::size_t N>
bool one_of(std::string_view path, const std::array<std::string_view, N>& paths) {
  for (auto p : paths)
    if (p == path) return true;
  return false;
}

constexpr std::array<std::string_view, 4> kChatPaths = {"/v1/chat/completions", "/chat/completions",
                                                        "/openai/v1/chat/completions",
                                                        "/v1beta/openai/chat/completions"};
constexpr std::array<std::string_view, 4> kEmbedPaths = {
    "/v1/embeddings", "/embeddings", "/openai/v1/embeddings", "/v1beta/openai/embeddings"};
constexpr std::array<std::string_view, 3> kModelPaths = {"/v1/models", "/models",
                                                         "/openai/v1/models"};

// "/v1beta/models/{model}:{method}" (or /v1/); {model} may carry %-encoded directives.
std::optional<Endpoint> route_gemini(std::string_view path, std::string_view query) {
  std::string_view rest;
  for (std::string_view prefix : {"/v1beta/models/", "/v1/models/"}) {
    if (path.starts_with(prefix)) rest = path.substr(prefix.size());
  }
  if (rest.empty()) return std::nullopt;
  std::string decoded, method;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    decoded = percent_decode(rest.substr(0, colon));
    method = rest.substr(colon + 1);
  } else {  // the ':' itself was sent as %3A
    decoded = percent_decode(rest);
    auto c = decoded.rfind(':');
    if (c == std::string::npos) return std::nullopt;
    method = decoded.substr(c + 1);
    decoded.resize(c);
  }
  Endpoint ep{.format = Format::kGemini, .path_model = std::move(decoded)};
  if (method == "generateContent") {
    ep.op = Op::kChat;
  } else if (method == "streamGenerateContent") {
    ep.op = Op::kChat;
    ep.path_stream = true;
    ep.sse = query_param(query, "alt") == "sse";
  } else if (method == "embedContent") {
    ep.op = Op::kEmbed;
  } else if (method == "batchEmbedContents") {
    ep.op = Op::kBatchEmbed;
  } else {
    return std::nullopt;
  }
  return ep;
}

bool bool_field(const Request& req, std::string_view key, bool fallback) {
  const auto* o = req.body ? req.body->if_object() : nullptr;
  const auto* v = o ? o->if_contains(key) : nullptr;
  return v && v->is_bool() ? v->get_bool() : fallback;
}

}  // namespace

std::optional<Endpoint> route(std::string_view method, std::string_view path,
                              std::string_view query, bool anthropic_version_header) {
  if (method == "POST") {
    if (one_of(path, kChatPaths)) return Endpoint{.format = Format::kOpenAi, .op = Op::kChat};
    if (one_of(path, kEmbedPaths)) return Endpoint{.format = Format::kOpenAi, .op = Op::kEmbed};
    if (path == "/v1/messages") return Endpoint{.format = Format::kAnthropic, .op = Op::kChat};
    if (path == "/api/chat") return Endpoint{.format = Format::kOllama, .op = Op::kChat};
    if (path == "/api/embed") return Endpoint{.format = Format::kOllama, .op = Op::kEmbed};
    if (path == "/api/embeddings")
      return Endpoint{.format = Format::kOllama, .op = Op::kLegacyEmbed};
    return route_gemini(path, query);
  }
  if (method == "GET") {
    if (one_of(path, kModelPaths)) {
      return Endpoint{.format = anthropic_version_header ? Format::kAnthropic : Format::kOpenAi,
                      .op = Op::kModels};
    }
    if (path == "/api/tags") return Endpoint{.format = Format::kOllama, .op = Op::kModels};
    if (path == "/v1beta/models") return Endpoint{.format = Format::kGemini, .op = Op::kModels};
  }
  return std::nullopt;
}

void describe(const Endpoint& ep, Request& req) {
  if (ep.format == Format::kGemini) {
    req.model_full = ep.path_model;
    req.stream = ep.path_stream;
  } else {
    const auto* o = req.body ? req.body->if_object() : nullptr;
    const auto* m = o ? o->if_contains("model") : nullptr;
    if (m && m->is_string()) req.model_full = m->get_string();
    bool chat = ep.op == Op::kChat;
    // Ollama streams /api/chat unless told "stream": false; the others stream only when asked.
    req.stream = chat && bool_field(req, "stream", ep.format == Format::kOllama);
  }
  req.model = split_model(req.model_full).name;
}

Reply dispatch(const Endpoint& ep, const Request& req, const Directives& d) {
  switch (ep.format) {
    case Format::kOpenAi:
      if (ep.op == Op::kChat) return openai::chat(req, d);
      if (ep.op == Op::kEmbed) return openai::embeddings(req);
      return openai::models(req);
    case Format::kAnthropic:
      if (ep.op == Op::kChat) return anthropic::messages(req, d);
      return anthropic::models(req);
    case Format::kOllama:
      if (ep.op == Op::kChat) return ollama::chat(req, d);
      if (ep.op == Op::kEmbed) return ollama::embed(req);
      if (ep.op == Op::kLegacyEmbed) return ollama::legacy_embeddings(req);
      return ollama::tags(req);
    case Format::kGemini:
      if (ep.op == Op::kChat) return gemini::generate(req, d, ep.sse);
      if (ep.op == Op::kEmbed) return gemini::embed(req);
      if (ep.op == Op::kBatchEmbed) return gemini::batch_embed(req);
      return gemini::models(req);
  }
  return openai::error({.status = 500, .message = "unrouted endpoint"});
}

Reply error_reply(Format format, const ErrorSpec& e) {
  switch (format) {
    case Format::kOpenAi:
      return openai::error(e);
    case Format::kAnthropic:
      return anthropic::error(e);
    case Format::kOllama:
      return ollama::error(e);
    case Format::kGemini:
      return gemini::error(e);
  }
  return openai::error(e);
}

}  // namespace sb::mock
