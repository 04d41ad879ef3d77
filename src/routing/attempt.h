#pragma once

// Pieces of one upstream attempt shared by the non-streaming and streaming executors.

#include <algorithm>
#include <chrono>
#include <expected>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "common/error.h"
#include "common/http_message.h"
#include "providers/provider.h"
#include "routing/executor.h"
#include "routing/resolver.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace sb::routing {

using Clock = upstream::Clock;
using config::Millis;

inline constexpr Millis kDefaultIdle{30000};
inline constexpr size_t kMaxErrorBody = 64 * 1024;

std::chrono::microseconds since(Clock::time_point start);
inline Clock::time_point earliest(Clock::time_point a, Clock::time_point b) {
  return std::min(a, b);
}

// Maps a transport failure to the error a caller would see.
Error transfer_error(upstream::TransferError e, bool streaming_started,
                     std::string_view detail = {});

// A failure that ends the whole inference instead of moving on (content policy: never laundered
// through another provider).
inline bool is_final(const Error& e) {
  return e.code == ErrorCode::kContentFiltered;
}

// Per-model deadlines cover all attempts of that model (TensorZero's model-level timeouts).
struct ModelClock {
  const config::ModelConfig* model = nullptr;
  Clock::time_point deadline = Clock::time_point::max();

  void enter(const config::ModelConfig* m, std::optional<Millis> total) {
    if (m == model) return;
    model = m;
    deadline = total ? Clock::now() + *total : Clock::time_point::max();
  }
  // Time left before the model's deadline (an hour when it has none).
  std::chrono::milliseconds remaining() const {
    if (deadline == Clock::time_point::max()) return std::chrono::hours(1);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
};

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);

Attempt start_attempt(const Candidate& c);
// Appends to a raw body record, up to kMaxRawBytes.
void keep_raw(std::string& out, std::string_view bytes);
void fail_attempt(Attempt& a, const Error& e, Clock::time_point started);

// What a codec needs to address this candidate: the resolved key (`credentials` are the
// request's tensorzero::credentials, for dynamic:: locations) and base URL (api_base, else the
// type's default; azure: its endpoint, itself resolved when written as env::VAR / dynamic::NAME).
std::expected<providers::Target, Error> make_target(const Runtime& runtime, const Candidate& c,
                                                    const boost::json::object& credentials);
// Credentials + codec: the request this candidate would send.
std::expected<OutboundRequest, Error> prepare(const Runtime& runtime, const Candidate& c,
                                              const api::ChatRequest& request);
upstream::Options transfer_options(const Runtime& runtime);
// One non-streaming upstream exchange for candidate `c`: sends `out` within the attempt's
// deadline (provider total, capped by `model_deadline`), and returns the 2xx body or the mapped
// failure. Keeps the raw bodies and the status in `attempt`, adds the time to
// `answer.upstream_time`. Shared by the chat and embeddings executors; they decode.
boost::asio::awaitable<std::expected<std::string, Error>> exchange_once(
    const Runtime& runtime, upstream::Client& client, const Candidate& c, OutboundRequest out,
    CancelSignal& cancel, Attempt& attempt, Answer& answer, Clock::time_point model_deadline);

// Reads an error response body (bounded) and lets the codec map it.
boost::asio::awaitable<Error> read_error(upstream::Transfer& t, const upstream::ResponseHead& head,
                                         const providers::Codec& codec, Clock::time_point deadline,
                                         std::string* raw = nullptr);

}  // namespace sb::routing
