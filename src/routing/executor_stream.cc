// The streaming executor: hold the first upstream event until it is known good, then relay.
// Before the first byte reaches the client any failure is retried or moves on to the next
// candidate. After it, the answer is continued from the text already sent on a target that
// accepts assistant prefill; failing that, the stream ends with an error event and no [DONE]
// (DESIGN §6) — never a truncated answer presented as success.

#include <memory>
#include <vector>

#include <spdlog/spdlog.h>

#include "routing/attempt.h"
#include "routing/candidate_walk.h"
#include "routing/executor.h"
#include "routing/retry.h"

namespace sb::routing {

namespace detail {

// Relays decoded events to the sink across attempts, and remembers what the client has seen.
struct Relay {
  StreamSink& sink;
  StreamOutcome& outcome;
  Clock::time_point request_start;
  bool begun = false;  // the client has the stream's headers and first event
  bool client_gone = false;
  bool continuing = false;  // the current attempt continues an answer already begun
  std::string sent_text;    // answer text the client has received
  bool sent_other = false;  // reasoning or tool calls were sent (not continuable as prefill)
  std::vector<api::StreamChunk> held;  // events before the first payload (role, early usage)

  // Takes one decoded event without waiting, unless it is the first with a payload: then it
  // returns false and the caller awaits open(), which sends the stream's head first.
  bool push(api::StreamChunk& chunk) {
    if (chunk.usage) outcome.usage = chunk.usage;
    if (chunk.finish_reason != api::FinishReason::kNone)
      outcome.finish_reason = chunk.finish_reason;
    if (continuing) chunk.role = false;
    if (begun) {
      deliver(chunk);
      return true;
    }
    if (chunk.has_payload()) return false;
    held.push_back(std::move(chunk));
    return true;
  }

  boost::asio::awaitable<void> open(const Candidate& c, api::StreamChunk& first) {
    begun = true;
    outcome.ttft = since(request_start);
    bool opened = co_await sink.begin(c);
    if (!opened) {
      client_gone = true;
      co_return;
    }
    for (auto& h : held) {
      if (!sink.send(h)) {
        client_gone = true;
        co_return;
      }
    }
    held.clear();
    deliver(first);
  }

  void deliver(const api::StreamChunk& chunk) {
    sent_text += chunk.text;
    if (!chunk.reasoning.empty() || !chunk.tool_calls.empty()) sent_other = true;
    if (!sink.send(chunk)) client_gone = true;
  }

  // After a batch of events: one write for all of them.
  boost::asio::awaitable<void> flush() {
    if (!begun || client_gone) co_return;
    bool sent = co_await sink.flush();
    if (!sent) client_gone = true;
  }
};

}  // namespace detail

namespace {

using detail::AttemptEnd;
using detail::Relay;

struct StreamLimits {
  Clock::time_point first;  // first event by (ttft)
  Clock::time_point total;  // whole stream by
  Millis idle;              // between events once begun
};

StreamLimits limits_for(const Runtime& runtime, const Candidate& c, Clock::time_point started,
                        const ModelClock& model_clock) {
  const auto& pt = c.provider->timeouts;
  const auto& mt = c.model->timeouts;
  auto total =
      started + pt.streaming_total.value_or(runtime.config->gateway.global_outbound_timeout);
  total = earliest(total, model_clock.deadline);
  auto ttft = pt.streaming_ttft ? started + *pt.streaming_ttft : total;
  if (mt.streaming_ttft) ttft = earliest(ttft, started + *mt.streaming_ttft);
  return StreamLimits{.first = earliest(ttft, total),
                      .total = total,
                      .idle = pt.streaming_idle.value_or(mt.streaming_idle.value_or(kDefaultIdle))};
}

bool accepts_prefill(const Candidate& c) {
  return c.provider->allow_prefill || c.descriptor->family == providers::Family::kAnthropic;
}

// The request that continues an interrupted answer: the original plus the text already sent as
// an assistant prefill.
api::ChatRequest continuation(const api::ChatRequest& request, const std::string& sent) {
  api::ChatRequest next = request;
  api::Message prefill;
  prefill.role = api::Role::kAssistant;
  prefill.content_is_text = true;
  prefill.text = sent;
  next.messages.push_back(std::move(prefill));
  return next;
}

}  // namespace

// One streaming attempt on one candidate; records it in the outcome's answer.
boost::asio::awaitable<AttemptEnd> Executor::attempt_stream(const Candidate& c,
                                                            const api::ChatRequest& request,
                                                            Relay& relay, CancelSignal& cancel,
                                                            const ModelClock& model_clock,
                                                            Error& error) {
  Answer& answer = relay.outcome.answer;
  auto started = Clock::now();
  Attempt attempt = start_attempt(c);
  auto out = prepare(runtime_, c, request);
  if (!out) {
    error = out.error();
    fail_attempt(attempt, error, started);
    answer.attempts.push_back(std::move(attempt));
    co_return AttemptEnd::kFailed;
  }
  const bool keep_bodies = runtime_.keep_raw_bodies;
  if (keep_bodies) keep_raw(attempt.raw_request, out->body);
  auto limits = limits_for(runtime_, c, started, model_clock);
  const auto& codec = providers::codec_for(c.descriptor->family);
  auto transfer = client_.start(std::move(*out), transfer_options(runtime_));
  cancel.attach(transfer.get());

  auto head = co_await transfer->head(limits.first);
  if (!head || head->status < 200 || head->status >= 300) {
    if (head) {
      std::string* raw = keep_bodies ? &attempt.raw_response : nullptr;
      error = co_await read_error(*transfer, *head, codec, limits.first, raw);
    } else {
      error = transfer_error(head.error(), false, transfer->error_detail());
    }
    cancel.attach(nullptr);
    answer.upstream_time += since(started);
    fail_attempt(attempt, error, started);
    answer.attempts.push_back(std::move(attempt));
    co_return cancel.cancelled() ? AttemptEnd::kClientGone : AttemptEnd::kFailed;
  }
  attempt.status = head->status;

  auto decoder = codec.stream_decoder();
  std::vector<api::StreamChunk> chunks;
  std::optional<Error> failure;
  bool ended = false;     // the body ended cleanly
  bool produced = false;  // this attempt relayed a payload
  auto finish_reason_before = relay.outcome.finish_reason;
  relay.outcome.finish_reason = api::FinishReason::kNone;
  while (!decoder->finished() && !relay.client_gone) {
    auto deadline =
        produced || relay.begun ? earliest(Clock::now() + limits.idle, limits.total) : limits.first;
    if (!produced) deadline = earliest(deadline, limits.first);
    auto data = co_await transfer->read(deadline);
    if (!data) {
      failure = transfer_error(data.error(), relay.begun, transfer->error_detail());
      break;
    }
    if (!data->empty()) {
      if (attempt.ttft.count() == 0) attempt.ttft = since(started);
      if (keep_bodies) keep_raw(attempt.raw_response, *data);
    }
    chunks.clear();
    auto fed = data->empty() ? decoder->finish(chunks) : decoder->feed(*data, chunks);
    for (auto& chunk : chunks) {
      if (relay.client_gone) break;
      if (chunk.has_payload()) produced = true;
      if (!relay.push(chunk)) co_await relay.open(c, chunk);
    }
    co_await relay.flush();
    if (!fed) {
      failure = fed.error();
      break;
    }
    if (data->empty()) {
      ended = true;
      break;
    }
  }
  cancel.attach(nullptr);
  answer.upstream_time += since(started);
  if (relay.client_gone || cancel.cancelled()) {
    relay.client_gone = true;
    fail_attempt(attempt, make_error(ErrorCode::kRequestTimeout, "client went away"), started);
    answer.attempts.push_back(std::move(attempt));
    answer.candidate = &c;
    co_return AttemptEnd::kClientGone;
  }
  // Whole: the terminal event arrived, or the body ended cleanly after a finish reason (a
  // missing [DONE] is finalised here).
  bool complete =
      decoder->finished() || (ended && relay.outcome.finish_reason != api::FinishReason::kNone);
  if (complete && relay.begun) {
    attempt.latency = since(started);
    attempt.usage = relay.outcome.usage;
    answer.attempts.push_back(std::move(attempt));
    answer.candidate = &c;
    co_return AttemptEnd::kComplete;
  }
  if (relay.outcome.finish_reason == api::FinishReason::kNone) {
    relay.outcome.finish_reason = finish_reason_before;
  }
  if (!failure) {
    failure = make_error(ErrorCode::kUpstreamStreamBroken,
                         relay.begun ? "stream ended before the answer was complete"
                                     : "stream ended without any event");
  }
  error = *failure;
  fail_attempt(attempt, error, started);
  answer.attempts.push_back(std::move(attempt));
  co_return AttemptEnd::kFailed;
}

boost::asio::awaitable<StreamOutcome> Executor::chat_stream(const api::ChatRequest& request,
                                                            const Resolution& resolution,
                                                            StreamSink& sink,
                                                            CancelSignal& cancel) {
  StreamOutcome outcome;
  Relay relay{.sink = sink, .outcome = outcome, .request_start = Clock::now()};
  Error last = make_error(ErrorCode::kInternal, "no candidate was tried");
  std::optional<Error> broken;  // the failure that interrupted an answer already begun
  ModelClock model_clock;
  CandidateWalk walk(resolution, *runtime_.breakers);

  while (const Candidate* c = walk.next()) {
    if (cancel.cancelled()) {
      walk.report(nullptr);
      break;
    }
    if (broken && (!accepts_prefill(*c) || relay.sent_other)) {
      walk.report(nullptr);
      continue;  // cannot continue the answer here
    }
    model_clock.enter(c->model, c->model->timeouts.streaming_total);
    auto policy = retries_for(*c->provider, *c->model);
    AttemptEnd end = AttemptEnd::kFailed;
    for (int retry = 0;; ++retry) {
      relay.continuing = broken.has_value();
      // On the heap: this frame lives as long as the stream, and is rarely a continuation.
      std::unique_ptr<api::ChatRequest> continued;
      if (broken) {
        continued = std::make_unique<api::ChatRequest>(continuation(request, relay.sent_text));
      }
      const api::ChatRequest& req = continued ? *continued : request;
      Error error;
      bool begun_before = relay.begun;
      end = co_await attempt_stream(*c, req, relay, cancel, model_clock, error);
      if (end != AttemptEnd::kFailed) break;
      last = error;
      if (relay.begun && !begun_before && !broken) {
        broken = error;  // this attempt's answer was cut after reaching the client
        spdlog::warn("stream interrupted after content was sent: model={}, provider={}, error={}",
                     c->model->name, c->provider->name, error.message);
      }
      bool may_retry = broken ? accepts_prefill(*c) && !relay.sent_other : !relay.begun;
      bool transient = retry_same_provider(error) || (broken && is_provider_failure(error));
      if (cancel.cancelled() || !may_retry || !transient || retry >= policy.num_retries) break;
      auto delay = retry_delay(retry, policy, error, model_clock.remaining());
      if (!delay) break;
      spdlog::warn(
          "retrying request to provider: model={}, provider={}, retry={}, delay_ms={}, "
          "error={}",
          c->model->name, c->provider->name, retry + 1, delay->count(), error.message);
      co_await sleep_for(*delay);
    }
    walk.report(end == AttemptEnd::kFailed ? &last : nullptr);
    if (end == AttemptEnd::kClientGone) {
      outcome.client_gone = true;
      co_return outcome;
    }
    if (end == AttemptEnd::kComplete) {
      outcome.ok = true;
      co_await sink.finish();
      co_return outcome;
    }
    if (!broken && (is_final(last) || last.code == ErrorCode::kMissingCredential)) break;
  }
  if (cancel.cancelled()) {
    outcome.client_gone = true;
    co_return outcome;
  }
  // Begun and not continued anywhere: the caller sees the original interruption.
  outcome.error = broken ? *broken : exhausted_error(outcome.answer.attempts, last);
  co_await sink.fail(*outcome.error);
  co_return outcome;
}

}  // namespace sb::routing
