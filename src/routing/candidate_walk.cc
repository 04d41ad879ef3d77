#include "routing/candidate_walk.h"

#include <spdlog/spdlog.h>

namespace sb::routing {

std::string breaker_model(const Candidate& c) {
  return c.model->source == "shorthand" ? std::string("shorthand") : c.model->name;
}

bool is_provider_failure(const Error& e) {
  switch (e.code) {
    case ErrorCode::kUpstreamConnect:
    case ErrorCode::kUpstreamTimeout:
    case ErrorCode::kUpstreamRateLimited:
    case ErrorCode::kUpstreamServerError:
    case ErrorCode::kUpstreamBadResponse:
    case ErrorCode::kUpstreamStreamBroken:
      return true;
    default:
      return false;
  }
}

const Candidate* CandidateWalk::next() {
  auto now = Breaker::Clock::now();
  while (!forced_ && index_ < resolution_.candidates.size()) {
    const Candidate& c = resolution_.candidates[index_++];
    Breaker& b = board_.get(breaker_model(c), c.provider->name);
    if (b.allow(now)) {
      ++attempted_;
      current_ = &c;
      breaker_ = &b;
      return current_;
    }
    skipped_.push_back(&c);
  }
  if (attempted_ > 0) return nullptr;
  forced_ = true;
  if (forced_index_ >= skipped_.size()) return nullptr;
  current_ = skipped_[forced_index_++];
  breaker_ = &board_.get(breaker_model(*current_), current_->provider->name);
  return current_;
}

void CandidateWalk::report(const Error* error) {
  if (breaker_ == nullptr) return;
  bool failed = error != nullptr && is_provider_failure(*error);
  auto change = breaker_->report(!failed, Breaker::Clock::now());
  if (change == BreakerState::kOpen) {
    spdlog::warn("circuit opened: model={}, provider={} (skipped until a probe succeeds)",
                 current_->model->name, current_->provider->name);
  } else if (change == BreakerState::kClosed) {
    spdlog::info("circuit closed: model={}, provider={}", current_->model->name,
                 current_->provider->name);
  }
  breaker_ = nullptr;
}

}  // namespace sb::routing
