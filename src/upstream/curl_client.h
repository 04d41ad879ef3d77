#pragma once

// Internal: the libcurl client — HTTPS (HTTP/2 where offered), proxies from the environment, and
// every URL the native HTTP/1.1 client does not take. libcurl's multi interface driven by the
// worker's io_context (curl_multi_socket_action with socket/timer callbacks bound to Asio waits).

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "upstream/client.h"
#include "upstream/transfer_state.h"

namespace sb::upstream::detail {

class MultiDriver;

class CurlClient final : public Client, public TransferOwner {
 public:
  explicit CurlClient(boost::asio::io_context& io);
  ~CurlClient() override;

  std::unique_ptr<Transfer> start(OutboundRequest request, const Options& options) override;
  size_t active() const override { return in_flight_.size(); }

  // Takes a transfer out of the multi at once and records `error` unless it already ended.
  void abort(TransferState& state, TransferError error) override;
  // Resumes a paused transfer once its reader drained the buffer. curl may deliver the held bytes
  // synchronously, through the write callback, before this returns.
  void resume(TransferState& state) override;

 private:
  struct ShareDeleter {
    void operator()(CURLSH* share) const { curl_share_cleanup(share); }
  };

  void on_done(CURL* easy, CURLcode result);
  void fail(TransferState& state, CURLcode result);
  void detach(TransferState& state);
  std::optional<std::string> configure(CURL* easy, TransferState& state, OutboundRequest& request,
                                       const Options& options);
  CURL* take_handle();
  void recycle(CURL* easy);

  boost::asio::io_context& io_;
  std::unique_ptr<CURLSH, ShareDeleter> share_;  // DNS cache and TLS sessions, per worker
  std::shared_ptr<MultiDriver> driver_;          // destroyed before share_
  std::vector<CURL*> idle_handles_;
  std::unordered_set<TransferState*> in_flight_;
};

}  // namespace sb::upstream::detail
