#include "http/server.h"

#include <algorithm>
#include <chrono>
#include <list>
#include <optional>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

namespace sb::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
}  // namespace

struct Server::Worker {
  Server& server;
  // One thread runs it and every socket of the worker stays on that thread: no locking around
  // each socket operation (the scheduler, which other threads post to, keeps its lock).
  net::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  // Read and write deadlines and delayed disconnect watches of this worker's connections.
  Sweep sweep{io.get_executor()};
  tcp::acceptor acceptor{io};
  std::unique_ptr<Router> router;
  // Sessions waiting for their next request; closed at drain. Only touched on this worker's thread.
  std::list<tcp::socket*> idle;

  explicit Worker(Server& s) : server(s) {}

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(tcp::socket socket);
  // The next request on the connection, or nothing when it should close (a malformed, oversized
  // or late request was answered here). Its own coroutine so the parser is gone before the
  // request is served: a session frame lives as long as its stream.
  net::awaitable<std::optional<Request>> read_request(tcp::socket& socket,
                                                      beast::flat_buffer& buffer, bool first);
};

namespace {

// Error replies outside a handler. The error is owned here (by value), so it outlives the write.
net::awaitable<void> reply_error(tcp::socket& socket, Sweep& sweep, Error error) {
  Request empty;
  Exchange ex(socket, empty, true, sweep);
  co_await ex.reply_error(error);
}

net::awaitable<void> reply_unanswered(Exchange& ex, bool failed) {
  co_await ex.reply_error(
      make_error(ErrorCode::kInternal, failed ? "internal error" : "handler produced no response"));
}

}  // namespace

std::expected<std::pair<std::string, unsigned short>, std::string> parse_bind_address(
    std::string_view address) {
  std::string_view host;
  std::string_view port;
  if (address.starts_with('[')) {
    auto close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return std::unexpected("expected [IPv6]:PORT");
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return std::unexpected("expected HOST:PORT");
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::unexpected("expected HOST:PORT");
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::unexpected("port is not a number");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::unexpected("port out of range");
  return std::pair{std::string(host), static_cast<unsigned short>(value)};
}

std::expected<std::unique_ptr<Server>, Error> Server::create(const ServerOptions& options,
                                                             RouterFactory factory) {
  auto parsed = parse_bind_address(options.bind_address);
  if (!parsed) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid,
                   "invalid bind_address '" + options.bind_address + "': " + parsed.error()));
  }
  boost::system::error_code ec;
  auto ip = net::ip::make_address(parsed->first, ec);
  if (ec) {
    return std::unexpected(
        make_error(ErrorCode::kConfigInvalid, "invalid bind_address host '" + parsed->first + "'"));
  }
  std::unique_ptr<Server> server(new Server());
  server->options_ = options;
  unsigned short port = parsed->second;
  int n = std::max(1, options.workers);
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(*server);
    tcp::endpoint ep{ip, port};
    w->acceptor.open(ep.protocol(), ec);
    if (!ec) w->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) {
      int one = 1;
      if (::setsockopt(w->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one))
        ec.assign(errno, boost::system::system_category());
    }
    if (!ec) w->acceptor.bind(ep, ec);
    if (!ec) w->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return std::unexpected(
          make_error(ErrorCode::kConfigInvalid,
                     "cannot listen on " + options.bind_address + ": " + ec.message()));
    }
    port = w->acceptor.local_endpoint().port();  // port 0: every worker shares the first's port
    w->router = factory(w->io);
    server->workers_.push_back(std::move(w));
  }
  server->port_ = port;
  return server;
}

Server::~Server() {
  for (auto& w : workers_) w->io.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void Server::start() {
  for (auto& w : workers_) {
    net::co_spawn(w->io, w->accept_loop(), net::detached);
    threads_.emplace_back([worker = w.get()] { worker->io.run(); });
  }
}

void Server::post_to_workers(const std::function<void()>& fn) {
  for (auto& w : workers_) net::post(w->io, fn);
}

void Server::drain_and_stop() {
  draining_ = true;
  for (auto& w : workers_) {
    net::post(w->io, [worker = w.get()] {
      boost::system::error_code ignored;
      worker->acceptor.close(ignored);
      for (auto* s : worker->idle) s->close(ignored);
    });
  }
  auto deadline = std::chrono::steady_clock::now() + options_.limits.drain_timeout;
  // Bounded wait for in-flight requests (the main thread has nothing else to do).
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (in_flight_.load() > 0) {
    spdlog::warn("drain timeout: {} requests still in flight are cut", in_flight_.load());
  }
  for (auto& w : workers_) w->io.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

net::awaitable<void> Server::Worker::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kUseTuple);
    if (ec) {
      if (!acceptor.is_open() || server.draining_) co_return;
      if (ec == net::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      net::steady_timer t(io, std::chrono::milliseconds(50));
      co_await t.async_wait(kUseTuple);
      continue;
    }
    net::co_spawn(io, session(std::move(socket)), net::detached);
  }
}

net::awaitable<void> Server::Worker::session(tcp::socket socket) {
  struct Count {
    std::atomic<size_t>& n;
    explicit Count(std::atomic<size_t>& c) : n(c) { n.fetch_add(1, std::memory_order_relaxed); }
    ~Count() { n.fetch_sub(1, std::memory_order_relaxed); }
  } count(server.connections_);

  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  // Replies are first written without waiting (Exchange::send); Asio needs this flag anyway for
  // its asynchronous operations, so it costs no extra system call.
  socket.non_blocking(true, ignored);
  if (server.connections_.load(std::memory_order_relaxed) >
      server.options_.limits.max_connections) {
    // Over the limit: one clear answer, then close.
    co_await reply_error(socket, sweep,
                         make_error(ErrorCode::kOverloaded, "too many open connections"));
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  // Requests are served in this frame (no nested per-request coroutine): it stays alive for every
  // open stream, so it holds only what serving needs.
  beast::flat_buffer buffer;
  bool first = true;
  try {
    for (;;) {
      std::optional<Request> req = co_await read_request(socket, buffer, first);
      if (!req) break;
      first = false;
      // Nothing pipelined behind the request (the usual case): give the read buffer back while
      // it is served; a stream can last minutes. The next read allocates a fresh one.
      if (buffer.size() == 0) buffer.shrink_to_fit();
      server.in_flight_.fetch_add(1, std::memory_order_relaxed);
      Exchange ex(socket, *req, server.draining_.load(std::memory_order_relaxed), sweep,
                  &server.streams_);
      bool failed = false;
      try {
        co_await router->dispatch(ex);
      } catch (const std::exception& e) {
        // Last-resort net per handler (STYLE.md): a stray exception becomes a 500, not a crash.
        spdlog::error("handler error: {}", e.what());
        failed = true;
      }
      if (!ex.replied()) co_await reply_unanswered(ex, failed);
      server.in_flight_.fetch_sub(1, std::memory_order_relaxed);
      bool again = ex.keep_alive() && !server.draining_.load(std::memory_order_relaxed);
      if (!again) break;
    }
  } catch (const std::exception& e) {
    // Last-resort net for the connection (STYLE.md): a stray exception must not kill the worker.
    spdlog::error("connection error: {}", e.what());
  }
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

// Reads straight from the socket into `buffer` and feeds Beast's parser, without Beast's
// composed read operations: a request that arrives in one segment costs one receive and no
// extra trip through the scheduler. Mirrors http::async_read: the parser sees every buffered
// byte (it enforces the header and body limits), end of stream before any byte is
// end_of_stream, and after some is the parser's put_eof verdict.
net::awaitable<std::optional<Request>> Server::Worker::read_request(tcp::socket& socket,
                                                                    beast::flat_buffer& buffer,
                                                                    bool first) {
  const auto& limits = server.options_.limits;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits.max_header_bytes);
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);

  // A deadline cancels the read (the socket stays open, so a partial request still gets its 408).
  SocketDeadline deadline(socket);
  // Waiting for the next request on a kept-alive connection: idle timeout, closable at drain.
  // From its first byte on, the request has the read timeout.
  idle.push_front(&socket);
  std::optional<std::list<tcp::socket*>::iterator> idle_it = idle.begin();
  auto leave_idle = [&] {
    if (!idle_it) return;
    idle.erase(*idle_it);
    idle_it.reset();
    sweep.arm(deadline, limits.read_timeout);
  };
  sweep.arm(deadline, first ? limits.read_timeout : limits.idle_timeout);
  boost::system::error_code ec;
  for (;;) {
    if (buffer.size() > 0) {
      leave_idle();
      size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
      } else if (ec || parser.is_done()) {
        break;
      }
    }
    size_t room = std::clamp<size_t>(buffer.capacity() - buffer.size(), 4096, 65536);
    auto [read_ec, n] = co_await socket.async_read_some(buffer.prepare(room), kUseTuple);
    buffer.commit(n);
    if (read_ec == net::error::eof) {
      if (parser.got_some()) {
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
      } else {
        ec = bhttp::error::end_of_stream;
      }
      break;
    }
    if (read_ec) {
      ec = read_ec;
      break;
    }
  }
  if (idle_it) idle.erase(*idle_it);
  deadline.disarm();
  if (deadline.timed_out()) ec = beast::error::timeout;
  if (!ec) co_return parser.release();
  if (ec == bhttp::error::body_limit) {
    co_await reply_error(
        socket, sweep,
        make_error(ErrorCode::kBodyTooLarge,
                   "request body exceeds " + std::to_string(limits.max_body_bytes) + " bytes"));
  } else if (ec == bhttp::error::header_limit) {
    co_await reply_error(
        socket, sweep,
        make_error(ErrorCode::kHeaderTooLarge,
                   "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes"));
  } else if (ec == beast::error::timeout && buffer.size() > 0) {
    co_await reply_error(socket, sweep,
                         make_error(ErrorCode::kRequestTimeout, "request not received in time"));
  } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout &&
             ec != net::error::eof && ec != net::error::connection_reset &&
             ec != net::error::operation_aborted && ec != net::error::bad_descriptor) {
    co_await reply_error(
        socket, sweep,
        make_error(ErrorCode::kInvalidRequest, "malformed HTTP request: " + ec.message()));
  }
  co_return std::nullopt;
}

}  // namespace sb::http
