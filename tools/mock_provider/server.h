#pragma once

// The mock's HTTP/1.1 server: one acceptor, N io_contexts each run by one thread; accepted
// connections are handed to the contexts round-robin and live there as one coroutine each.

#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/error.h"

namespace sb::mock {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port
  int threads = 2;
  // Requests kept for GET /_mock/requests (oldest dropped first); 0 keeps none. Benchmarks lower
  // it: 10,000 kept 100 KB bodies are a gigabyte.
  std::size_t request_log = 10'000;
};

struct ServerState;

class Server {
 public:
  static std::expected<std::unique_ptr<Server>, sb::Error> create(const ServerOptions& options);
  ~Server();

  unsigned short port() const { return port_; }
  // Serves until SIGINT/SIGTERM or stop(); returns after all threads have joined.
  void run();
  void stop();

 private:
  Server(int threads, std::size_t request_log);

  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<ServerState> state_;
  unsigned short port_ = 0;
};

}  // namespace sb::mock
