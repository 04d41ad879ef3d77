#include "directives.h"

#include <charconv>
#include <map>

namespace sb::mock {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void parse_pairs(std::string_view text, std::map<std::string, std::string, std::less<>>& out) {
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view item = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      out.insert_or_assign(std::string(item), std::string(1, '1'));  // bare flag: "tool_call"
    } else {
      out.insert_or_assign(std::string(trim(item.substr(0, eq))),
                           std::string(trim(item.substr(eq + 1))));
    }
  }
}

int to_int(std::string_view s, int fallback) {
  int v = fallback;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return fallback;
  return v;
}

bool to_bool(std::string_view s) {
  return s == "1" || s == "true" || s == "yes" || s == "on";
}

}  // namespace

bool Directives::has_fault() const {
  return wants_error() || reset || hang || delay_headers_ms > 0 || delay_first_token_ms > 0 ||
         chunk_delay_ms > 0 || cut_after >= 0 || stall_after >= 0 || malformed_at >= 0 || no_done;
}

bool Directives::wants_error() const {
  return status >= 400 || !error.empty();
}

void Directives::clear_faults() {
  Directives clean;
  clean.reply = std::move(reply);
  clean.reply_words = reply_words;
  clean.chunks = chunks;
  clean.tool_call = tool_call;
  clean.reasoning = reasoning;
  clean.reject_prefill = reject_prefill;
  clean.times = times;
  *this = std::move(clean);
}

ModelName split_model(std::string_view full) {
  auto semi = full.find(';');
  if (semi == std::string_view::npos) return {std::string(full), {}};
  return {std::string(full.substr(0, semi)), std::string(full.substr(semi + 1))};
}

Directives parse_directives(std::string_view from_model, std::string_view from_header) {
  std::map<std::string, std::string, std::less<>> kv;
  parse_pairs(from_model, kv);
  parse_pairs(from_header, kv);  // later insertions override: the header wins

  Directives d;
  for (const auto& [k, v] : kv) {
    if (k == "reply")
      d.reply = v;
    else if (k == "reply_words")
      d.reply_words = to_int(v, 0);
    else if (k == "chunks")
      d.chunks = to_int(v, 0);
    else if (k == "tool_call")
      d.tool_call = to_bool(v);
    else if (k == "reasoning")
      d.reasoning = to_bool(v);
    else if (k == "reject_prefill")
      d.reject_prefill = to_bool(v);
    else if (k == "status")
      d.status = to_int(v, 0);
    else if (k == "error")
      d.error = v;
    else if (k == "retry_after")
      d.retry_after = v;
    else if (k == "retry_after_ms")
      d.retry_after_ms = v;
    else if (k == "reset")
      d.reset = to_bool(v);
    else if (k == "hang")
      d.hang = to_bool(v);
    else if (k == "delay_headers_ms")
      d.delay_headers_ms = to_int(v, 0);
    else if (k == "delay_first_token_ms")
      d.delay_first_token_ms = to_int(v, 0);
    else if (k == "chunk_delay_ms")
      d.chunk_delay_ms = to_int(v, 0);
    else if (k == "cut_after")
      d.cut_after = to_int(v, -1);
    else if (k == "stall_after")
      d.stall_after = to_int(v, -1);
    else if (k == "malformed_at")
      d.malformed_at = to_int(v, -1);
    else if (k == "no_done")
      d.no_done = to_bool(v);
    else if (k == "times")
      d.times = to_int(v, 0);
    // Unknown keys are ignored so a gateway-side typo shows up as "no fault", not a crash.
  }
  return d;
}

bool TimesCounter::consume(const std::string& key, int limit) {
  std::lock_guard lock(mu_);
  auto& n = counts_[key];
  ++n;
  return n <= static_cast<std::uint64_t>(limit);
}

void TimesCounter::reset() {
  std::lock_guard lock(mu_);
  counts_.clear();
}

}  // namespace sb::mock
