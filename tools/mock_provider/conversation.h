#pragma once

// The deterministic "model": what the mock answers, how it is chunked and how tokens are counted.
// Every wire format extracts a TurnInput from its own request shape and renders the same Turn, so
// answers and token counts agree across formats and between streaming and non-streaming.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "directives.h"

namespace sb::mock {

struct ToolSpec {
  std::string name;
  const boost::json::object* schema = nullptr;  // JSON schema of the arguments; may be null
};

struct TurnInput {
  std::string model;           // directives stripped
  std::string last_user_text;  // text of the last user message
  int prompt_tokens = 0;       // whitespace-separated words in all messages
  std::optional<ToolSpec> first_tool;
  bool reasoning_requested = false;  // the request itself asked for thinking output
  std::string prefill;  // text of a trailing assistant message (assistant prefill), if any
};

struct ToolCall {
  std::string id_suffix;  // formats prefix it: "call_", "toolu_"
  std::string name;
  boost::json::object args;
  std::string args_json;                    // serialized args
  std::vector<std::string> args_fragments;  // args_json split in 2+ pieces, for streaming
};

struct Turn {
  std::string model;
  std::string answer;  // empty when tool_call is set
  std::vector<std::string> answer_chunks;
  std::string reasoning;  // empty unless reasoning is on
  std::vector<std::string> reasoning_chunks;
  std::optional<ToolCall> tool_call;
  int prompt_tokens = 0;
  int output_tokens = 0;     // answer (or tool call) words, excluding reasoning
  int reasoning_tokens = 0;  // reasoning words
  int completion_tokens() const { return output_tokens + reasoning_tokens; }
};

Turn make_turn(const TurnInput& in, const Directives& d, std::uint64_t id);

int count_words(std::string_view text);
// Pieces of `text` that concatenate back to it, one per word (word plus following whitespace).
std::vector<std::string> split_words(std::string_view text);
// `text` in `n` pieces of about equal length, cut on UTF-8 boundaries.
std::vector<std::string> split_even(std::string_view text, int n);
std::string truncate_utf8(std::string_view text, std::size_t max_code_points);

// Appends the text of a message `content` (a string, or an array of parts with "text" fields,
// tool results with nested "content") to `out`, space-separated.
void append_text(const boost::json::value& content, std::string& out);

// Arguments such as {"location":"Paris"} built from a JSON schema's property names.
boost::json::object args_from_schema(const boost::json::object* schema);

// A deterministic unit vector derived from a hash of `text`.
std::vector<float> embed(std::string_view text, int dimensions);
boost::json::value embedding_json(const std::vector<float>& v);
std::string base64_floats(const std::vector<float>& v);  // little-endian float32

std::string hex_id(std::uint64_t id);
std::string iso8601_now();
std::string percent_decode(std::string_view s);
// The value of `key` in a raw query string, percent-decoded; empty when absent.
std::string query_param(std::string_view query, std::string_view key);

}  // namespace sb::mock
