// The streaming executor: hold the first upstream event until it is known good, then relay.
// Before the first byte reaches the client any failure moves on to the next candidate; after it,
// a failure ends the stream with an error event and no [DONE] (DESIGN §6).

#include <vector>

#include "routing/attempt.h"
#include "routing/executor.h"

namespace sb::routing {

namespace {

// State of one streaming attempt, from the first upstream byte to its end.
struct Relay {
  StreamSink& sink;
  StreamOutcome& outcome;
  Clock::time_point request_start;
  bool begun = false;
  bool client_gone = false;
  std::vector<api::StreamChunk> held;  // events before the first payload (role, early usage)

  boost::asio::awaitable<void> push(const Candidate& c, api::StreamChunk& chunk) {
    if (chunk.usage) outcome.usage = chunk.usage;
    if (chunk.finish_reason != api::FinishReason::kNone) outcome.finish_reason = chunk.finish_reason;
    if (!begun) {
      if (!chunk.has_payload()) {
        held.push_back(std::move(chunk));
        co_return;
      }
      begun = true;
      outcome.ttft = since(request_start);
      bool opened = co_await sink.begin(c);
      if (!opened) {
        client_gone = true;
        co_return;
      }
      for (auto& h : held) {
        bool sent = co_await sink.send(h);
        if (!sent) {
          client_gone = true;
          co_return;
        }
      }
      held.clear();
    }
    bool sent = co_await sink.send(chunk);
    if (!sent) client_gone = true;
  }
};

struct StreamLimits {
  Clock::time_point first;  // first event by (ttft)
  Clock::time_point total;  // whole stream by
  Millis idle;              // between events once begun
};

StreamLimits limits_for(const Runtime& runtime, const Candidate& c, Clock::time_point started,
                        const ModelClock& model_clock) {
  const auto& pt = c.provider->timeouts;
  const auto& mt = c.model->timeouts;
  auto total = started + pt.streaming_total.value_or(runtime.config->gateway.global_outbound_timeout);
  total = earliest(total, model_clock.deadline);
  auto ttft = pt.streaming_ttft ? started + *pt.streaming_ttft : total;
  if (mt.streaming_ttft) ttft = earliest(ttft, started + *mt.streaming_ttft);
  return StreamLimits{.first = earliest(ttft, total),
                      .total = total,
                      .idle = pt.streaming_idle.value_or(mt.streaming_idle.value_or(kDefaultIdle))};
}

}  // namespace

boost::asio::awaitable<StreamOutcome> Executor::chat_stream(const api::ChatRequest& request,
                                                           const Resolution& resolution,
                                                           StreamSink& sink, CancelSignal& cancel) {
  StreamOutcome outcome;
  Answer& answer = outcome.answer;
  Error last = make_error(ErrorCode::kInternal, "no candidate was tried");
  ModelClock model_clock;
  auto request_start = Clock::now();
  std::vector<api::StreamChunk> chunks;

  for (const auto& c : resolution.candidates) {
    if (cancel.cancelled()) break;
    model_clock.enter(c.model, c.model->timeouts.streaming_total);
    auto started = Clock::now();
    Attempt attempt = start_attempt(c);
    auto out = prepare(runtime_, c, request);
    if (!out) {
      last = out.error();
      fail_attempt(attempt, last, started);
      answer.attempts.push_back(std::move(attempt));
      if (last.code == ErrorCode::kMissingCredential) break;
      continue;
    }
    keep_raw(attempt.raw_request, out->body);
    auto limits = limits_for(runtime_, c, started, model_clock);
    const auto& codec = providers::codec_for(c.descriptor->family);
    auto transfer = client_.start(std::move(*out), transfer_options(runtime_));
    cancel.attach(transfer.get());

    auto head = co_await transfer->head(limits.first);
    if (!head || head->status < 200 || head->status >= 300) {
      if (head) {
        last = co_await read_error(*transfer, *head, codec, limits.first, &attempt.raw_response);
      } else {
        last = transfer_error(head.error(), false, transfer->error_detail());
      }
      cancel.attach(nullptr);
      answer.upstream_time += since(started);
      fail_attempt(attempt, last, started);
      answer.attempts.push_back(std::move(attempt));
      if (is_final(last)) break;
      continue;
    }
    attempt.status = head->status;

    auto decoder = codec.stream_decoder();
    Relay relay{.sink = sink, .outcome = outcome, .request_start = request_start};
    std::optional<Error> failure;
    bool ended = false;  // the body ended cleanly
    while (!decoder->finished() && !relay.client_gone) {
      auto deadline = relay.begun ? earliest(Clock::now() + limits.idle, limits.total) : limits.first;
      auto data = co_await transfer->read(deadline);
      if (!data) {
        failure = transfer_error(data.error(), relay.begun, transfer->error_detail());
        break;
      }
      if (!data->empty()) {
        if (attempt.ttft.count() == 0) attempt.ttft = since(started);
        keep_raw(attempt.raw_response, *data);
      }
      if (data->empty()) {
        ended = true;
        chunks.clear();
        auto tail = decoder->finish(chunks);
        for (auto& chunk : chunks) {
          if (relay.client_gone) break;
          co_await relay.push(c, chunk);
        }
        if (!tail) failure = tail.error();
        break;
      }
      chunks.clear();
      auto fed = decoder->feed(*data, chunks);
      for (auto& chunk : chunks) {
        if (relay.client_gone) break;
        co_await relay.push(c, chunk);
      }
      if (!fed) {
        failure = fed.error();
        break;
      }
    }
    cancel.attach(nullptr);
    answer.upstream_time += since(started);
    if (relay.client_gone || cancel.cancelled()) {
      outcome.client_gone = true;
      fail_attempt(attempt, make_error(ErrorCode::kRequestTimeout, "client went away"), started);
      answer.attempts.push_back(std::move(attempt));
      answer.candidate = &c;
      co_return outcome;
    }
    // A stream that reached its terminal event, or ended cleanly after a finish reason, is whole
    // (a missing [DONE] is finalised here).
    bool complete = decoder->finished() ||
                    (ended && outcome.finish_reason != api::FinishReason::kNone);
    if (complete && relay.begun) {
      attempt.latency = since(started);
      attempt.usage = outcome.usage;
      answer.attempts.push_back(std::move(attempt));
      answer.candidate = &c;
      outcome.ok = true;
      co_await sink.finish();
      co_return outcome;
    }
    if (!failure) {
      failure = make_error(ErrorCode::kUpstreamStreamBroken,
                           relay.begun ? "stream ended before the answer was complete"
                                       : "stream ended without any event");
    }
    last = *failure;
    fail_attempt(attempt, last, started);
    answer.attempts.push_back(std::move(attempt));
    if (relay.begun) {
      // Bytes already reached the client: end with an error event, never a truncated success.
      answer.candidate = &c;
      outcome.error = last;
      co_await sink.fail(last);
      co_return outcome;
    }
    if (is_final(last)) break;
  }
  if (cancel.cancelled()) {
    outcome.client_gone = true;
    co_return outcome;
  }
  outcome.error = exhausted_error(answer.attempts, last);
  co_await sink.fail(*outcome.error);
  co_return outcome;
}

}  // namespace sb::routing
