#pragma once

// Process-wide services the handlers reach through their WorkerContext. Built once in main.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "metrics/registry.h"
#include "observability/record.h"

namespace sb::http {

// A dependency /health reports on. problem() answers from cached state, never blocks:
// nullopt when healthy, else the message for {"status":"error","message":...}.
class HealthSource {
 public:
  virtual ~HealthSource() = default;
  virtual std::optional<std::string> problem() const = 0;
};

struct Services {
  std::vector<std::shared_ptr<observability::RecordSink>> sinks;  // fed after every inference
  std::vector<std::shared_ptr<const HealthSource>> health;        // checked by GET /health
  std::shared_ptr<metrics::Registry> metrics;                     // exposed by GET /metrics
};

}  // namespace sb::http
