#include "api/openai/request_fast_path.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "common/json_events.h"

namespace sb::api::openai {

namespace json = boost::json;

namespace {

enum class Ctx : uint8_t { kRoot, kMessages, kMessage, kStop, kStreamOptions };

// The top-level members the fast path reads; any other one sends the request to the DOM.
enum class Key : uint8_t {
  kModel,
  kMessages,
  kTemperature,
  kTopP,
  kPresencePenalty,
  kFrequencyPenalty,
  kMaxTokens,
  kMaxCompletionTokens,
  kN,
  kSeed,
  kStop,
  kUser,
  kReasoningEffort,
  kParallelToolCalls,
  kStream,
  kStreamOptions,
  kOther,
};

Key top_key(std::string_view k) {
  static constexpr std::pair<std::string_view, Key> kKeys[] = {
      {"model", Key::kModel},
      {"messages", Key::kMessages},
      {"temperature", Key::kTemperature},
      {"top_p", Key::kTopP},
      {"presence_penalty", Key::kPresencePenalty},
      {"frequency_penalty", Key::kFrequencyPenalty},
      {"max_tokens", Key::kMaxTokens},
      {"max_completion_tokens", Key::kMaxCompletionTokens},
      {"n", Key::kN},
      {"seed", Key::kSeed},
      {"stop", Key::kStop},
      {"user", Key::kUser},
      {"reasoning_effort", Key::kReasoningEffort},
      {"parallel_tool_calls", Key::kParallelToolCalls},
      {"stream", Key::kStream},
      {"stream_options", Key::kStreamOptions},
  };
  for (const auto& [name, key] : kKeys) {
    if (name == k) return key;
  }
  return Key::kOther;
}

// A message's members: role, content, name.
enum class MessageKey : uint8_t { kRole, kContent, kName, kOther };

MessageKey message_key(std::string_view k) {
  if (k == "role") return MessageKey::kRole;
  if (k == "content") return MessageKey::kContent;
  if (k == "name") return MessageKey::kName;
  return MessageKey::kOther;
}

class Handler : public JsonEventHandler {
 public:
  ChatRequest r;
  bool complete = false;  // the top-level object ended and held what a request needs

  bool on_object_begin(json::error_code& ec) {
    if (depth_ == 0) return push(Ctx::kRoot, ec);
    if (top() == Ctx::kMessages) {
      r.messages.emplace_back();
      message_seen_ = 0;
      return push(Ctx::kMessage, ec);
    }
    if (top() == Ctx::kRoot && key_ == Key::kStreamOptions) return push(Ctx::kStreamOptions, ec);
    return give_up(ec);
  }
  bool on_object_end(size_t, json::error_code& ec) {
    const Ctx c = top();
    if (c == Ctx::kMessage) {
      // Both required (the full decoder words the error when one is missing); a tool message
      // never gets here.
      constexpr unsigned kRoleAndContent =
          (1u << unsigned(MessageKey::kRole)) | (1u << unsigned(MessageKey::kContent));
      if ((message_seen_ & kRoleAndContent) != kRoleAndContent) return give_up(ec);
    } else if (c == Ctx::kRoot) {
      if (r.model.empty() || r.messages.empty()) return give_up(ec);
      if (max_tokens_ && max_completion_tokens_) {
        r.max_tokens = std::min(*max_tokens_, *max_completion_tokens_);
      } else {
        r.max_tokens = max_tokens_ ? max_tokens_ : max_completion_tokens_;
      }
      complete = true;
    }
    pop();
    return true;
  }

  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0 || top() != Ctx::kRoot) return give_up(ec);
    if (key_ == Key::kMessages) return push(Ctx::kMessages, ec);
    if (key_ == Key::kStop) return push(Ctx::kStop, ec);
    return give_up(ec);
  }
  bool on_array_end(size_t n, json::error_code& ec) {
    const Ctx c = top();
    pop();
    if (c == Ctx::kMessages && n == 0) return give_up(ec);
    if (c == Ctx::kStop && n > 4) return give_up(ec);
    return true;
  }

  bool on_key(json::string_view s, size_t, json::error_code& ec) {
    std::string_view k(s.data(), s.size());
    const Ctx c = top();
    if (c == Ctx::kRoot) {
      key_ = top_key(k);
      return key_ == Key::kOther ? give_up(ec) : see(seen_, unsigned(key_), ec);
    }
    if (c == Ctx::kMessage) {
      message_key_ = message_key(k);
      return message_key_ == MessageKey::kOther ? give_up(ec)
                                                : see(message_seen_, unsigned(message_key_), ec);
    }
    // stream_options: only include_usage.
    return k != "include_usage" ? give_up(ec) : see(stream_options_seen_, 0, ec);
  }

  bool on_string(json::string_view s, size_t, json::error_code& ec) {
    return take_string(std::string_view(s.data(), s.size())) || give_up(ec);
  }

  bool on_int64(int64_t v, json::string_view, json::error_code& ec) {
    return take_integer(v) || give_up(ec);
  }
  bool on_uint64(uint64_t v, json::string_view, json::error_code& ec) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return give_up(ec);
    return take_integer(static_cast<int64_t>(v)) || give_up(ec);
  }
  bool on_double(double v, json::string_view, json::error_code& ec) {
    // Only where any number is allowed; an integral double for an integer the DOM judges.
    return (depth_ == 1 && take_number(v)) || give_up(ec);
  }
  bool on_bool(bool b, json::error_code& ec) {
    if (depth_ == 1) {
      if (key_ == Key::kStream) {
        r.stream = b;
        return true;
      }
      if (key_ == Key::kParallelToolCalls) {
        r.parallel_tool_calls = b;
        return true;
      }
    } else if (top() == Ctx::kStreamOptions) {
      r.include_usage = b;
      return true;
    }
    return give_up(ec);
  }
  bool on_null(json::error_code& ec) {
    // null reads as absent, except where a value is required.
    if (depth_ == 1) {
      return (key_ != Key::kModel && key_ != Key::kMessages) || give_up(ec);
    }
    if (top() == Ctx::kMessage) return message_key_ == MessageKey::kName || give_up(ec);
    if (top() == Ctx::kStreamOptions) return true;
    return give_up(ec);
  }

 private:
  static constexpr size_t kMaxDepth = 3;

  Ctx top() const { return stack_[depth_ - 1]; }
  bool push(Ctx c, json::error_code& ec) {
    if (depth_ >= kMaxDepth) return give_up(ec);
    stack_[depth_++] = c;
    return true;
  }
  void pop() { --depth_; }

  // A key seen twice goes to the DOM, which settles duplicates its own way.
  static bool see(unsigned& seen, unsigned bit, json::error_code& ec) {
    if (seen & (1u << bit)) return give_up(ec);
    seen |= 1u << bit;
    return true;
  }

  bool take_string(std::string_view v) {
    const Ctx c = top();
    if (c == Ctx::kMessage) {
      Message& m = r.messages.back();
      switch (message_key_) {
        case MessageKey::kRole:
          if (v == "system") {
            m.role = Role::kSystem;
          } else if (v == "developer") {
            m.role = Role::kDeveloper;
          } else if (v == "user") {
            m.role = Role::kUser;
          } else if (v == "assistant") {
            m.role = Role::kAssistant;
          } else {
            return false;  // tool messages and unknown roles: the DOM
          }
          return true;
        case MessageKey::kContent:
          m.content_is_text = true;
          m.text.assign(v);
          return true;
        case MessageKey::kName:
          m.name.assign(v);
          return true;
        default:
          return false;
      }
    }
    if (c == Ctx::kStop) {
      r.stop.emplace_back(v);
      return true;
    }
    if (c != Ctx::kRoot) return false;
    switch (key_) {
      case Key::kModel:
        if (v.empty()) return false;
        r.model.assign(v);
        return true;
      case Key::kStop:
        r.stop.emplace_back(v);
        return true;
      case Key::kUser:
        r.user.assign(v);
        return true;
      case Key::kReasoningEffort:
        r.reasoning_effort.assign(v);
        return true;
      default:
        return false;
    }
  }

  bool take_number(double d) {
    auto in = [d](double lo, double hi) { return d >= lo && d <= hi; };
    switch (key_) {
      case Key::kTemperature:
        if (!in(0, 2)) return false;
        r.temperature = d;
        return true;
      case Key::kTopP:
        if (!in(0, 1)) return false;
        r.top_p = d;
        return true;
      case Key::kPresencePenalty:
        if (!in(-2, 2)) return false;
        r.presence_penalty = d;
        return true;
      case Key::kFrequencyPenalty:
        if (!in(-2, 2)) return false;
        r.frequency_penalty = d;
        return true;
      default:
        return false;
    }
  }

  bool take_integer(int64_t v) {
    if (depth_ != 1) return false;
    switch (key_) {
      case Key::kMaxTokens:
        if (v <= 0) return false;
        max_tokens_ = v;
        return true;
      case Key::kMaxCompletionTokens:
        if (v <= 0) return false;
        max_completion_tokens_ = v;
        return true;
      case Key::kN:
        return v == 1;
      case Key::kSeed:
        r.seed = v;
        return true;
      default:
        return take_number(static_cast<double>(v));
    }
  }

  std::array<Ctx, kMaxDepth> stack_{};
  size_t depth_ = 0;
  Key key_ = Key::kOther;  // the top-level member whose value comes next
  MessageKey message_key_ = MessageKey::kOther;
  unsigned seen_ = 0;  // top-level members seen (bit per Key)
  unsigned message_seen_ = 0;
  unsigned stream_options_seen_ = 0;
  std::optional<int64_t> max_tokens_;
  std::optional<int64_t> max_completion_tokens_;
};

}  // namespace

std::optional<ChatRequest> decode_common_request(std::string_view body) {
  Handler handler;
  if (!json_scan::scan(body, handler, 4) || !handler.complete) return std::nullopt;
  return std::move(handler.r);
}

}  // namespace sb::api::openai
