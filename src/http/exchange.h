#pragma once

// One request/response on a connection. Handlers answer either with one full response or with an
// SSE stream (chunked transfer encoding, so keep-alive survives). Errors before the stream's
// headers are JSON responses; after them they are one error event (STYLE.md "Errors").

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/error.h"
#include "common/http_message.h"
#include "http/sweep.h"

namespace sb::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

// The extra headers of one reply, as views: the caller keeps the strings alive until the reply is
// written. Distinct names, at most kCapacity (identity headers, Allow, WWW-Authenticate); built
// without allocating.
class ReplyHeaders {
 public:
  static constexpr size_t kCapacity = 8;
  using Header = std::pair<std::string_view, std::string_view>;

  ReplyHeaders() = default;
  void add(std::string_view name, std::string_view value) {
    if (size_ < kCapacity) items_[size_++] = {name, value};
  }
  const Header* begin() const { return items_.data(); }
  const Header* end() const { return items_.data() + size_; }
  size_t size() const { return size_; }

 private:
  std::array<Header, kCapacity> items_{};
  size_t size_ = 0;
};

class Exchange {
 public:
  // `sweep` (the worker's) carries the write deadline and delays the disconnect watch.
  // `open_streams` (optional) counts this exchange while it is an SSE stream (a metrics gauge).
  Exchange(boost::asio::ip::tcp::socket& socket, Request& request, bool close_after, Sweep& sweep,
           std::atomic<size_t>* open_streams = nullptr);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  const Request& request() const { return request_; }
  // Frees the request body once the handler has decoded it: a stream keeps its Exchange (and
  // the request) for minutes, and a long conversation's body can be hundreds of kilobytes.
  void release_body() { std::string().swap(request_.body()); }
  std::string_view header(std::string_view name) const;

  // Headers are taken by value: a coroutine's reference parameter bound to a temporary is one of
  // the shapes GCC 12 miscompiles.
  boost::asio::awaitable<void> reply(unsigned status, std::string body, ReplyHeaders headers = {},
                                     std::string_view content_type = "application/json");
  boost::asio::awaitable<void> reply_error(const Error& error, ReplyHeaders headers = {});

  // SSE (200, text/event-stream, chunked). begin_stream() and queue() only queue bytes; flush()
  // writes everything queued in one go, write() is queue() + flush(), end_stream() flushes with
  // the terminating zero-length chunk. All return false once the client is gone.
  boost::asio::awaitable<bool> begin_stream(ReplyHeaders headers);
  bool queue(std::string_view data);
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> write(std::string_view data);
  boost::asio::awaitable<void> end_stream();

  // While watching, a peer that closes its side makes `on_gone` run once (on this thread).
  // Nothing is consumed from the socket; a pipelined next request stays unread. The socket is
  // watched from the sweep's next tick on (0-200 ms later): most requests are answered by then
  // and never pay the watch's system call.
  void watch_disconnect(std::function<void()> on_gone);
  void unwatch();
  bool client_gone() const;

  bool replied() const { return replied_; }
  bool streaming() const { return streaming_; }
  // The connection can carry another request after this one.
  bool keep_alive() const { return keep_alive_ && !broken_; }

 private:
  struct Watch;
  // Starts the socket watch when the sweep fires it.
  class WatchStart final : public Sweep::Entry {
   public:
    explicit WatchStart(Exchange& ex) : ex_(ex) {}

   private:
    void fire() override { ex_.start_watch(); }
    Exchange& ex_;
  };

  void start_watch();
  // Writes `buffers` (at most two), first without waiting: a socket nearly always takes a whole
  // reply at once, and then no asynchronous operation or deadline is needed.
  boost::asio::awaitable<void> send(boost::asio::const_buffer first,
                                    boost::asio::const_buffer second = {});

  boost::asio::ip::tcp::socket& socket_;
  Sweep& sweep_;
  Request& request_;
  bool keep_alive_;
  bool replied_ = false;
  bool streaming_ = false;
  bool broken_ = false;
  std::atomic<size_t>* open_streams_ = nullptr;
  std::shared_ptr<Watch> watch_;
  std::function<void()> on_gone_;  // kept here until the watch starts
  WatchStart watch_start_{*this};
  std::string pending_;  // stream bytes queued, not yet written
};

}  // namespace sb::http
