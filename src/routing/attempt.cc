#include "routing/attempt.h"

#include <algorithm>

#include "common/ids.h"
#include "providers/provider.h"

namespace sb::routing {

namespace {

Error transfer_error_base(upstream::TransferError e, bool streaming_started) {
  using upstream::TransferError;
  switch (e) {
    case TransferError::kConnect:
      return make_error(ErrorCode::kUpstreamConnect,
                        "could not connect (or the connection was reset before any response)");
    case TransferError::kTimeout:
      return make_error(ErrorCode::kUpstreamTimeout, streaming_started
                                                         ? "stream stalled past the idle timeout"
                                                         : "no response before the timeout");
    case TransferError::kReset:
      return make_error(ErrorCode::kUpstreamStreamBroken, "connection broke mid-response");
    case TransferError::kCancelled:
      return make_error(ErrorCode::kRequestTimeout, "request cancelled: the client went away");
    case TransferError::kProtocol:
      return make_error(ErrorCode::kUpstreamBadResponse, "malformed HTTP response");
    case TransferError::kTooLarge:
      return make_error(ErrorCode::kUpstreamBadResponse, "response too large");
  }
  return make_error(ErrorCode::kInternal, "unknown transfer error");
}

}  // namespace

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

Error transfer_error(upstream::TransferError e, bool streaming_started, std::string_view detail) {
  Error error = transfer_error_base(e, streaming_started);
  if (!detail.empty()) error.message += " (" + std::string(detail) + ")";
  return error;
}

Attempt start_attempt(const Candidate& c) {
  return Attempt{.id = ids::uuid_v7(),
                 .model = c.model->name,
                 .provider = c.provider->name,
                 .provider_type = c.provider->type,
                 .upstream_model = c.provider->model_name};
}

void keep_raw(std::string& out, std::string_view bytes) {
  if (out.size() >= kMaxRawBytes) return;
  out.append(bytes.substr(0, kMaxRawBytes - out.size()));
}

void fail_attempt(Attempt& a, const Error& e, Clock::time_point started) {
  a.code = e.code;
  a.status = e.status;
  a.error = e.message;
  a.latency = since(started);
}

std::expected<providers::Target, Error> make_target(const Runtime& runtime, const Candidate& c,
                                                    const boost::json::object& credentials) {
  const auto& d = *c.descriptor;
  std::string default_env(d.default_key_env);
  auto loc = c.provider->api_key;
  std::string key;
  if (loc.kind == config::CredentialLocation::Kind::kDefault && d.key_optional) {
    key = runtime.credentials.lookup(default_env).value_or("");
  } else if (loc.kind == config::CredentialLocation::Kind::kDefault && default_env.empty()) {
    key = "";
  } else {
    auto resolved = runtime.credentials.resolve(loc, default_env, credentials);
    if (!resolved) return std::unexpected(resolved.error());
    key = std::move(*resolved);
  }
  std::string base =
      c.provider->api_base.empty() ? std::string(d.default_base_url) : c.provider->api_base;
  const std::string& endpoint = c.provider->endpoint;
  if (d.family == providers::Family::kAzure && !endpoint.empty()) {
    base = endpoint;
    if (endpoint.find("::") != std::string::npos) {  // env::VAR, dynamic::NAME, ...
      auto where = config::parse_credential_location(endpoint);
      if (!where) {
        return std::unexpected(
            make_error(ErrorCode::kConfigInvalid,
                       "provider '" + c.provider->name + "' endpoint: " + where.error()));
      }
      auto resolved = runtime.credentials.resolve(*where, "", credentials);
      if (!resolved) return std::unexpected(resolved.error());
      base = std::move(*resolved);
    }
  }
  return providers::Target{
      .provider = c.provider, .base_url = std::move(base), .api_key = std::move(key)};
}

std::expected<OutboundRequest, Error> prepare(const Runtime& runtime, const Candidate& c,
                                              const api::ChatRequest& request) {
  auto target = make_target(runtime, c, request.credentials);
  if (!target) return std::unexpected(std::move(target.error()));
  return providers::codec_for(c.descriptor->family).encode_chat(request, *target);
}

upstream::Options transfer_options(const Runtime& runtime) {
  const auto& g = runtime.config->gateway;
  return upstream::Options{.connect_timeout = g.connect_timeout,
                           .total_timeout = g.global_outbound_timeout};
}

namespace {

// An error response's body (bounded; a failed read counts as empty), mapped by the codec.
Error error_from_body(const upstream::ResponseHead& head,
                      const std::expected<std::string, upstream::TransferError>& body,
                      const providers::Codec& codec, std::string* raw) {
  std::string_view text = body ? std::string_view(*body) : std::string_view();
  if (text.size() > kMaxErrorBody) text = text.substr(0, kMaxErrorBody);
  if (raw != nullptr) keep_raw(*raw, text);
  return codec.decode_error(head.status, head.headers, text);
}

}  // namespace

// Reads an error response body (bounded) and lets the codec map it.
boost::asio::awaitable<Error> read_error(upstream::Transfer& t, const upstream::ResponseHead& head,
                                         const providers::Codec& codec, Clock::time_point deadline,
                                         std::string* raw) {
  auto body = co_await t.read_all(deadline);
  co_return error_from_body(head, body, codec, raw);
}

boost::asio::awaitable<std::expected<std::string, Error>> exchange_once(
    const Runtime& runtime, upstream::Client& client, const Candidate& c, OutboundRequest out,
    CancelSignal& cancel, Attempt& attempt, Answer& answer, Clock::time_point model_deadline) {
  auto started = Clock::now();
  if (runtime.keep_raw_bodies) keep_raw(attempt.raw_request, out.body);
  auto total = c.provider->timeouts.non_streaming_total.value_or(
      runtime.config->gateway.global_outbound_timeout);
  auto deadline = earliest(started + total, model_deadline);
  const auto& codec = providers::codec_for(c.descriptor->family);
  // Taken whole (complete()): the native client then runs the exchange inside this wait.
  upstream::Options options = transfer_options(runtime);
  options.deferred = true;
  auto transfer = client.start(std::move(out), options);
  cancel.attach(transfer.get());
  std::expected<std::string, Error> result = std::unexpected(Error{});
  upstream::Completed done = co_await transfer->complete(deadline);
  if (!done.head) {
    result = std::unexpected(transfer_error(done.head.error(), false, transfer->error_detail()));
  } else if (done.head->status < 200 || done.head->status >= 300) {
    std::string* raw = runtime.keep_raw_bodies ? &attempt.raw_response : nullptr;
    result = std::unexpected(error_from_body(*done.head, done.body, codec, raw));
  } else {
    attempt.status = done.head->status;
    if (done.body) {
      if (runtime.keep_raw_bodies) keep_raw(attempt.raw_response, *done.body);
      result = std::move(*done.body);
    } else {
      result = std::unexpected(transfer_error(done.body.error(), false, transfer->error_detail()));
    }
  }
  cancel.attach(nullptr);
  answer.upstream_time += since(started);
  co_return result;
}

}  // namespace sb::routing
