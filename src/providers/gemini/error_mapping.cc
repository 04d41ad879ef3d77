#include "providers/gemini/error_mapping.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <climits>
#include <string>

#include <boost/json/parse.hpp>

#include "providers/gemini/json_fields.h"
#include "providers/openai/error_mapping.h"

namespace sb::providers::gemini {

namespace json = boost::json;

namespace {

// Gemini's error object, unwrapped from the array form.
const json::object* error_object(const json::value& v) {
  const json::value* root = &v;
  if (v.is_array() && !v.get_array().empty()) root = &v.get_array()[0];
  return root->is_object() ? object(&root->get_object(), "error") : nullptr;
}

openai::UpstreamErrorInfo error_info(const json::object& error) {
  openai::UpstreamErrorInfo info;
  info.message = str(&error, "message");
  info.type = str(&error, "status");  // RESOURCE_EXHAUSTED, INVALID_ARGUMENT, ...
  int64_t code = integer(&error, "code");
  if (code >= 100 && code <= 599) {
    info.numeric_code = static_cast<int>(code);
    info.code = std::to_string(code);
  }
  return info;
}

bool is_context_overflow(const openai::UpstreamErrorInfo& info) {
  std::string m = info.message;
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return m.find("exceeds the maximum number of tokens") != std::string::npos;
}

Error classify(int status, const openai::UpstreamErrorInfo& info) {
  Error e = openai::classify_error(status, info);
  bool client_side =
      status == 0 || (status >= 400 && status < 500 && status != 408 && status != 429);
  if (client_side && is_context_overflow(info)) e.code = ErrorCode::kContextLengthExceeded;
  return e;
}

}  // namespace

std::optional<int> retry_delay_ms(const json::object& error) {
  const json::array* details = array(&error, "details");
  if (details == nullptr) return std::nullopt;
  for (const json::value& d : *details) {
    const json::object* o = d.if_object();
    if (o == nullptr || !str(o, "@type").ends_with("google.rpc.RetryInfo")) continue;
    std::string_view delay = str(o, "retryDelay");  // a protobuf Duration: "37s", "1.5s"
    if (!delay.ends_with('s')) return std::nullopt;
    delay.remove_suffix(1);
    double seconds = 0;
    auto [ptr, ec] = std::from_chars(delay.data(), delay.data() + delay.size(), seconds);
    if (ec != std::errc() || ptr != delay.data() + delay.size() || !(seconds >= 0)) {
      return std::nullopt;
    }
    return static_cast<int>(std::min(seconds * 1000.0, static_cast<double>(INT_MAX)));
  }
  return std::nullopt;
}

Error decode_error(int status, const HeaderList& headers, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::object* error = ec ? nullptr : error_object(v);
  // Not Gemini's shape: the OpenAI-family reader keeps whatever message there is.
  openai::UpstreamErrorInfo info =
      error != nullptr ? error_info(*error) : openai::parse_error_body(body);
  Error e = classify(status, info);
  if (auto ms = openai::parse_retry_after(headers, std::chrono::system_clock::now())) {
    e.retry_after_ms = *ms;
  } else if (error != nullptr) {
    if (auto delay = retry_delay_ms(*error)) e.retry_after_ms = *delay;
  }
  return e;
}

Error in_band_error(const json::value& body) {
  const json::object* error = error_object(body);
  openai::UpstreamErrorInfo info =
      error != nullptr ? error_info(*error) : openai::UpstreamErrorInfo{};
  int status = info.numeric_code.value_or(0);
  Error e = classify(status, info);
  e.message = openai::classify_error(0, info).message;  // an event, not an HTTP response
  if (error != nullptr) {
    if (auto delay = retry_delay_ms(*error)) e.retry_after_ms = *delay;
  }
  return e;
}

}  // namespace sb::providers::gemini
