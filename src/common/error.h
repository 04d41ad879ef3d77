#pragma once

#include <string>
#include <string_view>

namespace sb {

// Append-only: values are stable for logs and metrics. One place (to_http) maps them to HTTP.
enum class ErrorCode {
  kOk = 0,
  // Client input (4xx)
  kInvalidJson = 1,
  kInvalidRequest = 2,
  kBodyTooLarge = 3,
  kHeaderTooLarge = 4,
  kUnauthorized = 5,
  kModelNotFound = 6,
  kAmbiguousModel = 7,
  kRouteNotFound = 8,
  kMethodNotAllowed = 9,
  kRequestTimeout = 10,
  kFunctionNotSupported = 11,
  kMissingCredential = 12,  // a dynamic:: credential the request did not carry (400)
  // Gateway configuration (5xx)
  kCredentialUnavailable = 20,  // env/path credential not set on this machine (500)
  kConfigInvalid = 21,
  // Upstream (the provider)
  kUpstreamConnect = 30,       // could not connect / reset before headers
  kUpstreamTimeout = 31,       // no answer (or first token) in time
  kUpstreamRateLimited = 32,   // 429
  kUpstreamServerError = 33,   // 5xx
  kUpstreamClientError = 34,   // 4xx other than 429 (status kept in Error::status)
  kUpstreamBadResponse = 35,   // unparseable body or stream
  kUpstreamStreamBroken = 36,  // stream cut or stalled after it began
  kContextLengthExceeded = 37,
  kContentFiltered = 38,
  // Gateway state
  kShuttingDown = 50,
  kOverloaded = 51,
  kInternal = 52,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  int status = 0;           // upstream HTTP status when the error came from a provider
  std::string param;        // the request field at fault, when known
  int retry_after_ms = -1;  // from Retry-After / retry-after-ms, when the upstream sent one
};

inline Error make_error(ErrorCode code, std::string message, std::string param = {}) {
  return Error{.code = code, .message = std::move(message), .param = std::move(param)};
}

// What a client sees for an error: status, and the OpenAI-shaped body
// {"error":{"message":...,"type":...,"param":...,"code":...}}.
struct HttpError {
  int status;
  std::string body;
};

HttpError to_http(const Error& error);
std::string_view error_code_name(ErrorCode code);  // stable snake_case, e.g. "model_not_found"
std::string_view error_type(ErrorCode code);       // OpenAI "type", e.g. "invalid_request_error"
bool is_upstream(ErrorCode code);

}  // namespace sb
