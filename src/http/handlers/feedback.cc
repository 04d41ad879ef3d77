// POST /feedback: metric feedback on an inference or an episode (TensorZero's shape).
//
// The target must exist. The check never blocks the worker: first the recorder's in-memory index
// of recent ids (fed by record(), so an inference answered a moment ago is found even before its
// row reaches the store), then the store, asked on the recorder's lookup thread with the answer
// posted back to this worker's executor. An id that is very young and found nowhere is given a
// short grace period (polling the index) for a record still on its way; then 404.

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/ids.h"
#include "http/handlers/common.h"
#include "observability/feedback.h"
#include "observability/recorder.h"

namespace sb::http {

namespace {

namespace net = boost::asio;
using observability::LookupResult;
using observability::TargetKind;

constexpr auto kLookupTimeout = std::chrono::seconds(3);
constexpr int64_t kGraceMs = 1000;  // how young an id may be and still be on its way
constexpr auto kGracePoll = std::chrono::milliseconds(20);

std::shared_ptr<observability::Recorder> find_recorder(const WorkerContext& w) {
  if (!w.services) return nullptr;
  for (const auto& sink : w.services->sinks) {
    if (auto r = std::dynamic_pointer_cast<observability::Recorder>(sink)) return r;
  }
  return nullptr;
}

struct PendingLookup {
  explicit PendingLookup(net::any_io_executor ex) : timer(ex) {}
  net::steady_timer timer;
  std::optional<LookupResult> result;
};

// The store's answer, without blocking this thread: the timer doubles as the wake-up.
net::awaitable<LookupResult> ask_store(std::shared_ptr<observability::Recorder> recorder,
                                       TargetKind kind, std::string id) {
  auto executor = co_await net::this_coro::executor;
  auto pending = std::make_shared<PendingLookup>(executor);
  pending->timer.expires_after(kLookupTimeout);
  recorder->lookup(kind, std::move(id), [pending, executor](LookupResult result) {
    net::post(executor, [pending, result = std::move(result)]() mutable {
      pending->result = std::move(result);
      pending->timer.cancel();
    });
  });
  [[maybe_unused]] auto [ec] =
      co_await pending->timer.async_wait(net::as_tuple(net::use_awaitable));
  if (pending->result) co_return *pending->result;
  co_return std::unexpected(std::string("the store did not answer in time"));
}

enum class Target { kFound, kNotFound, kUnknown };

net::awaitable<Target> find_target(std::shared_ptr<observability::Recorder> recorder,
                                   TargetKind kind, std::string id) {
  if (recorder->recently_seen(kind, id)) co_return Target::kFound;
  LookupResult stored = co_await ask_store(recorder, kind, id);
  if (stored && *stored) co_return Target::kFound;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int64_t born = observability::uuid_v7_unix_ms(id).value_or(0);
  auto executor = co_await net::this_coro::executor;
  net::steady_timer timer(executor);
  for (int64_t waited = 0; now + waited < born + kGraceMs; waited += kGracePoll.count()) {
    timer.expires_after(kGracePoll);
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (recorder->recently_seen(kind, id)) co_return Target::kFound;
  }
  co_return stored ? Target::kNotFound : Target::kUnknown;
}

net::awaitable<void> feedback(Exchange& ex, const WorkerContext& w) {
  auto request = observability::parse_feedback(ex.request().body(), w.runtime->config->metrics);
  if (!request) {
    co_await ex.reply_error(request.error());
    co_return;
  }
  auto recorder = find_recorder(w);
  if (!recorder) {
    co_await ex.reply_error(
        make_error(ErrorCode::kInvalidRequest, "Feedback requires observability to be enabled"));
    co_return;
  }
  Target target = co_await find_target(recorder, request->target_kind, request->target_id);
  const char* kind = request->target_kind == TargetKind::kInference ? "inference" : "episode";
  if (target == Target::kNotFound) {
    Error e = make_error(ErrorCode::kRouteNotFound,
                         std::string(kind) + " " + request->target_id + " does not exist",
                         std::string(kind) + "_id");
    co_await ex.reply_error(e);
    co_return;
  }
  if (target == Target::kUnknown) {
    Error e = make_error(ErrorCode::kOverloaded,
                         "cannot check " + std::string(kind) + " " + request->target_id +
                             ": the observability store is unavailable; retry later");
    co_await ex.reply_error(e);
    co_return;
  }
  std::string id = ids::uuid_v7();
  if (!request->dryrun) {
    auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    recorder->submit(observability::feedback_row(*request, id, unix_ms));
  }
  spdlog::info("feedback recorded: metric={}, {}_id={}, feedback_id={}{}", request->metric_name,
               kind, request->target_id, id, request->dryrun ? " (dryrun)" : "");
  boost::json::object body{{"feedback_id", id}};
  co_await ex.reply(200, boost::json::serialize(body));
}

}  // namespace

void register_feedback_routes(Router& router, std::shared_ptr<WorkerContext> context) {
  router.add("POST", "/feedback", [context](Exchange& ex) { return feedback(ex, *context); });
}

}  // namespace sb::http
