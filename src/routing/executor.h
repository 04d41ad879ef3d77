#pragma once

// Runs one inference over a Resolution's candidates: per candidate, resolve credentials, encode,
// send, decode; on failure move to the next candidate (DESIGN §6). Streams hold the first upstream
// event until it is known good, so fallback stays possible until the first byte reaches the client.

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "api/chat.h"
#include "common/error.h"
#include "routing/resolver.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace sb::routing {

struct ModelClock;
namespace detail {
struct Relay;  // executor_stream.cc: relays one stream's events across its attempts
enum class AttemptEnd { kComplete, kFailed, kClientGone };
}  // namespace detail

// Lets the client connection abort the inference (disconnect). Lives in the handler's frame.
class CancelSignal {
 public:
  void cancel() {
    cancelled_ = true;
    if (current_ != nullptr) current_->cancel();
  }
  bool cancelled() const { return cancelled_; }
  void attach(upstream::Transfer* t) { current_ = t; }

 private:
  bool cancelled_ = false;
  upstream::Transfer* current_ = nullptr;
};

struct Attempt {
  std::string id;        // UUIDv7 of this model inference
  std::string model;     // configured model key
  std::string provider;  // provider name within the model
  std::string provider_type;
  std::string upstream_model;  // provider-side model name
  int status = 0;              // upstream HTTP status, 0 when none
  ErrorCode code = ErrorCode::kOk;
  std::string error;  // empty on success
  std::chrono::microseconds latency{0};
  std::chrono::microseconds ttft{0};  // streaming: first upstream event
  std::optional<api::Usage> usage;
  std::string raw_request;   // the body sent (bounded; headers and credentials never kept)
  std::string raw_response;  // the body received (bounded)
};

// Bound for Attempt::raw_request / raw_response.
inline constexpr size_t kMaxRawBytes = 256 * 1024;

struct Answer {
  const Candidate* candidate = nullptr;  // who answered
  std::vector<Attempt> attempts;         // every attempt, failed ones included
  std::chrono::microseconds upstream_time{0};
};

// Where a stream goes. begin() is called once the first good event is in hand.
// begin() and send() may only queue; flush() puts what is queued on the wire (the executor calls
// it after each batch of upstream events, so one write carries many events). finish() and fail()
// flush themselves. A false return means the client is gone.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual boost::asio::awaitable<bool> begin(const Candidate& candidate) = 0;
  // Queues one event (written by the next flush); false once the client is gone.
  virtual bool send(const api::StreamChunk& chunk) = 0;
  virtual boost::asio::awaitable<bool> flush() = 0;
  virtual boost::asio::awaitable<void> finish() = 0;                  // clean end ([DONE])
  virtual boost::asio::awaitable<void> fail(const Error& error) = 0;  // before or after begin()
};

struct StreamOutcome {
  bool ok = false;
  bool client_gone = false;
  std::optional<Error> error;
  Answer answer;
  std::optional<api::Usage> usage;
  api::FinishReason finish_reason = api::FinishReason::kNone;
  std::chrono::microseconds ttft{0};
};

class Executor {
 public:
  Executor(const Runtime& runtime, upstream::Client& client) : runtime_(runtime), client_(client) {}

  // `answer` collects the attempts whether or not one succeeds.
  boost::asio::awaitable<std::expected<api::ChatResponse, Error>> chat(
      const api::ChatRequest& request, const Resolution& resolution, CancelSignal& cancel,
      Answer& answer);

  boost::asio::awaitable<StreamOutcome> chat_stream(const api::ChatRequest& request,
                                                    const Resolution& resolution, StreamSink& sink,
                                                    CancelSignal& cancel);

 private:
  boost::asio::awaitable<std::expected<api::ChatResponse, Error>> attempt_chat(
      const Candidate& c, const api::ChatRequest& request, CancelSignal& cancel, Answer& answer,
      upstream::Clock::time_point model_deadline);

  // One streaming attempt (executor_stream.cc).
  boost::asio::awaitable<detail::AttemptEnd> attempt_stream(
      const Candidate& c, const api::ChatRequest& request, detail::Relay& relay,
      CancelSignal& cancel, const ModelClock& model_clock, Error& error);

  const Runtime& runtime_;
  upstream::Client& client_;
};

// The error a caller sees after every candidate failed: the last error's code and status, with
// every attempt named in the message.
Error exhausted_error(const std::vector<Attempt>& attempts, const Error& last);

}  // namespace sb::routing
