#include "routing/executor.h"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "routing/attempt.h"
#include "routing/candidate_walk.h"
#include "routing/retry.h"

namespace sb::routing {

Error exhausted_error(const std::vector<Attempt>& attempts, const Error& last) {
  Error e = last;
  if (attempts.size() <= 1) {
    if (!attempts.empty()) {
      e.message =
          attempts.front().provider + " (" + attempts.front().provider_type + "): " + last.message;
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

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

// One non-streaming attempt; records it in `answer`.
boost::asio::awaitable<std::expected<api::ChatResponse, Error>> Executor::attempt_chat(
    const Candidate& c, const api::ChatRequest& request, CancelSignal& cancel, Answer& answer,
    Clock::time_point model_deadline) {
  auto started = Clock::now();
  Attempt attempt = start_attempt(c);
  auto out = prepare(runtime_, c, request);
  Error error;
  if (!out) {
    error = out.error();
  } else {
    auto body = co_await exchange_once(runtime_, client_, c, std::move(*out), cancel, attempt,
                                       answer, model_deadline);
    if (!body) {
      error = body.error();
    } else {
      auto decoded = providers::codec_for(c.descriptor->family).decode_chat(*body);
      if (decoded) {
        attempt.latency = since(started);
        attempt.usage = decoded->usage;
        answer.attempts.push_back(std::move(attempt));
        answer.candidate = &c;
        if (decoded->model.empty()) decoded->model = c.provider->model_name;
        co_return std::move(*decoded);
      }
      error = decoded.error();
      error.status = attempt.status;
    }
  }
  fail_attempt(attempt, error, started);
  answer.attempts.push_back(std::move(attempt));
  co_return std::unexpected(error);
}

boost::asio::awaitable<std::expected<api::ChatResponse, Error>> Executor::chat(
    const api::ChatRequest& request, const Resolution& resolution, CancelSignal& cancel,
    Answer& answer) {
  Error last = make_error(ErrorCode::kInternal, "no candidate was tried");
  ModelClock model_clock;
  CandidateWalk walk(resolution, *runtime_.breakers);
  while (const Candidate* c = walk.next()) {
    if (cancel.cancelled()) {
      walk.report(nullptr);
      break;
    }
    model_clock.enter(c->model, c->model->timeouts.non_streaming_total);
    auto policy = retries_for(*c->provider, *c->model);
    for (int retry = 0;; ++retry) {
      auto result = co_await attempt_chat(*c, request, cancel, answer, model_clock.deadline);
      if (result) {
        walk.report(nullptr);
        co_return result;
      }
      last = result.error();
      if (cancel.cancelled() || !retry_same_provider(last) || retry >= policy.num_retries) break;
      auto delay = retry_delay(retry, policy, last, model_clock.remaining());
      if (!delay) break;  // Retry-After beyond the budget: fail over now
      spdlog::warn(
          "retrying request to provider: model={}, provider={}, retry={}, delay_ms={}, "
          "error={}",
          c->model->name, c->provider->name, retry + 1, delay->count(), last.message);
      co_await sleep_for(*delay);
    }
    walk.report(&last);
    if (cancel.cancelled() || is_final(last) || last.code == ErrorCode::kMissingCredential) break;
  }
  if (cancel.cancelled()) {
    co_return std::unexpected(make_error(ErrorCode::kRequestTimeout, "client closed the request"));
  }
  co_return std::unexpected(exhausted_error(answer.attempts, last));
}

}  // namespace sb::routing
