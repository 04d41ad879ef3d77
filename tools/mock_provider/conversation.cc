#include "conversation.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace sb::mock {
namespace {

namespace json = boost::json;

constexpr std::size_t kEchoLimit = 200;  // code points of the user's text echoed back
constexpr int kMaxReplyWords = 1'000'000;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

void add_spaced(std::string& out, std::string_view s) {
  if (s.empty()) return;
  if (!out.empty()) out += ' ';
  out += s;
}

std::string answer_text(const TurnInput& in, const Directives& d) {
  if (d.reply) return *d.reply;
  if (d.reply_words > 0) {
    std::string s;
    int n = std::min(d.reply_words, kMaxReplyWords);
    for (int i = 1; i <= n; ++i) {
      if (i > 1) s += ' ';
      s += 'w';
      s += std::to_string(i);
    }
    return s;
  }
  return "Hello from " + in.model + "! You said: " + truncate_utf8(in.last_user_text, kEchoLimit);
}

std::vector<std::string> chunk(std::string_view text, const Directives& d) {
  return d.chunks > 0 ? split_even(text, d.chunks) : split_words(text);
}

ToolCall make_tool_call(const ToolSpec& tool, std::uint64_t id) {
  ToolCall tc;
  tc.id_suffix = hex_id(id);
  tc.name = tool.name;
  tc.args = args_from_schema(tool.schema);
  tc.args_json = json::serialize(tc.args);
  tc.args_fragments = split_even(tc.args_json, tc.args_json.size() >= 3 ? 3 : 2);
  return tc;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Turn make_turn(const TurnInput& in, const Directives& d, std::uint64_t id) {
  Turn t;
  t.model = in.model;
  t.prompt_tokens = in.prompt_tokens;
  if (d.tool_call && in.first_tool) {
    t.tool_call = make_tool_call(*in.first_tool, id);
    t.output_tokens = count_words(t.tool_call->name + " " + t.tool_call->args_json);
  } else {
    t.answer = answer_text(in, d);
    // Assistant prefill: continue the answer after the text the request already holds.
    if (!in.prefill.empty() && t.answer.starts_with(in.prefill))
      t.answer.erase(0, in.prefill.size());
    t.answer_chunks = chunk(t.answer, d);
    t.output_tokens = count_words(t.answer);
  }
  if (d.reasoning || in.reasoning_requested) {
    t.reasoning =
        "Let me think about this. The user said: " + truncate_utf8(in.last_user_text, kEchoLimit);
    t.reasoning_chunks = chunk(t.reasoning, d);
    t.reasoning_tokens = count_words(t.reasoning);
  }
  return t;
}

int count_words(std::string_view text) {
  int n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = is_space(c);
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0, start = 0, n = text.size();
  while (i < n && is_space(text[i])) ++i;  // leading whitespace rides with the first word
  while (i < n) {
    while (i < n && !is_space(text[i])) ++i;
    while (i < n && is_space(text[i])) ++i;
    out.emplace_back(text.substr(start, i - start));
    start = i;
  }
  if (out.empty() && !text.empty()) out.emplace_back(text);
  return out;
}

std::vector<std::string> split_even(std::string_view text, int n) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  n = std::clamp(n, 1, static_cast<int>(text.size()));
  std::size_t start = 0;
  for (int i = 1; i <= n && start < text.size(); ++i) {
    std::size_t end = i == n ? text.size() : text.size() * i / n;
    while (end < text.size() && is_continuation(text[end])) ++end;
    if (end <= start) continue;
    out.emplace_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string truncate_utf8(std::string_view text, std::size_t max_code_points) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_continuation(text[i])) {
      if (points == max_code_points) return std::string(text.substr(0, i));
      ++points;
    }
  }
  return std::string(text);
}

void append_text(const json::value& content, std::string& out) {
  if (const auto* s = content.if_string()) {
    add_spaced(out, *s);
    return;
  }
  const auto* arr = content.if_array();
  if (!arr) return;
  for (const auto& part : *arr) {
    if (const auto* s = part.if_string()) {
      add_spaced(out, *s);
    } else if (const auto* obj = part.if_object()) {
      if (const auto* text = obj->if_contains("text"); text && text->is_string()) {
        add_spaced(out, text->get_string());
      } else if (const auto* nested = obj->if_contains("content")) {
        append_text(*nested, out);  // Anthropic tool_result blocks
      }
    }
  }
}

json::object args_from_schema(const json::object* schema) {
  json::object args;
  if (!schema) return args;
  const auto* props = schema->if_contains("properties");
  if (!props || !props->is_object()) return args;
  for (const auto& [name, prop] : props->get_object()) {
    std::string type = "string";  // lowercased: Gemini schemas say "STRING", "INTEGER"
    const json::object* p = prop.if_object();
    if (p) {
      if (const auto* e = p->if_contains("enum"); e && e->is_array() && !e->get_array().empty()) {
        args[name] = e->get_array().front();
        continue;
      }
      if (const auto* t = p->if_contains("type")) {
        if (t->is_string())
          type = t->get_string();
        else if (t->is_array() && !t->get_array().empty() && t->get_array()[0].is_string())
          type = t->get_array()[0].get_string();
        for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
    }
    if (type == "integer" || type == "number")
      args[name] = 1;
    else if (type == "boolean")
      args[name] = true;
    else if (type == "array")
      args[name] = json::array();
    else if (type == "object")
      args[name] = json::object();
    else
      args[name] = "Paris";
  }
  return args;
}

std::vector<float> embed(std::string_view text, int dimensions) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  std::vector<float> v(static_cast<std::size_t>(std::clamp(dimensions, 1, 65536)));
  double norm = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    double unit = static_cast<double>(splitmix64(h + i) >> 11) * 0x1.0p-53;  // [0, 1)
    v[i] = static_cast<float>(unit * 2.0 - 1.0);
    norm += static_cast<double>(v[i]) * v[i];
  }
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& x : v) x = static_cast<float>(x / norm);
  }
  return v;
}

json::value embedding_json(const std::vector<float>& v) {
  json::array a;
  a.reserve(v.size());
  for (float x : v) a.emplace_back(static_cast<double>(x));
  return a;
}

std::string base64_floats(const std::vector<float>& v) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * 4, '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xFF);
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

std::string hex_id(std::uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(splitmix64(id)));
  return buf;
}

std::string iso8601_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()) %
                std::chrono::seconds(1);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros.count()));
  return buf;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string query_param(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    auto eq = item.find('=');
    std::string_view k = item.substr(0, eq);
    if (k == key)
      return eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1));
  }
  return {};
}

}  // namespace sb::mock
