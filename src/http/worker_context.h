#pragma once

#include <memory>
#include <vector>

#include "http/services.h"
#include "observability/record.h"

#include "routing/executor.h"
#include "routing/runtime.h"
#include "upstream/client.h"

namespace sb::http {

// Per-worker state the handlers use: the shared runtime plus this worker's upstream client.
struct WorkerContext {
  std::shared_ptr<const routing::Runtime> runtime;
  std::unique_ptr<upstream::Client> client;
  routing::Executor executor;
  // Consumers of finished inferences (observability store, metrics); record() never blocks.
  // Starts as the process-wide Services::sinks; a worker may add its own (per-worker shards).
  std::vector<std::shared_ptr<observability::RecordSink>> sinks;
  std::shared_ptr<const Services> services;

  WorkerContext(std::shared_ptr<const routing::Runtime> rt, std::unique_ptr<upstream::Client> c)
      : runtime(std::move(rt)), client(std::move(c)), executor(*runtime, *client) {}
};

}  // namespace sb::http
