#include "upstream/transfer_handle.h"

namespace sb::upstream::detail {

namespace {

std::string take_body(TransferState& state) {
  std::string out = std::move(state.body);
  state.body.clear();
  if (state.paused && state.owner != nullptr) state.owner->resume(state);
  return out;
}

boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    if (state->head_done) co_return state->head;
    if (state->error) co_return std::unexpected(*state->error);
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

boost::asio::awaitable<std::expected<std::string, TransferError>> read_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    if (!state->body.empty()) co_return take_body(*state);
    if (state->error) co_return std::unexpected(*state->error);
    if (state->finished) co_return std::string();
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

boost::asio::awaitable<std::expected<std::string, TransferError>> read_all_impl(
    std::shared_ptr<TransferState> state, Clock::time_point deadline) {
  std::string all;
  for (bool expired = false;; expired = !co_await wait_for_change(state, deadline)) {
    while (!state->body.empty()) all += take_body(*state);  // resume() may refill at once
    if (state->error) co_return std::unexpected(*state->error);
    if (state->finished) co_return all;
    if (expired) co_return std::unexpected(TransferError::kTimeout);
  }
}

}  // namespace

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
