#include "upstream/transfer_handle.h"

namespace sb::upstream::detail {

namespace {

std::string take_body(TransferState& state) {
  std::string out = std::move(state.body);
  state.body.clear();
  if (state.paused && state.owner != nullptr) state.owner->resume(state);
  return out;
}

// A transfer waited for piece by piece runs as a task of its own (Options::deferred ones start
// now).
void launch(const std::shared_ptr<TransferState>& state) {
  if (state->owner != nullptr) state->owner->launch(state);
}

boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  launch(state);
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    if (state->head_done) co_return state->head;
    if (state->error) co_return std::unexpected(*state->error);
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

boost::asio::awaitable<std::expected<std::string, TransferError>> read_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  launch(state);
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    if (!state->body.empty()) co_return take_body(*state);
    if (state->error) co_return std::unexpected(*state->error);
    if (state->finished) co_return std::string();
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

boost::asio::awaitable<std::expected<std::string, TransferError>> read_all_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  launch(state);
  std::string all;
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    while (!state->body.empty()) all += take_body(*state);  // resume() may refill at once
    if (state->error) co_return std::unexpected(*state->error);
    if (state->finished) co_return all;
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

// The whole response: run inline by the owner when the transfer was deferred (then the state holds
// the outcome), otherwise waited for as head() and read_all() would.
boost::asio::awaitable<Completed> complete_impl(std::shared_ptr<TransferState> state,
                                                Clock::time_point deadline) {
  if (state->owner != nullptr && co_await state->owner->run_deferred(state, deadline)) {
    const TransferError why = state->error.value_or(TransferError::kProtocol);
    Completed done{.head = std::unexpected(why), .body = std::unexpected(why)};
    if (state->head_done) {
      done.head =
          ResponseHead{.status = state->head.status, .headers = std::move(state->head.headers)};
      if (!state->error && state->finished) done.body = take_body(*state);
    }
    co_return done;
  }
  // Not co_await inside the braces: GCC 12 miscompiles a co_await in an aggregate initializer.
  auto first = co_await head_impl(state, deadline);
  Completed done{.head = std::move(first), .body = std::string()};
  if (!done.head) {
    done.body = std::unexpected(done.head.error());
    co_return done;
  }
  done.body = co_await read_all_impl(state, deadline);
  co_return done;
}

}  // namespace

boost::asio::awaitable<Completed> TransferHandle::complete(Clock::time_point deadline) {
  return complete_impl(state_, deadline);
}

boost::asio::awaitable<std::expected<ResponseHead, TransferError>> TransferHandle::head(
    Clock::time_point deadline) {
  return head_impl(state_, deadline);
}

boost::asio::awaitable<std::expected<std::string, TransferError>> TransferHandle::read(
    Clock::time_point deadline) {
  return read_impl(state_, deadline);
}

boost::asio::awaitable<std::expected<std::string, TransferError>> TransferHandle::read_all(
    Clock::time_point deadline) {
  return read_all_impl(state_, deadline);
}

std::unique_ptr<Transfer> failed_transfer(boost::asio::io_context& io, TransferError error,
                                          std::string detail) {
  auto state = std::make_shared<TransferState>(io);
  state->error = error;
  state->error_detail = std::move(detail);
  return std::make_unique<TransferHandle>(std::move(state));
}

}  // namespace sb::upstream::detail
