#pragma once

#include <memory>

#include "config/credentials.h"
#include "config/schema.h"
#include "routing/breaker.h"
#include "routing/resolver.h"

namespace sb::routing {

// Everything immutable that all workers share for one loaded config.
struct Runtime {
  std::shared_ptr<const config::Config> config;
  config::CredentialStore credentials;
  Resolver resolver;
  // Mutable shared state behind a const Runtime: per-provider circuit breakers.
  std::shared_ptr<BreakerBoard> breakers;
  // Raw request/response bodies are kept on the attempts only when a store will record them.
  bool keep_raw_bodies = true;

  Runtime(std::shared_ptr<const config::Config> c, config::CredentialStore creds)
      : config(c), credentials(std::move(creds)), resolver(c) {
    const auto& cb = c->gateway.circuit_breaker;
    breakers =
        std::make_shared<BreakerBoard>(BreakerOptions{.failure_threshold = cb.failure_threshold,
                                                      .failure_ratio = cb.failure_ratio,
                                                      .min_requests = cb.min_requests,
                                                      .window = cb.window,
                                                      .open_for = cb.open});
  }
};

}  // namespace sb::routing
