#pragma once

// Reasoning controls -> Gemini generationConfig.thinkingConfig.
//
// Effort levels map to the same budgets as Anthropic's (anthropic/thinking.h; a test keeps the
// two tables equal):
//
//   reasoning_effort   Gemini 2.5 and others       Gemini 3 (thinkingLevel)
//                      (thinkingBudget)            Flash        Pro
//   none               0 (128 on *pro* models,     minimal      low
//                      which cannot turn it off)
//   minimal             1024                       minimal      low
//   low                 2048                       low          low
//   medium              8192                       medium       high
//   high               24576                       high         high
//   anything else      no thinkingConfig
//
// includeThoughts is true whenever reasoning was asked for (not for "none" or a budget of 0), so
// thought summaries come back as reasoning. An explicit budget (ChatRequest::thinking_budget)
// wins over the effort and is sent as thinkingBudget on every model. Effort alone is ignored for
// models without thinking (gemini-1.*, gemini-2.0-*). Gemini counts thinking tokens inside
// maxOutputTokens, as OpenAI counts reasoning inside max_completion_tokens: max_tokens is passed
// unchanged.

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/json/value.hpp>

#include "api/chat.h"

namespace sb::providers::gemini {

// The budget for an effort level; nullopt for "" and unknown levels, 0 for "none".
std::optional<int64_t> effort_budget(std::string_view effort);

// thinkingConfig for a request to `model` (the upstream model name), or null for none.
boost::json::value thinking_config(const api::ChatRequest& request, std::string_view model);

}  // namespace sb::providers::gemini
