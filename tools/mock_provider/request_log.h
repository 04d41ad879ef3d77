#pragma once

// Every request the mock received since start or POST /_mock/reset, for GET /_mock/requests.
// Appending takes one short lock; an entry's outcome is updated later without the lock.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace sb::mock {

enum class Outcome : int { kInProgress, kOk, kFault, kClientClosed };

struct LogEntry {
  std::uint64_t seq = 0;  // assigned by RequestLog::add
  std::string method;
  std::string path;
  std::string query;
  std::string model;  // full model string, directives included
  bool stream = false;
  boost::json::object headers;  // lowercased names; credential values redacted
  boost::json::value auth;      // the credential sent (bearer token, x-api-key, ...) or null
  boost::json::value auth_source;
  // Parsed JSON, the raw string when not JSON, null when empty; shared with the handler.
  std::shared_ptr<const boost::json::value> body;
  std::atomic<int> outcome{static_cast<int>(Outcome::kInProgress)};
  std::atomic<unsigned> status{0};

  void finish(Outcome o, unsigned http_status = 0) {
    if (http_status != 0) status.store(http_status, std::memory_order_relaxed);
    outcome.store(static_cast<int>(o), std::memory_order_release);
  }
};

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<LogEntry> add(std::shared_ptr<LogEntry> entry);
  // JSON array of entries whose model starts with `model_prefix` (all when empty).
  std::string render(std::string_view model_prefix) const;
  void reset();

 private:
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<LogEntry>> entries_;
  std::uint64_t next_seq_ = 1;
};

}  // namespace sb::mock
