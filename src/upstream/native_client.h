#pragma once

// Internal: HTTP/1.1 over plain TCP without libcurl, for the `http://` upstreams no proxy applies
// to (local inference servers: vLLM, Ollama, llama.cpp, ...). One per worker, single-threaded.
//
// Per request: one sendmsg (head + body) and reads parsed by Beast's basic_parser straight into the
// transfer's state; no per-request epoll registration (a pooled socket stays registered), no
// URL re-parsing by a library, no timer (one 50 ms sweep per client checks the deadlines of the
// transfers in flight). A transfer started with Options::deferred runs inside Transfer::complete(),
// in the caller's coroutine, instead of as a task of its own. Idle keep-alive connections wait in a
// pool per host:port (at most 256 each, 55 s at most). A request whose reused connection turns out
// dead before any response byte is sent again, once, on a fresh connection, as curl does.

#include <cstddef>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "common/http_message.h"
#include "upstream/client.h"
#include "upstream/plain_url.h"
#include "upstream/transfer_state.h"

namespace sb::upstream::detail {

class NativeClient final : public TransferOwner {
 public:
  explicit NativeClient(boost::asio::io_context& io);
  // Cancels every transfer in flight (their readers see kCancelled) and closes idle connections.
  ~NativeClient();
  NativeClient(const NativeClient&) = delete;
  NativeClient& operator=(const NativeClient&) = delete;

  std::unique_ptr<Transfer> start(std::shared_ptr<const PlainUrl> url, OutboundRequest request,
                                  const Options& options);
  size_t active() const;

  void abort(TransferState& state, TransferError error) override;
  void resume(TransferState& state) override;
  boost::asio::awaitable<bool> run_deferred(std::shared_ptr<TransferState> state,
                                            Clock::time_point deadline) override;
  void launch(const std::shared_ptr<TransferState>& state) override;

  struct Shared;  // pool, DNS cache, transfers in flight: outlives the client while they unwind

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace sb::upstream::detail
