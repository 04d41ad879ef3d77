#include "http/exchange.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

namespace sb::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kUseTuple = net::as_tuple(net::use_awaitable);
constexpr std::chrono::seconds kWriteTimeout{30};
// A stream's write queue keeps at most this much capacity between flushes.
constexpr size_t kMaxIdleQueue = 16 * 1024;

// "\r\nName: value": the status line and each field end where the next begins.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append("\r\n").append(name).append(": ").append(value);
}

void append_number(std::string& out, size_t n) {
  char digits[20];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, n).ptr);
}

// A response head, byte for byte what Beast's serializer made of a response after
// set(content_type), set(cache_control), set(headers...), keep_alive() and prepare_payload() (a
// `body_size`) or chunked(true) (none). Written by hand and sent with the body or the first events
// in one gathered write: the serializer's buffer views cost more per request than the reply's
// JSON. Header names in `headers` are distinct (they are ours: identity headers).
std::string response_head(unsigned status, unsigned version, bool keep_alive,
                          std::string_view content_type, std::string_view cache_control,
                          const ReplyHeaders& headers, std::optional<size_t> body_size) {
  std::string head;
  head.reserve(160 + content_type.size() + headers.size() * 64);
  head.append("HTTP/");
  head.push_back(static_cast<char>('0' + version / 10));
  head.push_back('.');
  head.push_back(static_cast<char>('0' + version % 10));
  head.push_back(' ');
  append_number(head, status);
  head.push_back(' ');
  beast::string_view reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  head.append(reason.data(), reason.size());
  append_field(head, "Content-Type", content_type);
  if (!cache_control.empty()) append_field(head, "Cache-Control", cache_control);
  for (const auto& [k, v] : headers) append_field(head, k, v);
  if (version >= 11 && !keep_alive) append_field(head, "Connection", "close");
  if (version < 11 && keep_alive) append_field(head, "Connection", "keep-alive");
  if (body_size) {
    head.append("\r\nContent-Length: ");
    append_number(head, *body_size);
  } else {
    head.append("\r\nTransfer-Encoding: chunked");
  }
  head.append("\r\n\r\n");
  return head;
}

}  // namespace

struct Exchange::Watch {
  bool active = true;
  bool gone = false;
  char peek = 0;  // the peek's one byte lands here
  std::function<void()> on_gone;
};

Exchange::Exchange(net::ip::tcp::socket& socket, Request& request, bool close_after, Sweep& sweep,
                   std::atomic<size_t>* open_streams)
    : socket_(socket),
      sweep_(sweep),
      request_(request),
      keep_alive_(request.keep_alive() && !close_after),
      open_streams_(open_streams) {}

Exchange::~Exchange() {
  unwatch();
  if (streaming_ && open_streams_ != nullptr)
    open_streams_->fetch_sub(1, std::memory_order_relaxed);
}

std::string_view Exchange::header(std::string_view name) const {
  auto it = request_.find(beast::string_view(name.data(), name.size()));
  if (it == request_.end()) return {};
  return std::string_view(it->value().data(), it->value().size());
}

net::awaitable<void> Exchange::reply(unsigned status, std::string body, ReplyHeaders headers,
                                     std::string_view content_type) {
  replied_ = true;
  std::string head = response_head(status, request_.version(), keep_alive(), content_type, "",
                                   headers, body.size());
  co_await send(net::buffer(head), net::buffer(body));
}

net::awaitable<void> Exchange::send(net::const_buffer first, net::const_buffer second) {
  boost::system::error_code ec;
  std::array<net::const_buffer, 2> buffers{first, second};
  size_t n = socket_.write_some(buffers, ec);  // the session made the socket non-blocking
  if (ec && ec != net::error::would_block && ec != net::error::try_again) {
    broken_ = true;
    co_return;
  }
  if (ec) n = 0;
  if (n == first.size() + second.size()) co_return;
  // The rest when the client reads; a client that stops reading for kWriteTimeout is cut.
  buffers[0] += std::min(n, first.size());
  buffers[1] += n > first.size() ? n - first.size() : 0;
  SocketDeadline deadline(socket_);
  sweep_.arm(deadline, kWriteTimeout);
  auto [write_ec, written] = co_await net::async_write(socket_, buffers, kUseTuple);
  if (write_ec || deadline.timed_out()) broken_ = true;
}

net::awaitable<void> Exchange::reply_error(const Error& error, ReplyHeaders headers) {
  auto http = to_http(error);
  co_await reply(http.status, std::move(http.body), headers);
}

net::awaitable<bool> Exchange::begin_stream(ReplyHeaders headers) {
  replied_ = true;
  if (!streaming_ && open_streams_ != nullptr)
    open_streams_->fetch_add(1, std::memory_order_relaxed);
  streaming_ = true;
  if (broken_) co_return false;
  // Queued: the head leaves with the first events, in one write.
  pending_ += response_head(200, request_.version(), keep_alive(), "text/event-stream", "no-cache",
                            headers, std::nullopt);
  co_return true;
}

bool Exchange::queue(std::string_view data) {
  if (broken_) return false;
  if (data.empty()) return true;
  char size[20];
  auto end = std::to_chars(size, size + sizeof size, data.size(), 16).ptr;
  pending_.append(size, end).append("\r\n").append(data).append("\r\n");
  return true;
}

net::awaitable<bool> Exchange::flush() {
  if (broken_) co_return false;
  if (pending_.empty()) co_return true;
  co_await send(net::buffer(pending_));
  pending_.clear();
  if (pending_.capacity() > kMaxIdleQueue) {
    // A fast stream's next batch is likely large too: keep the bound's worth, not nothing, so it
    // grows from there instead of from empty.
    std::string().swap(pending_);
    pending_.reserve(kMaxIdleQueue);
  }
  co_return !broken_;
}

net::awaitable<bool> Exchange::write(std::string_view data) {
  queue(data);
  co_return co_await flush();
}

net::awaitable<void> Exchange::end_stream() {
  if (broken_) co_return;
  pending_.append("0\r\n\r\n");
  co_await flush();
}

void Exchange::watch_disconnect(std::function<void()> on_gone) {
  unwatch();
  on_gone_ = std::move(on_gone);
  sweep_.arm(watch_start_, std::chrono::milliseconds(0));  // at the next tick
}

void Exchange::start_watch() {
  watch_ = std::make_shared<Watch>();
  watch_->on_gone = std::move(on_gone_);
  // A one-byte peek (one recv that finds nothing), not async_wait, which costs an epoll_ctl every
  // time. Data means a pipelined request (left unread); end of stream or an error means the peer
  // is gone.
  socket_.async_receive(net::buffer(&watch_->peek, 1), net::socket_base::message_peek,
                        [watch = watch_](boost::system::error_code ec, size_t n) {
                          if (!watch->active || ec == net::error::operation_aborted) return;
                          if (!ec && n > 0) return;
                          watch->gone = true;
                          watch->active = false;
                          if (watch->on_gone) watch->on_gone();
                        });
}

void Exchange::unwatch() {
  watch_start_.disarm();
  on_gone_ = nullptr;
  if (!watch_) return;
  if (watch_->active) {
    watch_->active = false;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
  if (watch_->gone) broken_ = true;
  watch_.reset();
}

bool Exchange::client_gone() const {
  return broken_ || (watch_ && watch_->gone);
}

}  // namespace sb::http
