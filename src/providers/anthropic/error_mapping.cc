#include "providers/anthropic/error_mapping.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>

#include "providers/openai/error_mapping.h"

namespace sb::providers::anthropic {

namespace {

bool is_context_overflow(const openai::UpstreamErrorInfo& info) {
  std::string m = info.message;
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return m.find("prompt is too long") != std::string::npos ||
         m.find("exceed context limit") != std::string::npos;
}

Error classify(int status, const openai::UpstreamErrorInfo& info) {
  Error e = openai::classify_error(status, info);
  bool client_side = status >= 400 && status < 500 && status != 408 && status != 429;
  if (client_side && is_context_overflow(info)) e.code = ErrorCode::kContextLengthExceeded;
  return e;
}

}  // namespace

int status_for_error_type(std::string_view type) {
  struct Row {
    std::string_view type;
    int status;
  };
  static constexpr Row kRows[] = {
      {"invalid_request_error", 400}, {"authentication_error", 401},
      {"billing_error", 402},         {"permission_error", 403},
      {"not_found_error", 404},       {"request_too_large", 413},
      {"rate_limit_error", 429},      {"api_error", 500},
      {"timeout_error", 504},         {"overloaded_error", 529},
  };
  for (const Row& r : kRows) {
    if (r.type == type) return r.status;
  }
  return 0;
}

Error decode_error(int status, const HeaderList& headers, std::string_view body) {
  Error e = classify(status, openai::parse_error_body(body));
  if (auto ms = openai::parse_retry_after(headers, std::chrono::system_clock::now())) {
    e.retry_after_ms = *ms;
  }
  return e;
}

Error in_band_error(const boost::json::value& event) {
  openai::UpstreamErrorInfo info;
  if (auto parsed = openai::error_info_from_json(event)) info = std::move(*parsed);
  int status = status_for_error_type(info.type);
  Error e = classify(status, info);
  // The message says what happened (an event, not an HTTP response); the code and status follow
  // the type.
  std::string what = info.type.empty() ? std::string("an error") : info.type;
  Error worded = openai::classify_error(0, info);
  std::string_view prefix = "upstream reported an error";
  e.message = "upstream reported " + what + worded.message.substr(prefix.size());
  return e;
}

}  // namespace sb::providers::anthropic
