#include "routing/breaker.h"

#include <cstring>

namespace sb::routing {

std::string_view breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

bool Breaker::allow(Clock::time_point now) {
  std::lock_guard lock(mu_);
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      if (now - opened_at_ < options_.open_for) return false;
      state_ = BreakerState::kHalfOpen;
      probe_in_flight_ = true;
      return true;
    case BreakerState::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return true;
}

std::optional<BreakerState> Breaker::report(bool success, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (now - window_start_ > options_.window) {
    window_start_ = now;
    window_requests_ = 0;
    window_failures_ = 0;
  }
  ++window_requests_;
  if (state_ == BreakerState::kHalfOpen) probe_in_flight_ = false;
  if (success) {
    consecutive_failures_ = 0;
    if (state_ != BreakerState::kClosed) {
      state_ = BreakerState::kClosed;
      window_requests_ = 0;
      window_failures_ = 0;
      return BreakerState::kClosed;
    }
    return std::nullopt;
  }
  ++consecutive_failures_;
  ++window_failures_;
  bool trip = state_ == BreakerState::kHalfOpen ||
              consecutive_failures_ >= options_.failure_threshold ||
              (window_requests_ >= options_.min_requests &&
               window_failures_ > options_.failure_ratio * window_requests_);
  if (trip && state_ != BreakerState::kOpen) {
    state_ = BreakerState::kOpen;
    opened_at_ = now;
    return BreakerState::kOpen;
  }
  if (trip) opened_at_ = now;
  return std::nullopt;
}

BreakerState Breaker::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

Breaker& BreakerBoard::get(const std::string& model, const std::string& provider) {
  // "model\x1fprovider", on the stack when it fits (configured names are short).
  char stack[256];
  std::string heap;
  std::string_view key;
  const size_t size = model.size() + 1 + provider.size();
  if (size <= sizeof stack) {
    std::memcpy(stack, model.data(), model.size());
    stack[model.size()] = '\x1f';
    std::memcpy(stack + model.size() + 1, provider.data(), provider.size());
    key = std::string_view(stack, size);
  } else {
    heap = model + '\x1f' + provider;
    key = heap;
  }
  {
    std::shared_lock lock(mu_);
    if (auto it = breakers_.find(key); it != breakers_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto it = breakers_.find(key);
  if (it == breakers_.end()) {
    it = breakers_.emplace(std::string(key), std::make_unique<Breaker>(options_)).first;
  }
  return *it->second;
}

std::vector<BreakerSnapshot> BreakerBoard::snapshot() const {
  std::shared_lock lock(mu_);
  std::vector<BreakerSnapshot> out;
  out.reserve(breakers_.size());
  for (const auto& [key, b] : breakers_) {
    auto slash = key.find('\x1f');
    out.push_back({key.substr(0, slash), key.substr(slash + 1), b->state()});
  }
  return out;
}

}  // namespace sb::routing
