#pragma once

// Internal: what one transfer shares between the client that runs it (curl's callbacks, which
// hold a raw pointer to it via CURLOPT_PRIVATE / WRITEDATA / HEADERDATA while the easy handle is in
// the multi, or the native client's connection coroutine) and the waiting coroutines (which hold a
// shared_ptr, so a wake-up can never reach freed memory).

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "upstream/client.h"

namespace sb::upstream::detail {

struct TransferState;

// What a transfer's reader needs from the client that runs it: the curl client and the native
// HTTP/1.1 client both implement it.
class TransferOwner {
 public:
  // Takes the transfer out at once and records `error` unless it already ended.
  virtual void abort(TransferState& state, TransferError error) = 0;
  // The reader drained the buffer: let a paused transfer go on. Bytes may arrive synchronously.
  virtual void resume(TransferState& state) = 0;
  // A transfer started with Options::deferred and not yet running: run it to its end in the
  // calling coroutine and return true. Otherwise (it runs on its own already) return false.
  virtual boost::asio::awaitable<bool> run_deferred(std::shared_ptr<TransferState> state,
                                                    Clock::time_point deadline) {
    co_return false;
  }
  // The same transfer, waited for piece by piece instead: start it as a task of its own.
  virtual void launch(const std::shared_ptr<TransferState>& /*state*/) {}

 protected:
  ~TransferOwner() = default;
};

// Above this many received-but-unread body bytes curl is paused (back-pressure).
inline constexpr size_t kPauseThreshold = size_t{1} << 20;

struct TransferState {
  explicit TransferState(boost::asio::io_context& io) : io(io) {}
  ~TransferState();
  TransferState(const TransferState&) = delete;
  TransferState& operator=(const TransferState&) = delete;

  // curl's callbacks; `user` is the TransferState.
  static size_t on_header(char* data, size_t size, size_t count, void* user);
  static size_t on_write(char* data, size_t size, size_t count, void* user);

  // One header line as curl delivers it (with its CRLF). The final response's block ends at its
  // empty line; 1xx blocks before it are dropped; lines after it (trailers) are ignored.
  void header_line(std::string_view line);
  // Appends body bytes; returns what the write callback must return.
  size_t body_bytes(const char* data, size_t size);
  // Completes every pending wait (they re-check the state).
  void wake();

  boost::asio::io_context& io;

  // While in flight: the client running it (and, for curl, the easy handle in its multi).
  TransferOwner* owner = nullptr;
  CURL* easy = nullptr;
  // Request data curl points into while the handle is in the multi.
  curl_slist* request_headers = nullptr;
  std::string request_body;
  char error_buffer[CURL_ERROR_SIZE] = {};
  size_t max_response_bytes = 0;

  // Response, filled by the callbacks.
  int block_status = 0;  // status line of the header block being read
  HeaderList block_headers;
  ResponseHead head;
  bool head_done = false;
  std::string body;  // received, not yet read
  size_t body_total = 0;
  bool paused = false;
  bool too_large = false;
  bool finished = false;  // the body ended cleanly
  std::optional<TransferError> error;
  std::string error_detail;

  std::vector<boost::asio::steady_timer*> waiters;

 private:
  void end_head();
};

// Suspends until wake() or `deadline`. Returns false when the deadline passed (the state may still
// have changed meanwhile: callers re-check it before reporting a timeout).
boost::asio::awaitable<bool> wait_for_change(std::shared_ptr<TransferState> state,
                                             Clock::time_point deadline);

}  // namespace sb::upstream::detail
