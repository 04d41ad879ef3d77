#pragma once

// Outbound HTTP for one worker. Plain `http://` URLs that no proxy applies to go over a native
// HTTP/1.1 client (Asio sockets, Beast's parser, keep-alive pool per host); everything else —
// HTTPS with HTTP/2 where offered, proxies from http_proxy/HTTPS_PROXY/ALL_PROXY/NO_PROXY — over
// libcurl's multi interface driven by the worker's io_context. SWITCHBOARD_UPSTREAM_CLIENT=curl
// sends everything through curl. Single-threaded: a Client and its Transfers are used only on
// their io_context's thread.

#include <chrono>
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/http_message.h"

namespace sb::upstream {

using Clock = std::chrono::steady_clock;

enum class TransferError {
  kConnect,    // DNS, refused, TLS, reset before any response header
  kTimeout,    // the deadline given to the wait passed, or curl's own timeout
  kReset,      // connection broke after headers (body cut short)
  kCancelled,  // cancel() was called
  kProtocol,   // malformed HTTP from the upstream
  kTooLarge,   // body beyond Options::max_response_bytes
};
std::string_view transfer_error_name(TransferError e);

// curl_global_init for the process. Idempotent and thread-safe; Client::create calls it, and main()
// may call it before starting the workers.
void global_init();

struct ResponseHead {
  int status = 0;
  HeaderList headers;
};

struct Options {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{900000};  // hard cap for the whole transfer
  size_t max_response_bytes = 64u << 20;
  // The caller will take the response whole with Transfer::complete(): a client that can runs the
  // exchange inside that call instead of as a task of its own. head()/read() still work.
  bool deferred = false;
};

// A response taken whole: the head (or why there is none), then the body (or why it broke off).
struct Completed {
  std::expected<ResponseHead, TransferError> head;
  std::expected<std::string, TransferError> body;
};

class Transfer;

class Client {
 public:
  enum class Engine {
    kAuto,  // native HTTP/1.1 for plain http:// without a proxy, curl for the rest
    kCurl,  // curl for everything
  };
  static std::unique_ptr<Client> create(boost::asio::io_context& io, Engine engine = Engine::kAuto);
  virtual ~Client() = default;
  // Starts the request at once. Destroying the returned Transfer cancels it (the upstream sees the
  // connection close when it was mid-body).
  virtual std::unique_ptr<Transfer> start(OutboundRequest request, const Options& options) = 0;
  virtual size_t active() const = 0;  // transfers in flight, for metrics
};

class Transfer {
 public:
  virtual ~Transfer() = default;
  // Waits for the status line and headers, or fails. `deadline` bounds this wait only.
  virtual boost::asio::awaitable<std::expected<ResponseHead, TransferError>> head(
      Clock::time_point deadline) = 0;
  // Waits for the next body bytes. Returns "" exactly once at the clean end of the body; after
  // that, or after an error, further calls return the same result. `deadline` bounds this wait.
  // While the consumer does not read, the transfer pauses once 1 MiB is buffered (back-pressure).
  virtual boost::asio::awaitable<std::expected<std::string, TransferError>> read(
      Clock::time_point deadline) = 0;
  // Reads the rest of the body into one string (bounded by max_response_bytes).
  virtual boost::asio::awaitable<std::expected<std::string, TransferError>> read_all(
      Clock::time_point deadline) = 0;
  // head() then read_all() in one wait bounded by `deadline`. A transfer started with
  // Options::deferred may run its whole exchange inside this call (no wake-ups between).
  virtual boost::asio::awaitable<Completed> complete(Clock::time_point deadline) = 0;
  // Aborts: a pending head()/read() completes with kCancelled. Safe to call more than once.
  virtual void cancel() = 0;
  // After a failure: a message for the operator ("Failed to connect to ... port 443"),
  // otherwise empty. Never contains request headers or body.
  virtual std::string error_detail() const { return {}; }
};

}  // namespace sb::upstream
