#pragma once

// One request/response on a connection. Handlers answer either with one full response or with an
// SSE stream (chunked transfer encoding, so keep-alive survives). Errors before the stream's
// headers are JSON responses; after them they are one error event (STYLE.md "Errors").

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/error.h"
#include "common/http_message.h"

namespace sb::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;

class Exchange {
 public:
  // `open_streams` (optional) counts this exchange while it is an SSE stream (a metrics gauge).
  Exchange(boost::beast::tcp_stream& stream, Request& request, bool close_after,
           std::atomic<size_t>* open_streams = nullptr);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  const Request& request() const { return request_; }
  // Frees the request body once the handler has decoded it: a stream keeps its Exchange (and
  // the request) for minutes, and a long conversation's body can be hundreds of kilobytes.
  void release_body() { std::string().swap(request_.body()); }
  std::string_view header(std::string_view name) const;

  boost::asio::awaitable<void> reply(unsigned status, std::string body,
                                     const HeaderList& headers = {},
                                     std::string_view content_type = "application/json");
  boost::asio::awaitable<void> reply_error(const Error& error, const HeaderList& headers = {});

  // SSE (200, text/event-stream, chunked). begin_stream() and queue() only queue bytes; flush()
  // writes everything queued in one go, write() is queue() + flush(), end_stream() flushes with
  // the terminating zero-length chunk. All return false once the client is gone.
  boost::asio::awaitable<bool> begin_stream(const HeaderList& headers);
  bool queue(std::string_view data);
  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<bool> write(std::string_view data);
  boost::asio::awaitable<void> end_stream();

  // While watching, a peer that closes its side makes `on_gone` run once (on this thread).
  // Nothing is consumed from the socket; a pipelined next request stays unread.
  void watch_disconnect(std::function<void()> on_gone);
  void unwatch();
  bool client_gone() const;

  bool replied() const { return replied_; }
  bool streaming() const { return streaming_; }
  // The connection can carry another request after this one.
  bool keep_alive() const { return keep_alive_ && !broken_; }

 private:
  struct Watch;

  boost::beast::tcp_stream& stream_;
  Request& request_;
  bool keep_alive_;
  bool replied_ = false;
  bool streaming_ = false;
  bool broken_ = false;
  std::atomic<size_t>* open_streams_ = nullptr;
  std::shared_ptr<Watch> watch_;
  std::string pending_;  // stream bytes queued, not yet written
};

}  // namespace sb::http
