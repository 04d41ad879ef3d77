#include "api/openai/request_decoder.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

#include "api/openai/decode_helpers.h"
#include "api/openai/request_fast_path.h"
#include "api/openai/request_sections.h"
#include "common/ids.h"

namespace sb::api::openai {

namespace json = boost::json;
using detail::invalid;
using detail::must_be;
using detail::Status;

namespace {

Error json_error(std::string_view body, size_t at, std::string_view what) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  std::string message(what);
  message += " at line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
             std::to_string(at) + ")";
  return make_error(ErrorCode::kInvalidJson, std::move(message));
}

Status decode_model(const json::object& o, ChatRequest& r) {
  const json::value* v = o.if_contains("model");
  if (v == nullptr || v->is_null()) return std::unexpected(invalid("model", "'model' is required"));
  if (!v->is_string()) return std::unexpected(must_be("model", "a string"));
  if (v->get_string().empty()) {
    return std::unexpected(invalid("model", "'model' must not be empty"));
  }
  r.model.assign(v->get_string().data(), v->get_string().size());
  return {};
}

Status decode_sampling(const json::object& o, ChatRequest& r) {
  Status st = detail::read_number(o, "temperature", "temperature", 0, 2, r.temperature);
  if (st) st = detail::read_number(o, "top_p", "top_p", 0, 1, r.top_p);
  if (st) {
    st = detail::read_number(o, "presence_penalty", "presence_penalty", -2, 2, r.presence_penalty);
  }
  if (st) {
    st = detail::read_number(o, "frequency_penalty", "frequency_penalty", -2, 2,
                             r.frequency_penalty);
  }
  if (st) st = detail::read_integer(o, "seed", "seed", r.seed);
  return st;
}

Status read_positive(const json::object& o, std::string_view key, std::optional<int64_t>& out) {
  const json::value* v = detail::field(o, key);
  if (v == nullptr) return {};
  std::optional<int64_t> i = detail::as_integer(*v);
  if (!i || *i <= 0) return std::unexpected(must_be(key, "a positive integer"));
  out = *i;
  return {};
}

Status decode_limits(const json::object& o, ChatRequest& r) {
  std::optional<int64_t> max_tokens, max_completion_tokens;
  Status st = read_positive(o, "max_tokens", max_tokens);
  if (st) st = read_positive(o, "max_completion_tokens", max_completion_tokens);
  if (!st) return st;
  if (max_tokens && max_completion_tokens) {
    r.max_tokens = std::min(*max_tokens, *max_completion_tokens);
  } else {
    r.max_tokens = max_tokens ? max_tokens : max_completion_tokens;
  }
  if (const json::value* n = detail::field(o, "n")) {
    std::optional<int64_t> i = detail::as_integer(*n);
    if (!i || *i != 1) {
      return std::unexpected(
          invalid("n", "'n' must be 1: only one choice per request is supported"));
    }
  }
  return {};
}

Status decode_stop(const json::object& o, ChatRequest& r) {
  const json::value* v = detail::field(o, "stop");
  if (v == nullptr) return {};
  if (v->is_string()) {
    r.stop.emplace_back(v->get_string().data(), v->get_string().size());
    return {};
  }
  constexpr std::string_view kWhat = "a string or an array of at most 4 strings";
  if (!v->is_array() || v->get_array().size() > 4) return std::unexpected(must_be("stop", kWhat));
  for (const json::value& s : v->get_array()) {
    if (!s.is_string()) return std::unexpected(must_be("stop", kWhat));
    r.stop.emplace_back(s.get_string().data(), s.get_string().size());
  }
  return {};
}

Status decode_options(const json::object& o, ChatRequest& r) {
  std::optional<bool> stream, include_usage;
  Status st = detail::read_string(o, "user", "user", r.user);
  if (st) st = detail::read_string(o, "reasoning_effort", "reasoning_effort", r.reasoning_effort);
  if (st) {
    st = detail::read_bool(o, "parallel_tool_calls", "parallel_tool_calls", r.parallel_tool_calls);
  }
  if (st) st = detail::read_bool(o, "stream", "stream", stream);
  if (!st) return st;
  r.stream = stream.value_or(false);
  if (const json::value* so = detail::field(o, "stream_options")) {
    if (!so->is_object()) return std::unexpected(must_be("stream_options", "an object"));
    st = detail::read_bool(so->get_object(), "include_usage", "stream_options.include_usage",
                           include_usage);
    r.include_usage = include_usage.value_or(false);
  }
  return st;
}

Status read_budget(const json::object& o, std::string_view key, std::string_view param,
                   std::optional<int64_t>& out) {
  const json::value* v = detail::field(o, key);
  if (v == nullptr) return {};
  std::optional<int64_t> i = detail::as_integer(*v);
  if (!i || *i < 0) return std::unexpected(must_be(param, "a non-negative integer"));
  out = *i;
  return {};
}

// An explicit reasoning budget: TensorZero's tensorzero::params.chat_completion.
// thinking_budget_tokens (which wins), else Anthropic-style thinking {type, budget_tokens} as
// LiteLLM and OpenRouter clients send it ("disabled" is a budget of 0; other types are ignored).
Status decode_thinking_budget(const json::object& o, ChatRequest& r) {
  const json::value* t = detail::field(o, "thinking");
  const json::object* th = t != nullptr ? t->if_object() : nullptr;
  const json::value* type = th != nullptr ? detail::field(*th, "type") : nullptr;
  if (type != nullptr && type->is_string() && type->get_string() == "disabled") {
    r.thinking_budget = 0;
  } else if (type != nullptr && type->is_string() && type->get_string() == "enabled") {
    Status st = read_budget(*th, "budget_tokens", "thinking.budget_tokens", r.thinking_budget);
    if (!st) return st;
  }
  const json::value* params = detail::field(o, "tensorzero::params");
  if (params == nullptr) return {};
  const json::value* cc =
      params->is_object() ? detail::field(params->get_object(), "chat_completion") : nullptr;
  if (cc == nullptr || !cc->is_object()) return {};
  return read_budget(cc->get_object(), "thinking_budget_tokens",
                     "tensorzero::params.chat_completion.thinking_budget_tokens",
                     r.thinking_budget);
}

Status decode_extensions(const json::object& o, ChatRequest& r) {
  constexpr std::string_view kEpisode = "tensorzero::episode_id";
  Status st = detail::read_string(o, kEpisode, kEpisode, r.episode_id);
  if (st && !r.episode_id.empty() && !ids::is_uuid_v7(r.episode_id)) {
    return std::unexpected(must_be(kEpisode, "a UUIDv7 string"));
  }
  if (st) st = detail::read_string_map(o, "tensorzero::tags", "tensorzero::tags", r.tags);
  if (st) {
    st = detail::read_string_map(o, "tensorzero::credentials", "tensorzero::credentials",
                                 r.credentials);
  }
  std::optional<bool> dryrun;
  if (st) st = detail::read_bool(o, "tensorzero::dryrun", "tensorzero::dryrun", dryrun);
  r.dryrun = dryrun.value_or(false);
  return st;
}

}  // namespace

std::expected<json::value, Error> parse_json_body(std::string_view body, json::storage_ptr sp) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  unsigned char temp[1024];  // the parser's own stack, before it needs the heap
  json::parser parser(json::storage_ptr(), options, temp, sizeof temp);
  parser.reset(std::move(sp));
  boost::system::error_code ec;
  size_t n = parser.write_some(body.data(), body.size(), ec);
  if (ec == json::error::too_deep) {
    return std::unexpected(json_error(
        body, n, "request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
  }
  if (ec) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return std::unexpected(make_error(ErrorCode::kInvalidJson, "request body is empty"));
    }
    return std::unexpected(json_error(body, n, "request body is not valid JSON: " + ec.message()));
  }
  if (n < body.size()) {
    return std::unexpected(
        json_error(body, n, "request body is not valid JSON: unexpected data after the value"));
  }
  return parser.release();
}

std::expected<ChatRequest, Error> decode_chat_request(std::string_view body) {
  if (auto common = decode_common_request(body)) return std::move(*common);
  return decode_chat_request_dom(body);
}

std::expected<ChatRequest, Error> decode_chat_request_dom(std::string_view body) {
  // The DOM lives only while the request is decoded (what the request keeps is copied out), so it
  // goes into an arena: a stack buffer, then heap blocks, freed at once.
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  auto parsed = parse_json_body(body, &arena);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  if (!parsed->is_object()) {
    return std::unexpected(
        make_error(ErrorCode::kInvalidRequest, "request body must be a JSON object"));
  }
  const json::object& o = parsed->get_object();
  using Step = Status (*)(const json::object&, ChatRequest&);
  static constexpr Step kSteps[] = {
      decode_model,
      detail::decode_messages,
      decode_sampling,
      decode_limits,
      decode_stop,
      decode_options,
      decode_thinking_budget,
      detail::decode_tools,
      detail::decode_tool_choice,
      detail::decode_response_format,
      decode_extensions,
  };
  ChatRequest request;
  for (Step step : kSteps) {
    if (Status st = step(o, request); !st) return std::unexpected(std::move(st.error()));
  }
  return request;
}

}  // namespace sb::api::openai
