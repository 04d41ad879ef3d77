#include "providers/anthropic/thinking.h"

#include <algorithm>

namespace sb::providers::anthropic {

namespace {

bool has_extended_thinking(std::string_view model) {
  if (model.starts_with("claude-2") || model.starts_with("claude-instant")) return false;
  return !model.starts_with("claude-3-") || model.starts_with("claude-3-7");
}

}  // namespace

std::optional<int64_t> effort_budget(std::string_view effort) {
  if (effort == "none") return 0;
  if (effort == "minimal") return 1024;
  if (effort == "low") return 2048;
  if (effort == "medium") return 8192;
  if (effort == "high") return 24576;
  return std::nullopt;
}

ThinkingPlan plan_thinking(const api::ChatRequest& r, std::string_view model) {
  ThinkingPlan plan;
  std::optional<int64_t> budget = r.thinking_budget;
  if (!budget && has_extended_thinking(model)) budget = effort_budget(r.reasoning_effort);
  if (budget && *budget > 0) plan.budget = std::max(*budget, kMinThinkingBudget);
  plan.max_tokens = r.max_tokens.value_or(kDefaultMaxTokens);
  if (plan.budget > 0 && (!r.max_tokens || *r.max_tokens <= plan.budget)) {
    plan.max_tokens = plan.budget + r.max_tokens.value_or(kDefaultMaxTokens);
  }
  return plan;
}

}  // namespace sb::providers::anthropic
