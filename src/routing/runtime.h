#pragma once

#include <memory>

#include "config/credentials.h"
#include "config/schema.h"
#include "routing/resolver.h"

namespace sb::routing {

// Everything immutable that all workers share for one loaded config.
struct Runtime {
  std::shared_ptr<const config::Config> config;
  config::CredentialStore credentials;
  Resolver resolver;

  Runtime(std::shared_ptr<const config::Config> c, config::CredentialStore creds)
      : config(c), credentials(std::move(creds)), resolver(std::move(c)) {}
};

}  // namespace sb::routing
