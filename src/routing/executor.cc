#include "routing/executor.h"

#include "routing/attempt.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace sb::routing {

Error exhausted_error(const std::vector<Attempt>& attempts, const Error& last) {
  Error e = last;
  if (attempts.size() <= 1) {
    if (!attempts.empty()) {
      e.message = attempts.front().provider + " (" + attempts.front().provider_type +
                  "): " + last.message;
    }
    return e;
  }
  std::string msg = "all " + std::to_string(attempts.size()) + " attempts failed: ";
  for (size_t i = 0; i < attempts.size(); ++i) {
    const auto& a = attempts[i];
    if (i) msg += "; ";
    msg += a.model + "/" + a.provider + " (" + a.provider_type + "): " + a.error;
  }
  e.message = std::move(msg);
  return e;
}

boost::asio::awaitable<std::expected<api::ChatResponse, Error>> Executor::chat(
    const api::ChatRequest& request, const Resolution& resolution, CancelSignal& cancel,
    Answer& answer) {
  Error last = make_error(ErrorCode::kInternal, "no candidate was tried");
  ModelClock model_clock;
  for (const auto& c : resolution.candidates) {
    if (cancel.cancelled()) break;
    model_clock.enter(c.model, c.model->timeouts.non_streaming_total);
    auto started = Clock::now();
    Attempt attempt = start_attempt(c);
    auto out = prepare(runtime_, c, request);
    if (!out) {
      last = out.error();
      fail_attempt(attempt, last, started);
      answer.attempts.push_back(std::move(attempt));
      if (last.code == ErrorCode::kMissingCredential) break;  // the caller's mistake
      continue;
    }
    keep_raw(attempt.raw_request, out->body);
    auto total = c.provider->timeouts.non_streaming_total.value_or(
        runtime_.config->gateway.global_outbound_timeout);
    auto deadline = earliest(started + total, model_clock.deadline);
    auto transfer = client_.start(std::move(*out), transfer_options(runtime_));
    cancel.attach(transfer.get());
    auto head = co_await transfer->head(deadline);
    std::expected<std::string, upstream::TransferError> body =
        std::unexpected(upstream::TransferError::kCancelled);
    if (head && head->status >= 200 && head->status < 300) body = co_await transfer->read_all(deadline);
    cancel.attach(nullptr);
    answer.upstream_time += since(started);

    if (!head) {
      last = transfer_error(head.error(), false, transfer->error_detail());
    } else if (head->status < 200 || head->status >= 300) {
      last = co_await read_error(*transfer, *head, providers::codec_for(c.descriptor->family),
                                 deadline, &attempt.raw_response);
    } else if (!body) {
      last = transfer_error(body.error(), false, transfer->error_detail());
    } else {
      keep_raw(attempt.raw_response, *body);
      auto decoded = providers::codec_for(c.descriptor->family).decode_chat(*body);
      if (decoded) {
        attempt.status = head->status;
        attempt.latency = since(started);
        attempt.usage = decoded->usage;
        answer.attempts.push_back(std::move(attempt));
        answer.candidate = &c;
        if (decoded->model.empty()) decoded->model = c.provider->model_name;
        co_return std::move(*decoded);
      }
      last = decoded.error();
      last.status = head->status;
    }
    fail_attempt(attempt, last, started);
    answer.attempts.push_back(std::move(attempt));
    if (cancel.cancelled() || is_final(last)) break;
  }
  if (cancel.cancelled()) {
    co_return std::unexpected(make_error(ErrorCode::kRequestTimeout, "client closed the request"));
  }
  co_return std::unexpected(exhausted_error(answer.attempts, last));
}

}  // namespace sb::routing
