#pragma once

// Retries on the same provider (DESIGN §6): which failures are worth another try there, and how
// long to wait first (exponential backoff with full jitter, Retry-After honoured).

#include <chrono>
#include <optional>

#include "common/error.h"
#include "config/schema.h"

namespace sb::routing {

// Defaults when neither the provider nor its model sets `retries`.
inline constexpr config::Retries kDefaultRetries{.num_retries = 2, .max_delay_s = 10.0};
inline constexpr std::chrono::milliseconds kBackoffBase{100};

config::Retries retries_for(const config::ProviderConfig& provider,
                            const config::ModelConfig& model);

// Connect failures (incl. reset before headers), 408, 429 and 5xx are retried on the same
// provider. Timeouts and mid-response resets move on to the next candidate instead; 4xx never
// retry (a context-length or content-policy 400 is handled by the caller).
bool retry_same_provider(const Error& error);

// The wait before retry number `retry` (0-based): the upstream's Retry-After when it sent one,
// else full-jitter exponential backoff capped at max_delay_s. nullopt when the wait would exceed
// max_delay_s or `budget` — then the caller fails over at once instead of waiting.
std::optional<std::chrono::milliseconds> retry_delay(int retry, const config::Retries& policy,
                                                     const Error& error,
                                                     std::chrono::milliseconds budget);

}  // namespace sb::routing
