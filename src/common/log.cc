#include "common/log.h"

#include <unistd.h>

#include <memory>
#include <vector>

#include <spdlog/pattern_formatter.h>

#include "common/json_text.h"
#include "common/log_sink.h"

namespace sb::log {

namespace {

constexpr std::string_view kService = "tensorzero-gateway";
constexpr std::string_view kReserved[] = {"timestamp", "level", "service", "message"};

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO";
    case spdlog::level::warn:
      return "WARN";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRITICAL";
    default:
      return "INFO";
  }
}

bool key_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// Length of "key" when `s` starts with "key=", else 0.
size_t key_length(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && key_char(s[i], i == 0)) ++i;
  return (i > 0 && i < s.size() && s[i] == '=') ? i : 0;
}

bool is_integer(std::string_view v) {
  if (v.starts_with('-')) v.remove_prefix(1);
  if (v.empty() || v.size() > 18 || (v.size() > 1 && v[0] == '0')) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// ,"key":value for every "key=value" after the message's first ": ".
void append_fields(std::string& out, std::string_view message) {
  size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return;
  std::string_view rest = message.substr(colon + 2);
  if (key_length(rest) == 0) return;
  std::vector<std::string_view> seen;
  size_t start = 0;
  for (;;) {
    size_t klen = key_length(rest.substr(start));
    std::string_view key = rest.substr(start, klen);
    size_t value_start = start + klen + 1;
    size_t value_end = rest.size();
    size_t next = std::string_view::npos;
    // The value ends at the next " key=" or ", key=".
    for (size_t p = rest.find(' ', value_start); p != std::string_view::npos;
         p = rest.find(' ', p + 1)) {
      if (key_length(rest.substr(p + 1)) > 0) {
        value_end = (p > value_start && rest[p - 1] == ',') ? p - 1 : p;
        next = p + 1;
        break;
      }
    }
    std::string_view value = rest.substr(value_start, value_end - value_start);
    bool reserved = false;
    for (auto r : kReserved) reserved |= key == r;
    for (auto s : seen) reserved |= key == s;
    if (!reserved) {
      seen.push_back(key);
      out += ",\"";
      out += key;
      out += "\":";
      if (is_integer(value)) {
        out += value;
      } else {
        out += '"';
        append_json_escaped(out, value);
        out += '"';
      }
    }
    if (next == std::string_view::npos) break;
    start = next;
  }
}

// "level":...,"service":...,"message":...,fields — everything after the timestamp.
void append_json_body(std::string& out, spdlog::level::level_enum level, std::string_view message) {
  out += "\"level\":\"";
  out += level_name(level);
  out += "\",\"service\":\"";
  out += kService;
  out += "\",\"message\":\"";
  append_json_escaped(out, message);
  out += '"';
  append_fields(out, message);
}

class JsonBodyFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string body;
    append_json_body(body, msg.level, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(body.data(), body.data() + body.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonBodyFlag>();
  }
};

class LevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto name = level_name(msg.level);
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelFlag>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter(Format format) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == Format::kJson) {
    f->add_flag<JsonBodyFlag>('j').set_pattern(R"({"timestamp":"%Y-%m-%dT%H:%M:%S.%fZ",%j})");
  } else {
    f->add_flag<LevelFlag>('V').set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%V%$ %v");
  }
  return f;
}

// The sink init() installed; shutdown() stops it.
std::shared_ptr<DeferredSink>& deferred_sink() {
  static std::shared_ptr<DeferredSink> sink;
  return sink;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

std::optional<spdlog::level::level_enum> one_level(std::string_view word) {
  std::string w = lower(word);
  if (w == "trace") return spdlog::level::trace;
  if (w == "debug") return spdlog::level::debug;
  if (w == "info") return spdlog::level::info;
  if (w == "warn" || w == "warning") return spdlog::level::warn;
  if (w == "error") return spdlog::level::err;
  if (w == "off") return spdlog::level::off;
  return std::nullopt;
}

}  // namespace

std::string json_line(std::string_view timestamp, spdlog::level::level_enum level,
                      std::string_view message) {
  std::string out = "{\"timestamp\":\"";
  out += timestamp;
  out += "\",";
  append_json_body(out, level, message);
  out += '}';
  return out;
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view text) {
  std::optional<spdlog::level::level_enum> best;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view directive = text.substr(0, comma);
    if (auto eq = directive.rfind('='); eq != std::string_view::npos) {
      directive = directive.substr(eq + 1);
    }
    while (!directive.empty() && directive.front() == ' ') directive.remove_prefix(1);
    while (!directive.empty() && directive.back() == ' ') directive.remove_suffix(1);
    if (auto l = one_level(directive)) {
      // "off" only wins when nothing else is named.
      if (!best || *best == spdlog::level::off || (*l != spdlog::level::off && *l < *best))
        best = l;
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return best;
}

void init(Format format, std::string_view level) {
  auto parsed = parse_level(level);
  auto sink = std::make_shared<DeferredSink>(STDOUT_FILENO);
  sink->start();
  deferred_sink() = sink;
  auto logger = std::make_shared<spdlog::logger>("switchboard", std::move(sink));
  logger->set_formatter(make_formatter(format));
  logger->set_level(parsed.value_or(spdlog::level::info));
  spdlog::set_default_logger(std::move(logger));
  if (!parsed) {
    spdlog::warn(
        "unknown log level '{}': using info (levels: trace, debug, info, warn, error, off)", level);
  }
}

void shutdown() {
  // Writes what is pending and stops the writer; anything logged later (a late destructor)
  // goes out synchronously through the same sink.
  if (auto& sink = deferred_sink()) sink->stop();
}

size_t dropped_lines() {
  const auto& sink = deferred_sink();
  return sink ? sink->dropped() : 0;
}

}  // namespace sb::log
