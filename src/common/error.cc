#include "common/error.h"

#include <boost/json.hpp>

namespace sb {

namespace {

int status_for(const Error& e) {
  switch (e.code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidJson:
    case ErrorCode::kInvalidRequest:
    case ErrorCode::kAmbiguousModel:
    case ErrorCode::kFunctionNotSupported:
    case ErrorCode::kMissingCredential:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kModelNotFound:
    case ErrorCode::kRouteNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kRequestTimeout:
      return 408;
    case ErrorCode::kBodyTooLarge:
      return 413;
    case ErrorCode::kHeaderTooLarge:
      return 431;
    case ErrorCode::kCredentialUnavailable:
    case ErrorCode::kConfigInvalid:
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kUpstreamConnect:
    case ErrorCode::kUpstreamServerError:
    case ErrorCode::kUpstreamBadResponse:
    case ErrorCode::kUpstreamStreamBroken:
      return 502;
    case ErrorCode::kUpstreamTimeout:
      return 504;
    case ErrorCode::kUpstreamRateLimited:
      return 429;
    case ErrorCode::kUpstreamClientError:
      return (e.status >= 400 && e.status < 500) ? e.status : 502;
    case ErrorCode::kContextLengthExceeded:
    case ErrorCode::kContentFiltered:
      return 400;
    case ErrorCode::kShuttingDown:
    case ErrorCode::kOverloaded:
      return 503;
  }
  return 500;
}

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidJson:
      return "invalid_json";
    case ErrorCode::kInvalidRequest:
      return "invalid_request";
    case ErrorCode::kBodyTooLarge:
      return "request_too_large";
    case ErrorCode::kHeaderTooLarge:
      return "header_too_large";
    case ErrorCode::kUnauthorized:
      return "invalid_api_key";
    case ErrorCode::kModelNotFound:
      return "model_not_found";
    case ErrorCode::kAmbiguousModel:
      return "ambiguous_model";
    case ErrorCode::kRouteNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kRequestTimeout:
      return "request_timeout";
    case ErrorCode::kFunctionNotSupported:
      return "function_not_supported";
    case ErrorCode::kMissingCredential:
      return "missing_credential";
    case ErrorCode::kCredentialUnavailable:
      return "credential_unavailable";
    case ErrorCode::kConfigInvalid:
      return "config_invalid";
    case ErrorCode::kUpstreamConnect:
      return "upstream_connect_failed";
    case ErrorCode::kUpstreamTimeout:
      return "upstream_timeout";
    case ErrorCode::kUpstreamRateLimited:
      return "rate_limit_exceeded";
    case ErrorCode::kUpstreamServerError:
      return "upstream_server_error";
    case ErrorCode::kUpstreamClientError:
      return "upstream_client_error";
    case ErrorCode::kUpstreamBadResponse:
      return "upstream_bad_response";
    case ErrorCode::kUpstreamStreamBroken:
      return "upstream_stream_broken";
    case ErrorCode::kContextLengthExceeded:
      return "context_length_exceeded";
    case ErrorCode::kContentFiltered:
      return "content_filter";
    case ErrorCode::kShuttingDown:
      return "shutting_down";
    case ErrorCode::kOverloaded:
      return "overloaded";
    case ErrorCode::kInternal:
      return "internal_error";
  }
  return "internal_error";
}

std::string_view error_type(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnauthorized:
      return "authentication_error";
    case ErrorCode::kRouteNotFound:
    case ErrorCode::kModelNotFound:
      return "invalid_request_error";
    case ErrorCode::kUpstreamRateLimited:
      return "rate_limit_error";
    case ErrorCode::kRequestTimeout:
    case ErrorCode::kUpstreamTimeout:
      return "timeout_error";
    case ErrorCode::kCredentialUnavailable:
    case ErrorCode::kConfigInvalid:
    case ErrorCode::kInternal:
      return "server_error";
    case ErrorCode::kUpstreamConnect:
    case ErrorCode::kUpstreamServerError:
    case ErrorCode::kUpstreamBadResponse:
    case ErrorCode::kUpstreamStreamBroken:
    case ErrorCode::kUpstreamClientError:
      return "upstream_error";
    case ErrorCode::kShuttingDown:
    case ErrorCode::kOverloaded:
      return "service_unavailable";
    default:
      return "invalid_request_error";
  }
}

bool is_upstream(ErrorCode code) {
  int v = static_cast<int>(code);
  return v >= 30 && v < 50;
}

HttpError to_http(const Error& e) {
  boost::json::object inner;
  inner["message"] = e.message;
  inner["type"] = error_type(e.code);
  if (e.param.empty()) {
    inner["param"] = nullptr;
  } else {
    inner["param"] = e.param;
  }
  inner["code"] = error_code_name(e.code);
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return HttpError{.status = status_for(e), .body = boost::json::serialize(outer)};
}

}  // namespace sb
