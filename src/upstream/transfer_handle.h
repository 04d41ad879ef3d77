#pragma once

// Internal: the Transfer a caller holds, for either client. Its coroutines hold the shared state,
// never `this`: destroying the Transfer while one is suspended completes it with kCancelled instead
// of resuming into a dead object.

#include <memory>

#include "upstream/client.h"
#include "upstream/transfer_state.h"

namespace sb::upstream::detail {

class TransferHandle final : public Transfer {
 public:
  explicit TransferHandle(std::shared_ptr<TransferState> state) : state_(std::move(state)) {}
  ~TransferHandle() override { cancel(); }

  boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head(
      Clock::time_point deadline) override;
  boost::asio::awaitable<std::expected<std::string, TransferError>> read(
      Clock::time_point deadline) override;
  boost::asio::awaitable<std::expected<std::string, TransferError>> read_all(
      Clock::time_point deadline) override;
  boost::asio::awaitable<Completed> complete(Clock::time_point deadline) override;
  void cancel() override {
    if (state_->owner != nullptr) state_->owner->abort(*state_, TransferError::kCancelled);
  }
  std::string error_detail() const override { return state_->error_detail; }

 private:
  std::shared_ptr<TransferState> state_;
};

// A transfer that failed before it started (bad request, no handle): every wait reports `error`.
std::unique_ptr<Transfer> failed_transfer(boost::asio::io_context& io, TransferError error,
                                          std::string detail);

}  // namespace sb::upstream::detail
