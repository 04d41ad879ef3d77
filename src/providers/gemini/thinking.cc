#include "providers/gemini/thinking.h"

#include <boost/json/object.hpp>

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

bool can_think(std::string_view model) {
  return !model.starts_with("gemini-1.") && !model.starts_with("gemini-2.0");
}

// Gemini 3 takes a thinking level; Pro knows only low and high.
std::string_view thinking_level(std::string_view effort, bool flash) {
  if (effort == "none" || effort == "minimal") return flash ? "minimal" : "low";
  if (effort == "low") return "low";
  if (effort == "medium") return flash ? "medium" : "high";
  if (effort == "high") return "high";
  return {};
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

json::value thinking_config(const api::ChatRequest& r, std::string_view model) {
  if (r.thinking_budget) {
    return json::object{{"thinkingBudget", *r.thinking_budget},
                        {"includeThoughts", *r.thinking_budget > 0}};
  }
  std::string_view effort = r.reasoning_effort;
  if (effort.empty() || !can_think(model)) return nullptr;
  bool thoughts = effort != "none";
  if (contains(model, "gemini-3")) {
    std::string_view level = thinking_level(effort, contains(model, "flash"));
    if (level.empty()) return nullptr;
    return json::object{{"thinkingLevel", level}, {"includeThoughts", thoughts}};
  }
  std::optional<int64_t> budget = effort_budget(effort);
  if (!budget) return nullptr;
  if (*budget == 0 && contains(model, "pro")) budget = 128;  // Pro cannot turn thinking off
  return json::object{{"thinkingBudget", *budget}, {"includeThoughts", thoughts}};
}

}  // namespace sb::providers::gemini
