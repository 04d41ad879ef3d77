#include "request_log.h"

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace sb::mock {
namespace {

namespace json = boost::json;

std::string_view outcome_name(int o) {
  switch (static_cast<Outcome>(o)) {
    case Outcome::kInProgress:
      return "in_progress";
    case Outcome::kOk:
      return "ok";
    case Outcome::kFault:
      return "fault";
    case Outcome::kClientClosed:
      return "client_closed";
  }
  return "in_progress";
}

json::object to_json(const LogEntry& e) {
  json::object o;
  o["seq"] = e.seq;
  o["method"] = e.method;
  o["path"] = e.path;
  o["query"] = e.query;
  o["model"] = e.model;
  o["stream"] = e.stream;
  o["headers"] = e.headers;
  o["auth"] = e.auth;
  o["auth_source"] = e.auth_source;
  o["body"] = e.body ? *e.body : json::value(nullptr);
  o["outcome"] = outcome_name(e.outcome.load(std::memory_order_acquire));
  unsigned status = e.status.load(std::memory_order_relaxed);
  o["status"] = status == 0 ? json::value(nullptr) : json::value(status);
  return o;
}

}  // namespace

std::shared_ptr<LogEntry> RequestLog::add(std::shared_ptr<LogEntry> entry) {
  std::lock_guard lock(mu_);
  entry->seq = next_seq_++;
  entries_.push_back(entry);
  if (entries_.size() > capacity_) entries_.pop_front();
  return entry;
}

std::string RequestLog::render(std::string_view model_prefix) const {
  std::vector<std::shared_ptr<LogEntry>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot.assign(entries_.begin(), entries_.end());
  }
  json::array out;
  for (const auto& e : snapshot) {
    if (!model_prefix.empty() && !std::string_view(e->model).starts_with(model_prefix)) continue;
    out.emplace_back(to_json(*e));
  }
  return json::serialize(out);
}

void RequestLog::reset() {
  std::lock_guard lock(mu_);
  entries_.clear();
  next_seq_ = 1;
}

}  // namespace sb::mock
