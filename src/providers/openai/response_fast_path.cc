#include "providers/openai/response_fast_path.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_events.h"
#include "providers/openai/response_decoder.h"

namespace sb::providers::openai {

namespace json = boost::json;

namespace {

// Where the parser is. kSkip: inside a value nothing is read from (its nesting is counted).
enum class Ctx : uint8_t {
  kRoot,
  kChoices,
  kChoice,
  kMessage,
  kToolCalls,
  kToolCall,
  kFunction,
  kUsage,
  kCompletionDetails,
  kPromptDetails,
  kSkip,
};

// Which string or number the next scalar lands in.
enum class Slot : uint8_t {
  kNone,
  kId,
  kModel,
  kCreated,
  kFingerprint,
  kFinishReason,
  kContent,
  kReasoningContent,
  kReasoning,
  kRole,
  kCallIndex,
  kCallId,
  kCallName,
  kCallArguments,
  kPromptTokens,
  kCompletionTokens,
  kCacheHitTokens,
  kReasoningTokens,
  kCachedTokens,
};

constexpr size_t kMaxDepth = 64;

// What a response or a stream chunk holds, as the handler collects it.
struct Decoded {
  std::string id;
  std::string model;
  int64_t created = 0;
  std::string system_fingerprint;
  bool saw_choice = false;
  bool role = false;  // chunk: the delta named a role
  bool has_text = false;
  std::string text;
  std::string reasoning_content;
  std::string reasoning;
  std::vector<api::ToolCallDelta> calls;  // index -1: not given
  api::FinishReason finish_reason = api::FinishReason::kNone;
  std::optional<api::Usage> usage;
  int64_t cache_hit_tokens = 0;

  std::string take_reasoning() {
    return std::move(!reasoning_content.empty() ? reasoning_content : reasoning);
  }
  void settle_usage() {
    if (usage && usage->cache_read_tokens == 0) usage->cache_read_tokens = cache_hit_tokens;
  }
};

class Handler : public JsonEventHandler {
 public:
  // `chunk`: a stream chunk, whose choice carries a `delta` (with role and tool call indexes)
  // where a response's carries a `message`.
  explicit Handler(bool chunk) : chunk_(chunk) {}

  Decoded r;

  bool on_object_begin(json::error_code& ec) {
    Ctx next = Ctx::kSkip;
    if (skip_ == 0) {
      const Ctx at = top();
      if (depth_ == 0) {
        next = Ctx::kRoot;
      } else if (at == Ctx::kChoices) {
        next = r.saw_choice ? Ctx::kSkip : Ctx::kChoice;  // only the first choice is read
        r.saw_choice = true;
      } else if (at == Ctx::kToolCalls) {
        r.calls.emplace_back().index = -1;
        next = Ctx::kToolCall;
      } else {
        next = object_for(at);
        if (next == Ctx::kUsage) r.usage.emplace();
        if (next == Ctx::kRoot) return give_up(ec);  // an object where a scalar belongs
      }
    }
    return push(next, ec);
  }
  bool on_object_end(size_t, json::error_code&) { return pop(); }

  bool on_array_begin(json::error_code& ec) {
    Ctx next = Ctx::kSkip;
    if (skip_ == 0) {
      const Ctx at = top();
      if (at == Ctx::kRoot && key_ == "choices") {
        next = Ctx::kChoices;
      } else if (at == Ctx::kMessage && key_ == "tool_calls") {
        next = Ctx::kToolCalls;
      } else if (slot_for(at) != Slot::kNone || at == Ctx::kChoices || at == Ctx::kToolCalls ||
                 depth_ == 0) {
        return give_up(ec);  // content parts, arrays of arrays, ...: the DOM's business
      }
    }
    return push(next, ec);
  }
  bool on_array_end(size_t, json::error_code&) { return pop(); }

  bool on_key(json::string_view s, size_t, json::error_code& ec) {
    if (skip_ > 0) return true;
    key_ = keep_key(s);
    // A 200 carrying an error, Groq's usage and the legacy function_call: the DOM decides.
    if (depth_ == 1 && (key_ == "error" || key_ == "x_groq")) return give_up(ec);
    if (top() == Ctx::kMessage && key_ == "function_call") return give_up(ec);
    return true;
  }
  bool on_string(json::string_view s, size_t, json::error_code& ec) {
    if (skip_ > 0) return true;
    bool ok = take_string(std::string_view(s.data(), s.size()), ec);
    end_value();
    return ok;
  }
  bool on_int64(int64_t v, json::string_view, json::error_code& ec) { return take_number(v, ec); }
  bool on_uint64(uint64_t v, json::string_view, json::error_code& ec) {
    return take_number(static_cast<int64_t>(v), ec);
  }
  bool on_double(double v, json::string_view, json::error_code& ec) {
    return take_number(static_cast<int64_t>(v), ec);
  }
  bool on_bool(bool, json::error_code& ec) {
    if (skip_ == 0 && slot_for(top()) != Slot::kNone) return give_up(ec);
    end_value();
    return true;
  }
  bool on_null(json::error_code& ec) {
    if (skip_ == 0 && depth_ > 0) {
      // null where a string or number belongs reads as absent (finish_reason, content, ...);
      // a null choice does not.
      if (top() == Ctx::kChoices || top() == Ctx::kToolCalls) return give_up(ec);
    }
    end_value();
    return true;
  }

 private:
  Ctx top() const { return depth_ == 0 ? Ctx::kRoot : stack_[depth_ - 1]; }

  bool push(Ctx c, json::error_code& ec) {
    if (depth_ >= kMaxDepth) return give_up(ec);
    if (c == Ctx::kSkip) ++skip_;
    stack_[depth_++] = c;
    end_value();
    return true;
  }
  bool pop() {
    Ctx c = stack_[--depth_];
    if (c == Ctx::kSkip) --skip_;
    end_value();
    return true;
  }
  // After a member's value: the next key starts fresh.
  void end_value() { key_ = {}; }

  // The object a key of `at` opens; kSkip for objects not read; kRoot marks a key that must not
  // hold an object.
  Ctx object_for(Ctx at) const {
    switch (at) {
      case Ctx::kRoot:
        if (key_ == "usage") return Ctx::kUsage;
        break;
      case Ctx::kChoice:
        if (key_ == (chunk_ ? "delta" : "message")) return Ctx::kMessage;
        break;
      case Ctx::kToolCall:
        if (key_ == "function") return Ctx::kFunction;
        break;
      case Ctx::kUsage:
        if (key_ == "completion_tokens_details") return Ctx::kCompletionDetails;
        if (key_ == "prompt_tokens_details") return Ctx::kPromptDetails;
        break;
      default:
        break;
    }
    return slot_for(at) != Slot::kNone ? Ctx::kRoot : Ctx::kSkip;
  }

  Slot slot_for(Ctx at) const {
    switch (at) {
      case Ctx::kRoot:
        if (key_ == "id") return Slot::kId;
        if (key_ == "model") return Slot::kModel;
        if (key_ == "created") return Slot::kCreated;
        if (key_ == "system_fingerprint") return Slot::kFingerprint;
        break;
      case Ctx::kChoice:
        if (key_ == "finish_reason") return Slot::kFinishReason;
        break;
      case Ctx::kMessage:
        if (chunk_ && key_ == "role") return Slot::kRole;
        if (key_ == "content") return Slot::kContent;
        if (key_ == "reasoning_content") return Slot::kReasoningContent;
        if (key_ == "reasoning") return Slot::kReasoning;
        break;
      case Ctx::kToolCall:
        if (key_ == "id") return Slot::kCallId;
        if (chunk_ && key_ == "index") return Slot::kCallIndex;
        break;
      case Ctx::kFunction:
        if (key_ == "name") return Slot::kCallName;
        if (key_ == "arguments") return Slot::kCallArguments;
        break;
      case Ctx::kUsage:
        if (key_ == "prompt_tokens") return Slot::kPromptTokens;
        if (key_ == "completion_tokens") return Slot::kCompletionTokens;
        if (key_ == "prompt_cache_hit_tokens") return Slot::kCacheHitTokens;
        break;
      case Ctx::kCompletionDetails:
        if (key_ == "reasoning_tokens") return Slot::kReasoningTokens;
        break;
      case Ctx::kPromptDetails:
        if (key_ == "cached_tokens") return Slot::kCachedTokens;
        break;
      default:
        break;
    }
    return Slot::kNone;
  }

  bool take_string(std::string_view v, json::error_code& ec) {
    if (depth_ == 0) return give_up(ec);  // a bare string document
    const Ctx at = top();
    if (at == Ctx::kRoot && key_ == "object" && v == "error") {
      return give_up(ec);  // an error event: the DOM classifies it
    }
    switch (slot_for(at)) {
      case Slot::kNone:
        if (at == Ctx::kChoices || at == Ctx::kToolCalls) return give_up(ec);
        return true;
      case Slot::kId:  // a stream chunk's id and fingerprint are not passed on: not copied
        if (!chunk_) r.id.assign(v);
        return true;
      case Slot::kModel:
        r.model.assign(v);
        return true;
      case Slot::kFingerprint:
        if (!chunk_) r.system_fingerprint.assign(v);
        return true;
      case Slot::kFinishReason:
        r.finish_reason = map_finish_reason(v);
        return true;
      case Slot::kRole:
        r.role = true;
        return true;
      case Slot::kContent:
        r.has_text = true;
        r.text.assign(v);
        return true;
      case Slot::kReasoningContent:
        r.reasoning_content.assign(v);
        return true;
      case Slot::kReasoning:
        r.reasoning.assign(v);
        return true;
      case Slot::kCallId:
        r.calls.back().id.assign(v);
        return true;
      case Slot::kCallName:
        r.calls.back().name.assign(v);
        return true;
      case Slot::kCallArguments:
        r.calls.back().arguments.assign(v);
        return true;
      default:
        return give_up(ec);  // a string where a number belongs
    }
  }

  bool take_number(int64_t v, json::error_code& ec) {
    if (skip_ > 0) return true;
    if (depth_ == 0) return give_up(ec);
    const Ctx at = top();
    bool ok = true;
    switch (slot_for(at)) {
      case Slot::kNone:
        ok = at != Ctx::kChoices && at != Ctx::kToolCalls;
        break;
      case Slot::kCreated:
        r.created = v;
        break;
      case Slot::kPromptTokens:
        r.usage->input_tokens = v;
        break;
      case Slot::kCompletionTokens:
        r.usage->output_tokens = v;
        break;
      case Slot::kCacheHitTokens:
        r.cache_hit_tokens = v;
        break;
      case Slot::kCallIndex:
        r.calls.back().index = static_cast<int>(v);
        break;
      case Slot::kReasoningTokens:
        r.usage->reasoning_tokens = v;
        break;
      case Slot::kCachedTokens:
        r.usage->cache_read_tokens = v;
        break;
      default:
        ok = false;  // a number where a string belongs
    }
    end_value();
    return ok ? true : give_up(ec);
  }

  const bool chunk_;
  std::array<Ctx, kMaxDepth> stack_{};
  size_t depth_ = 0;
  size_t skip_ = 0;       // open values inside a skipped one (0: reading)
  std::string_view key_;  // the member whose value comes next (see keep_key)
};

// Runs the handler over `body`; nullopt when it gave up or the body is not one JSON object.
std::optional<Decoded> decode(std::string_view body, bool chunk) {
  Handler handler(chunk);
  if (!json_scan::scan(body, handler, kMaxDepth)) return std::nullopt;
  return std::move(handler.r);
}

}  // namespace

std::optional<api::ChatResponse> decode_common_response(std::string_view body) {
  auto d = decode(body, false);
  if (!d || !d->saw_choice) return std::nullopt;  // no choices: the DOM words the error
  api::ChatResponse r;
  r.id = std::move(d->id);
  r.model = std::move(d->model);
  r.created = d->created;
  r.system_fingerprint = std::move(d->system_fingerprint);
  r.has_text = d->has_text;
  r.text = std::move(d->text);
  r.reasoning = d->take_reasoning();
  r.tool_calls.reserve(d->calls.size());
  for (auto& c : d->calls) {
    r.tool_calls.push_back(
        {.id = std::move(c.id), .name = std::move(c.name), .arguments = std::move(c.arguments)});
  }
  r.finish_reason = d->finish_reason;
  d->settle_usage();
  r.usage = d->usage;
  return r;
}

std::optional<api::StreamChunk> decode_common_chunk(std::string_view data) {
  auto d = decode(data, true);
  if (!d) return std::nullopt;
  api::StreamChunk c;
  c.model = std::move(d->model);
  c.role = d->role;
  c.text = std::move(d->text);
  c.reasoning = d->take_reasoning();
  c.tool_calls = std::move(d->calls);
  for (size_t i = 0; i < c.tool_calls.size(); ++i) {
    if (c.tool_calls[i].index < 0) c.tool_calls[i].index = static_cast<int>(i);
  }
  c.finish_reason = d->finish_reason;
  d->settle_usage();
  c.usage = d->usage;
  return c;
}

}  // namespace sb::providers::openai
