#pragma once

// Reasoning controls -> Anthropic extended thinking.
//
// OpenAI `reasoning_effort` becomes a thinking budget in tokens. The table is the same for every
// budget-based provider (gemini/thinking.h repeats it; a test keeps the two equal):
//
//   reasoning_effort   budget_tokens
//   none               thinking off
//   minimal             1024   (Anthropic's minimum budget)
//   low                 2048
//   medium              8192
//   high               24576   (Gemini 2.5 Flash's largest budget)
//   anything else      ignored (no thinking parameter is sent)
//
// An explicit budget (ChatRequest::thinking_budget) wins over the effort: 0 turns thinking off,
// 1..1023 is raised to Anthropic's minimum of 1024. Effort alone is ignored for models without
// extended thinking (claude-2*, claude-instant*, claude-3-* other than claude-3-7); an explicit
// budget is always sent.
//
// max_tokens: Anthropic requires it. Without thinking it is the client's value, else 4096. With
// thinking, budget_tokens must be below max_tokens: a client max_tokens above the budget is kept
// (like OpenAI's max_completion_tokens it then bounds reasoning and answer together); otherwise,
// or when the client gave none, max_tokens = budget + (client value or 4096), so the answer keeps
// its allowance on top of the budget.

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/chat.h"

namespace sb::providers::anthropic {

inline constexpr int64_t kDefaultMaxTokens = 4096;
inline constexpr int64_t kMinThinkingBudget = 1024;

// The budget for an effort level; nullopt for "" and unknown levels, 0 for "none".
std::optional<int64_t> effort_budget(std::string_view effort);

struct ThinkingPlan {
  int64_t budget = 0;  // 0: no thinking parameter
  int64_t max_tokens = kDefaultMaxTokens;
};

// `model` is the upstream model name.
ThinkingPlan plan_thinking(const api::ChatRequest& request, std::string_view model);

}  // namespace sb::providers::anthropic
