#include "providers/openai/error_mapping.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sb::providers::openai {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// One line, at most kMaxProviderMessage bytes, never cut inside a UTF-8 sequence.
std::string clean_message(std::string_view s) {
  s = trim(s);
  std::string out;
  bool truncated = s.size() > kMaxProviderMessage;
  if (truncated) {
    size_t n = kMaxProviderMessage;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
  }
  out.reserve(s.size() + 3);
  for (char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (truncated) out += "...";
  return out;
}

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string().data(), v.get_string().size());
  if (v.is_null()) return {};
  return json::serialize(v);
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

void read_metadata(const json::object& src, UpstreamErrorInfo& info) {
  const json::value* meta = src.if_contains("metadata");
  if (meta == nullptr || !meta->is_object()) return;
  const json::object& m = meta->get_object();
  const json::value* reasons = m.if_contains("reasons");
  info.flagged = m.contains("flagged_input") ||
                 (reasons != nullptr && reasons->is_array() && !reasons->get_array().empty());
  // OpenRouter puts the underlying provider's own error in metadata.raw.
  const json::value* raw = m.if_contains("raw");
  if (raw != nullptr && !raw->is_null()) {
    const json::value* provider = m.if_contains("provider_name");
    std::string who = provider != nullptr && provider->is_string() ? text_of(*provider) : "";
    info.message += " (" + (who.empty() ? std::string() : who + ": ") + text_of(*raw) + ")";
  }
}

}  // namespace

std::optional<UpstreamErrorInfo> error_info_from_json(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const json::object& root = v.get_object();
  const json::object* src = nullptr;
  UpstreamErrorInfo info;
  const json::value* err = root.if_contains("error");
  if (err != nullptr && err->is_object()) {
    src = &err->get_object();
  } else if (err != nullptr && err->is_string()) {
    info.message = text_of(*err);  // Ollama: {"error":"model 'x' not found"}
    src = &root;
  } else if (root.contains("message") || root.contains("detail")) {
    src = &root;  // vLLM / Mistral {"object":"error","message":...}, FastAPI {"detail":...}
  } else {
    return std::nullopt;
  }
  if (info.message.empty()) {
    if (const json::value* m = src->if_contains("message")) info.message = text_of(*m);
  }
  if (info.message.empty()) {
    if (const json::value* d = src->if_contains("detail")) info.message = text_of(*d);
  }
  if (const json::value* t = src->if_contains("type"); t != nullptr && t->is_string()) {
    info.type = text_of(*t);
  }
  if (const json::value* c = src->if_contains("code"); c != nullptr && !c->is_null()) {
    if (c->is_int64() && c->get_int64() >= 100 && c->get_int64() <= 599) {
      info.numeric_code = static_cast<int>(c->get_int64());
    }
    info.code = text_of(*c);
  }
  read_metadata(*src, info);
  return info;
}

UpstreamErrorInfo parse_error_body(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value v = json::parse(body, ec, json::storage_ptr(), options);
  if (!ec) {
    if (auto info = error_info_from_json(v)) return std::move(*info);
  }
  UpstreamErrorInfo info;
  info.message = std::string(body.substr(0, kMaxProviderMessage * 2));
  return info;
}

Error classify_error(int status, const UpstreamErrorInfo& info) {
  std::string hay = info.code + " " + info.type + " " + info.message;
  std::transform(hay.begin(), hay.end(), hay.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool client_side = status == 0 || (status >= 200 && status < 300) ||
                     (status >= 400 && status < 500 && status != 408 && status != 429);
  ErrorCode code;
  if (client_side && (contains(hay, "context_length_exceeded") ||
                      contains(hay, "maximum context length") || contains(hay, "context window"))) {
    code = ErrorCode::kContextLengthExceeded;
  } else if (client_side && (info.flagged || contains(hay, "content_filter") ||
                             contains(hay, "content_policy_violation") ||
                             contains(hay, "content management policy"))) {
    code = ErrorCode::kContentFiltered;
  } else if (status == 429) {
    code = ErrorCode::kUpstreamRateLimited;
  } else if (status == 408) {
    code = ErrorCode::kUpstreamTimeout;
  } else if (status >= 400 && status < 500) {
    code = ErrorCode::kUpstreamClientError;
  } else {
    code = ErrorCode::kUpstreamServerError;  // 5xx, or an in-stream error without a status
  }
  std::string message = status >= 100 ? "upstream returned " + std::to_string(status)
                                      : std::string("upstream reported an error");
  std::string provider = clean_message(info.message);
  if (!provider.empty()) message += ": " + provider;
  Error e = make_error(code, std::move(message));
  e.status = status;
  return e;
}

std::optional<int> parse_retry_after(const HeaderList& headers,
                                     std::chrono::system_clock::time_point now) {
  auto clamp_ms = [](double ms) {
    return static_cast<int>(std::clamp(ms, 0.0, static_cast<double>(INT_MAX)));
  };
  auto number = [](std::string_view s) -> std::optional<double> {
    double d = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || ptr != s.data() + s.size() || !(d >= 0)) return std::nullopt;
    return d;
  };
  if (const std::string* ms = find_header(headers, "retry-after-ms")) {
    if (auto d = number(trim(*ms))) return clamp_ms(*d);
  }
  const std::string* ra = find_header(headers, "retry-after");
  if (ra == nullptr) return std::nullopt;
  std::string value(trim(*ra));
  if (auto d = number(value)) return clamp_ms(*d * 1000.0);
  struct tm tm {};  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  return clamp_ms(std::chrono::duration<double, std::milli>(at - now).count());
}

Error decode_error(int status, const HeaderList& headers, std::string_view body) {
  Error e = classify_error(status, parse_error_body(body));
  if (auto ms = parse_retry_after(headers, std::chrono::system_clock::now())) {
    e.retry_after_ms = *ms;
  }
  return e;
}

}  // namespace sb::providers::openai
