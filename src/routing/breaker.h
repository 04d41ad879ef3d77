#pragma once

// Per-provider circuit breakers (DESIGN §6). A breaker opens after `failure_threshold`
// consecutive failures, or when failures exceed `failure_ratio` of at least `min_requests`
// attempts in the current window; while open the provider is skipped; after `open_for` one
// probe at a time is let through (half-open); a success closes it, a failure re-opens it.
// Shared by all workers: one small mutex per breaker, taken twice per attempt.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sb::routing {

struct BreakerOptions {
  int failure_threshold = 5;
  double failure_ratio = 0.5;
  int min_requests = 20;
  std::chrono::milliseconds window{30000};
  std::chrono::milliseconds open_for{5000};
};

enum class BreakerState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };
std::string_view breaker_state_name(BreakerState s);

class Breaker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Breaker(const BreakerOptions& options) : options_(options) {}
  // May an attempt go to this provider now? In half-open, true for one probe at a time; the
  // caller then must report() the attempt's outcome.
  bool allow(Clock::time_point now);
  // Returns the state change this report caused, if any (for logs).
  std::optional<BreakerState> report(bool success, Clock::time_point now);
  BreakerState state() const;

 private:
  BreakerOptions options_;
  mutable std::mutex mu_;
  BreakerState state_ = BreakerState::kClosed;
  int consecutive_failures_ = 0;
  int window_requests_ = 0;
  int window_failures_ = 0;
  Clock::time_point window_start_{};
  Clock::time_point opened_at_{};
  bool probe_in_flight_ = false;
};

struct BreakerSnapshot {
  std::string model;
  std::string provider;
  BreakerState state;
};

// The breakers of every provider, keyed by "model/provider" (configured names, so bounded).
class BreakerBoard {
 public:
  explicit BreakerBoard(BreakerOptions options = {}) : options_(options) {}
  Breaker& get(const std::string& model, const std::string& provider);
  std::vector<BreakerSnapshot> snapshot() const;

 private:
  BreakerOptions options_;
  mutable std::shared_mutex mu_;
  // Looked up by a key assembled on the stack (transparent hash): no string built per request.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, std::unique_ptr<Breaker>, KeyHash, std::equal_to<>> breakers_;
};

}  // namespace sb::routing
