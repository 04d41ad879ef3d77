#include "common/log.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include <spdlog/formatter.h>

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

// The process's line format, written directly: a pattern formatter walks its flags for every
// line; this writes the cached "YYYY-MM-DDTHH:MM:SS" of the current second, the microseconds,
// the level and the message. Used under the sink's lock, so the cache needs none of its own.
//   pretty: 2026-01-01T00:00:00.000000Z INFO message
//   json:   {"timestamp":"2026-01-01T00:00:00.000000Z","level":"INFO",...}
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(Format format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    char stamp[32];
    size_t n = timestamp(msg.time, stamp);
    std::string_view message(msg.payload.data(), msg.payload.size());
    if (format_ == Format::kJson) {
      line_.assign("{\"timestamp\":\"");
      line_.append(stamp, n);
      line_ += "\",";
      append_json_body(line_, msg.level, message);
      line_ += "}\n";
      dest.append(line_.data(), line_.data() + line_.size());
      return;
    }
    dest.append(stamp, stamp + n);
    dest.push_back(' ');
    auto level = level_name(msg.level);
    dest.append(level.data(), level.data() + level.size());
    dest.push_back(' ');
    dest.append(message.data(), message.data() + message.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  // "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC) into `out`; returns its length.
  size_t timestamp(spdlog::log_clock::time_point t, char* out) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    auto seconds = static_cast<std::time_t>(us / 1000000);
    if (seconds != cached_second_) {
      std::tm tm{};
      gmtime_r(&seconds, &tm);
      std::strftime(cached_, sizeof cached_, "%Y-%m-%dT%H:%M:%S", &tm);
      cached_second_ = seconds;
    }
    std::memcpy(out, cached_, 19);
    out[19] = '.';
    auto fraction = static_cast<unsigned>(us % 1000000);
    for (int i = 25; i >= 20; --i) {
      out[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    out[26] = 'Z';
    return 27;
  }

  Format format_;
  std::string line_;  // a JSON line being built (kept: no allocation per line)
  std::time_t cached_second_ = -1;
  char cached_[20] = {};
};

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

std::unique_ptr<spdlog::formatter> make_formatter(Format format) {
  return std::make_unique<LineFormatter>(format);
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
