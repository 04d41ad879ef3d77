#pragma once

// N workers, each with its own io_context, SO_REUSEPORT listener and per-worker state (Envoy's
// model, DESIGN §2). Workers share only the immutable config snapshot, atomics and queues.

#include <atomic>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/error.h"
#include "config/schema.h"
#include "http/router.h"

namespace sb::http {

struct ServerOptions {
  std::string bind_address = "0.0.0.0:3000";  // host:port, IPv6 as [::]:3000
  int workers = 1;
  config::GatewayLimits limits;
  std::string base_path;
};

// Builds one worker's router; called once per worker, on the thread that creates the server.
using RouterFactory = std::function<std::unique_ptr<Router>(boost::asio::io_context& io)>;

class Server {
 public:
  static std::expected<std::unique_ptr<Server>, Error> create(const ServerOptions& options,
                                                              RouterFactory factory);
  ~Server();

  unsigned short port() const { return port_; }  // the bound port (useful with port 0)
  void start();                                  // worker threads start serving
  // Stops accepting, lets in-flight requests finish (bounded by limits.drain_timeout), closes
  // idle keep-alive connections, then stops the workers. Blocks until they have stopped.
  void drain_and_stop();

  // Runs `fn` once on each worker's thread, between requests; returns without waiting.
  void post_to_workers(const std::function<void()>& fn);

  size_t open_connections() const { return connections_.load(std::memory_order_relaxed); }
  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  size_t open_streams() const { return streams_.load(std::memory_order_relaxed); }  // SSE

  struct Worker;

 private:
  Server() = default;

  ServerOptions options_;
  unsigned short port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> in_flight_{0};
  std::atomic<size_t> streams_{0};
  std::atomic<bool> draining_{false};

  friend struct Worker;
};

// "host:port" → host and port; IPv6 in brackets.
std::expected<std::pair<std::string, unsigned short>, std::string> parse_bind_address(
    std::string_view address);

}  // namespace sb::http
