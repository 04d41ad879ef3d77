#pragma once

// Scripted HTTP/1.1 servers for the upstream client tests: a raw acceptor on 127.0.0.1:0 whose
// connection handler is a coroutine written by the test, plus a runner for test coroutines.
// Everything runs on the test's io_context, on the test's thread.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "common/http_message.h"

namespace sb::upstream::test_support {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// ASSERT_* cannot be used in a coroutine (it expands to `return`).
#define CO_REQUIRE(cond)                                \
  do {                                                  \
    if (!(cond)) {                                      \
      ADD_FAILURE() << "requirement failed: " << #cond; \
      co_return;                                        \
    }                                                   \
  } while (0)

struct Request {
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;
};

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Reads one request (head and a Content-Length body). nullopt at EOF or on an error.
inline asio::awaitable<std::optional<Request>> read_request(tcp::socket& socket,
                                                            std::string& buffer) {
  auto [ec, n] =
      co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\r\n\r\n", kTuple);
  if (ec) co_return std::nullopt;
  std::string head = buffer.substr(0, n);
  buffer.erase(0, n);
  Request request;
  size_t line_end = head.find("\r\n");
  std::string_view line(head.data(), line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  request.method = line.substr(0, sp1);
  request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (size_t pos = line_end + 2; pos < head.size();) {
    size_t end = head.find("\r\n", pos);
    std::string_view header(head.data() + pos, end - pos);
    pos = end + 2;
    size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(header.substr(0, colon), trim(header.substr(colon + 1)));
  }
  size_t length = 0;
  if (const std::string* cl = find_header(request.headers, "content-length")) {
    length = std::stoul(*cl);
  }
  if (buffer.size() < length) {
    auto [ec2, m] =
        co_await asio::async_read(socket, asio::dynamic_buffer(buffer),
                                  asio::transfer_exactly(length - buffer.size()), kTuple);
    if (ec2) co_return std::nullopt;
  }
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  co_return request;
}

inline asio::awaitable<bool> write_all(tcp::socket& socket, std::string data) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), kTuple);
  co_return !ec;
}

// Discards what the peer sends until it closes the connection (or it breaks).
inline asio::awaitable<void> wait_for_close(tcp::socket& socket) {
  char scratch[4096];
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(scratch), kTuple);
    if (ec) co_return;
  }
}

inline asio::awaitable<void> pause_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(kTuple);
}

// Polls `done` every few milliseconds until it holds or `limit` passes; returns its last value.
inline asio::awaitable<bool> eventually(std::function<bool()> done,
                                        std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    co_await pause_for(std::chrono::milliseconds(5));
  }
  co_return true;
}

inline std::string response(int status, std::string_view reason, std::string_view body,
                            std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra_headers) + "\r\n" + std::string(body);
}

inline std::string chunk(std::string_view data) {
  char size[32];
  snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

using Handler = std::function<asio::awaitable<void>(tcp::socket)>;

inline asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, Handler handler,
                                         std::shared_ptr<int> accepts) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(kTuple);
    if (ec) co_return;
    ++*accepts;
    asio::co_spawn(acceptor->get_executor(), handler(std::move(socket)), asio::detached);
  }
}

// Listens on 127.0.0.1:0 and runs `handler` for every accepted connection. Handlers must be
// lambdas that only forward to a coroutine function taking its arguments by value.
class TestServer {
 public:
  TestServer(asio::io_context& io, Handler handler)
      : acceptor_(std::make_shared<tcp::acceptor>(
            io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))),
        accepts_(std::make_shared<int>(0)) {
    asio::co_spawn(io, accept_loop(acceptor_, std::move(handler), accepts_), asio::detached);
  }
  ~TestServer() {
    boost::system::error_code ec;
    acceptor_->close(ec);
  }
  uint16_t port() const { return acceptor_->local_endpoint().port(); }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }
  int accepts() const { return *accepts_; }

 private:
  std::shared_ptr<tcp::acceptor> acceptor_;
  std::shared_ptr<int> accepts_;
};

// Runs the coroutine `test()` on `io` until it finishes (failing after `limit`), then leaves the
// io_context stopped: what the test created is destroyed while it is not running.
template <class Fn>
void run(asio::io_context& io, Fn&& test, std::chrono::seconds limit = std::chrono::seconds(30)) {
  struct Outcome {
    bool finished = false;
    std::exception_ptr failure;
  };
  auto outcome = std::make_shared<Outcome>();  // outlives this call if the test hangs
  io.restart();
  asio::co_spawn(io, test(), [outcome, &io](std::exception_ptr e) {
    outcome->finished = true;
    outcome->failure = e;
    io.stop();
  });
  io.run_for(limit);
  ASSERT_TRUE(outcome->finished) << "the test coroutine did not finish within " << limit.count()
                                 << " s";
  if (outcome->failure) std::rethrow_exception(outcome->failure);
}

}  // namespace sb::upstream::test_support
