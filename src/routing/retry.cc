#include "routing/retry.h"

#include <algorithm>
#include <random>

namespace sb::routing {

config::Retries retries_for(const config::ProviderConfig& provider,
                            const config::ModelConfig& model) {
  if (provider.retries) return *provider.retries;
  if (model.retries) return *model.retries;
  return kDefaultRetries;
}

bool retry_same_provider(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUpstreamConnect:
    case ErrorCode::kUpstreamRateLimited:
    case ErrorCode::kUpstreamServerError:
      return true;
    case ErrorCode::kUpstreamClientError:
      return error.status == 408;
    default:
      return false;
  }
}

std::optional<std::chrono::milliseconds> retry_delay(int retry, const config::Retries& policy,
                                                     const Error& error,
                                                     std::chrono::milliseconds budget) {
  using std::chrono::milliseconds;
  auto cap = milliseconds(static_cast<int64_t>(policy.max_delay_s * 1000));
  cap = std::min(cap, budget);
  if (error.retry_after_ms >= 0) {
    milliseconds wait(error.retry_after_ms);
    if (wait > cap) return std::nullopt;
    return wait;
  }
  int64_t ceiling = kBackoffBase.count() << std::min(retry, 20);
  ceiling = std::min<int64_t>(ceiling, cap.count());
  if (ceiling <= 0) return milliseconds(0);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(0, ceiling);
  return milliseconds(dist(rng));
}

}  // namespace sb::routing
