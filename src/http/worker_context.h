#pragma once

#include <memory>

#include "routing/executor.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace sb::http {

// Per-worker state the handlers use: the shared runtime plus this worker's upstream client.
struct WorkerContext {
  std::shared_ptr<const routing::Runtime> runtime;
  std::unique_ptr<upstream::Client> client;
  routing::Executor executor;

  WorkerContext(std::shared_ptr<const routing::Runtime> rt, std::unique_ptr<upstream::Client> c)
      : runtime(std::move(rt)), client(std::move(c)), executor(*runtime, *client) {}
};

}  // namespace sb::http
