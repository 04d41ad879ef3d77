#pragma once

// Canonical chat types: the spine between ingress formats (api/openai, later api/anthropic) and
// provider codecs (providers/*). No wire format leaks through these types; the few JSON values
// here (tool parameter schemas, response schemas, opaque content parts) are user data, not wire.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::api {

enum class Role { kSystem, kDeveloper, kUser, kAssistant, kTool };

struct ContentPart {
  enum class Type { kText, kImageUrl, kOpaque };
  Type type = Type::kText;
  std::string text;          // kText
  std::string url;           // kImageUrl: https URL or data: URI
  std::string detail;        // kImageUrl: "", "low", "high", "auto"
  boost::json::object part;  // kOpaque: the client's part object (input_audio, file, ...)
};

struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text as the model produced it (may be invalid JSON)
};

struct Message {
  Role role = Role::kUser;
  // Content is either one string (content_is_text) or a list of parts; null when neither
  // (an assistant turn that only calls tools).
  bool content_is_text = false;
  std::string text;
  std::vector<ContentPart> parts;
  std::string name;
  std::vector<ToolCall> tool_calls;  // assistant
  std::string tool_call_id;          // tool
  std::string reasoning;             // assistant: reasoning sent back by the client
  // assistant: the provider's opaque signature over `reasoning` (Anthropic thinking signature,
  // Gemini thoughtSignature), sent back so the provider can verify its earlier reasoning.
  std::string reasoning_signature;

  bool has_content() const { return content_is_text || !parts.empty(); }
};

struct Tool {
  std::string name;
  std::string description;
  boost::json::value parameters;  // JSON Schema; null when absent
  std::optional<bool> strict;
};

struct ToolChoice {
  enum class Mode { kUnset, kAuto, kNone, kRequired, kFunction };
  Mode mode = Mode::kUnset;
  std::string function;  // kFunction
};

struct ResponseFormat {
  enum class Type { kUnset, kText, kJsonObject, kJsonSchema };
  Type type = Type::kUnset;
  std::string name;           // json_schema.name
  std::string description;    // json_schema.description
  boost::json::value schema;  // json_schema.schema
  std::optional<bool> strict;
};

struct ChatRequest {
  std::string model;  // exactly as the client sent it
  std::vector<Message> messages;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<int64_t> max_tokens;  // min of max_tokens and max_completion_tokens
  std::vector<std::string> stop;
  std::optional<int64_t> seed;
  std::string user;
  std::vector<Tool> tools;
  ToolChoice tool_choice;
  std::optional<bool> parallel_tool_calls;
  ResponseFormat response_format;
  std::string reasoning_effort;  // "", "minimal", "low", "medium", "high"
  // An explicit reasoning budget in tokens (0: no reasoning). Wins over reasoning_effort for
  // providers that take a budget (Anthropic thinking.budget_tokens, Gemini thinkingBudget).
  std::optional<int64_t> thinking_budget;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage

  // TensorZero extensions carried in the OpenAI body.
  std::string episode_id;
  boost::json::object credentials;  // tensorzero::credentials, for dynamic:: locations
  boost::json::object tags;
  bool dryrun = false;
};

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t reasoning_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_tokens = 0;
};

enum class FinishReason { kNone, kStop, kLength, kToolCalls, kContentFilter };

struct ChatResponse {
  std::string id;     // upstream's id, informational
  std::string model;  // the model that answered, as the upstream reported it
  int64_t created = 0;
  std::string system_fingerprint;
  bool has_text = false;  // false: content is null (e.g. only tool calls)
  std::string text;
  std::string reasoning;
  std::string reasoning_signature;  // opaque; see Message::reasoning_signature
  std::vector<ToolCall> tool_calls;
  FinishReason finish_reason = FinishReason::kNone;
  std::optional<Usage> usage;
};

struct ToolCallDelta {
  int index = 0;
  std::string id;         // first delta of a call
  std::string name;       // first delta of a call
  std::string arguments;  // fragment
};

// One decoded upstream stream event. A provider chunk maps to at most one of these; fields that
// did not appear are empty.
struct StreamChunk {
  std::string model;  // upstream-reported model, when the chunk carried one
  bool role = false;  // the chunk opened the assistant turn
  std::string text;
  std::string reasoning;
  std::string reasoning_signature;  // a fragment, appended like text
  std::vector<ToolCallDelta> tool_calls;
  FinishReason finish_reason = FinishReason::kNone;
  std::optional<Usage> usage;

  bool has_payload() const {
    return !text.empty() || !reasoning.empty() || !reasoning_signature.empty() ||
           !tool_calls.empty() || finish_reason != FinishReason::kNone;
  }
};

std::string_view finish_reason_name(FinishReason r);  // "stop", "length", ... ; "" for kNone
std::string_view role_name(Role r);

}  // namespace sb::api
