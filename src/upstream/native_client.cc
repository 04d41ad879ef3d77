#include "upstream/native_client.h"

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/intrusive/list.hpp>

#include "upstream/request_checks.h"
#include "upstream/response_parser.h"
#include "upstream/transfer_handle.h"

namespace sb::upstream::detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr size_t kMaxIdlePerHost = 256;
constexpr auto kMaxIdleAge = std::chrono::seconds(55);
constexpr auto kDnsTtl = std::chrono::seconds(60);
// Reads start small (an event stream's events are a few hundred bytes, and every open stream holds
// its buffer) and grow to the large size while reads fill the buffer.
constexpr size_t kReadSmall = 2048;
constexpr size_t kReadLarge = 16384;

struct Connection {
  explicit Connection(asio::io_context& io) : socket(io) {}
  tcp::socket socket;
  std::string key;
  Clock::time_point idle_since;
};

enum class Outcome { kDone, kKeep, kRetry };

}  // namespace

struct NativeState : TransferState {
  NativeState(asio::io_context& io, std::weak_ptr<NativeClient::Shared> home)
      : TransferState(io), home(std::move(home)) {}
  ~NativeState();

  std::weak_ptr<NativeClient::Shared> home;
  // In the client's list of transfers in flight (intrusive: no node allocated per request).
  boost::intrusive::list_member_hook<boost::intrusive::link_mode<boost::intrusive::safe_link>>
      in_flight_hook;
  Connection* connection = nullptr;       // the socket the transfer uses, closed by abort()
  asio::steady_timer* stalled = nullptr;  // a back-pressure wait, ended by resume()
  // When the client's sweep closes the socket (connect, then total timeout); `timed_out` tells
  // the transfer's coroutine why its operation failed.
  Clock::time_point deadline = Clock::time_point::max();
  bool timed_out = false;
  // Options::deferred: what run() needs, until complete() runs it inline or a piecewise wait
  // launches it as a task.
  struct Pending {
    std::shared_ptr<const PlainUrl> url;
    std::string head;
    bool head_only = false;
    Options options;
  };
  std::optional<Pending> pending;
  // Run inline by complete(): nobody drains the body meanwhile, so no back-pressure pause (the
  // body is still bounded by max_response_bytes).
  bool collect = false;
};

struct NativeClient::Shared {
  explicit Shared(asio::io_context& io) : io(io), resolver(io), sweep(io) {}

  struct DnsEntry {
    std::vector<tcp::endpoint> endpoints;
    Clock::time_point expires;
  };

  std::unique_ptr<Connection> take(const std::string& key);
  void put(std::unique_ptr<Connection> connection);
  void finish(NativeState& state);
  void fail(NativeState& state, TransferError error, std::string detail);
  void detach(NativeState& state);

  asio::io_context& io;
  tcp::resolver resolver;
  // One timer checks the deadlines of every transfer in flight, every kSweepTick while there are
  // any: no timer armed and cancelled a request.
  asio::steady_timer sweep;
  bool sweeping = false;
  bool closed = false;
  size_t idle_count = 0;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Connection>>> idle;
  std::unordered_map<std::string, DnsEntry> dns;
  boost::intrusive::list<
      NativeState, boost::intrusive::member_hook<NativeState, decltype(NativeState::in_flight_hook),
                                                 &NativeState::in_flight_hook>>
      in_flight;

  void leave(NativeState& state) {
    if (state.in_flight_hook.is_linked()) in_flight.erase(in_flight.iterator_to(state));
  }
};

NativeState::~NativeState() {
  if (auto shared = home.lock()) shared->leave(*this);
}

std::unique_ptr<Connection> NativeClient::Shared::take(const std::string& key) {
  auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& list = it->second;
  const auto now = Clock::now();
  while (!list.empty()) {
    std::unique_ptr<Connection> connection = std::move(list.back());
    list.pop_back();
    --idle_count;
    if (now - connection->idle_since < kMaxIdleAge) return connection;
  }
  return nullptr;
}

// Nothing watches an idle connection (in Asio every wait costs an epoll_ctl or a recv): one the
// server closed meanwhile fails its next request before any response byte, and that request goes
// again on a fresh connection.
void NativeClient::Shared::put(std::unique_ptr<Connection> connection) {
  auto& list = idle[connection->key];
  const auto now = Clock::now();
  while (!list.empty() && now - list.front()->idle_since >= kMaxIdleAge) {  // oldest first
    list.pop_front();
    --idle_count;
  }
  if (closed || list.size() >= kMaxIdlePerHost) return;  // closed with the connection
  connection->idle_since = now;
  list.push_back(std::move(connection));
  ++idle_count;
}

void NativeClient::Shared::detach(NativeState& state) {
  state.owner = nullptr;
  state.connection = nullptr;
  state.paused = false;
  leave(state);
}

void NativeClient::Shared::finish(NativeState& state) {
  if (!state.error) state.finished = true;
  detach(state);
  state.wake();
}

void NativeClient::Shared::fail(NativeState& state, TransferError error, std::string detail) {
  if (!state.error && !state.finished) {
    state.error = error;
    state.error_detail = std::move(detail);
  }
  detach(state);
  state.wake();
}

namespace {

using SharedPtr = std::shared_ptr<NativeClient::Shared>;
using StatePtr = std::shared_ptr<NativeState>;

std::string with_port(const PlainUrl& url) {
  return url.host + " port " + std::to_string(url.port);
}

// How often the sweep looks: a deadline fires at most this late.
constexpr auto kSweepTick = std::chrono::milliseconds(50);

// Closes the socket of every transfer whose deadline passed; its coroutine then sees timed_out.
void sweep_deadlines(NativeClient::Shared& shared) {
  const auto now = Clock::now();
  for (NativeState& s : shared.in_flight) {
    if (s.deadline > now) continue;
    s.deadline = Clock::time_point::max();  // once
    if (s.owner == nullptr) continue;
    s.timed_out = true;
    if (s.connection != nullptr) {
      error_code ignored;
      s.connection->socket.close(ignored);  // its handlers are queued, the list is untouched
    }
    if (s.stalled != nullptr) s.stalled->cancel();
  }
}

void schedule_sweep(const SharedPtr& shared) {
  if (shared->sweeping) return;
  shared->sweeping = true;
  shared->sweep.expires_after(kSweepTick);
  shared->sweep.async_wait([weak = std::weak_ptr<NativeClient::Shared>(shared)](error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self) return;
    self->sweeping = false;
    sweep_deadlines(*self);
    if (!self->in_flight.empty()) schedule_sweep(self);
  });
}

// The transfer's socket closes when `deadline` passes (checked by the sweep, up to a tick late).
void watch(const SharedPtr& shared, NativeState& state, Clock::time_point deadline) {
  state.deadline = deadline;
  schedule_sweep(shared);
}

asio::awaitable<std::vector<tcp::endpoint>> resolve(SharedPtr shared, StatePtr state,
                                                    const PlainUrl& url) {
  error_code ec;
  auto address = asio::ip::make_address(url.host, ec);
  if (!ec) co_return std::vector<tcp::endpoint>{tcp::endpoint(address, url.port)};
  const auto now = Clock::now();
  if (auto it = shared->dns.find(url.pool_key);
      it != shared->dns.end() && it->second.expires > now) {
    co_return it->second.endpoints;
  }
  auto [rec, results] =
      co_await shared->resolver.async_resolve(url.host, std::to_string(url.port), kTuple);
  if (rec || results.empty()) {
    if (state->owner != nullptr) {
      shared->fail(*state, TransferError::kConnect, "Could not resolve host: " + url.host);
    }
    co_return std::vector<tcp::endpoint>{};
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  shared->dns[url.pool_key] = {endpoints, Clock::now() + kDnsTtl};
  co_return endpoints;
}

asio::awaitable<std::unique_ptr<Connection>> open_connection(SharedPtr shared, StatePtr state,
                                                             const PlainUrl& url,
                                                             const Options& options,
                                                             Clock::time_point total_deadline) {
  std::vector<tcp::endpoint> endpoints = co_await resolve(shared, state, url);
  if (endpoints.empty() || state->owner == nullptr) co_return nullptr;
  auto connection = std::make_unique<Connection>(shared->io);
  connection->key = url.pool_key;
  state->connection = connection.get();
  watch(shared, *state, std::min(Clock::now() + options.connect_timeout, total_deadline));
  auto [ec, endpoint] = co_await asio::async_connect(connection->socket, endpoints, kTuple);
  if (state->owner == nullptr) co_return nullptr;  // aborted meanwhile
  if (state->timed_out) {
    shared->fail(*state, TransferError::kTimeout,
                 "Connection timed out after " + std::to_string(options.connect_timeout.count()) +
                     " milliseconds (" + with_port(url) + ")");
    co_return nullptr;
  }
  if (ec) {
    shared->fail(*state, TransferError::kConnect,
                 "Failed to connect to " + with_port(url) + ": " + ec.message());
    co_return nullptr;
  }
  error_code ignored;
  connection->socket.set_option(tcp::no_delay(true), ignored);
  connection->socket.set_option(asio::socket_base::keep_alive(true), ignored);
  // exchange() writes without waiting first; Asio set O_NONBLOCK for the connect already, so
  // this only tells it a full socket should say would_block instead of blocking.
  connection->socket.non_blocking(true, ignored);
  watch(shared, *state, total_deadline);
  co_return connection;
}

std::string timeout_detail(const Options& options, const NativeState& state) {
  return "Operation timed out after " + std::to_string(options.total_timeout.count()) +
         " milliseconds with " + std::to_string(state.body_total) + " bytes received";
}

// One request and its response on `connection`. kRetry: a reused connection was dead before any
// response byte, nothing reached the reader, the request may go again on a fresh connection.
asio::awaitable<Outcome> exchange(SharedPtr shared, StatePtr state, Connection& connection,
                                  const std::string& head, bool reused, bool head_only,
                                  const Options& options) {
  NativeState& s = *state;
  s.connection = &connection;
  std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(s.request_body)};
  // One sendmsg without waiting: a request that fits the socket buffer (the usual case) goes out
  // without an operation queued on the reactor and a trip through the scheduler to resume here.
  error_code wec;
  size_t sent = connection.socket.write_some(out, wec);
  if (wec == asio::error::would_block || wec == asio::error::try_again) {
    wec = {};
    sent = 0;
  }
  if (!wec && sent < head.size() + s.request_body.size()) {
    if (sent < head.size()) {
      out[0] += sent;
    } else {
      out[1] += sent - head.size();
      out[0] = asio::const_buffer();
    }
    auto [rest_ec, rest] = co_await asio::async_write(connection.socket, out, kTuple);
    wec = rest_ec;
  }
  if (s.owner == nullptr) co_return Outcome::kDone;
  if (s.timed_out) {
    shared->fail(s, TransferError::kTimeout, timeout_detail(options, s));
    co_return Outcome::kDone;
  }
  if (wec) {
    if (reused) co_return Outcome::kRetry;
    shared->fail(s, TransferError::kConnect, "Send failure: " + wec.message());
    co_return Outcome::kDone;
  }

  std::optional<ResponseParser> parser;
  parser.emplace(s);
  if (head_only) parser->skip(true);
  boost::beast::flat_buffer buffer;
  size_t read_size = kReadSmall;
  size_t received = 0;
  for (;;) {
    while (buffer.size() > 0) {
      error_code pec;
      size_t used = parser->put(buffer.data(), pec);
      buffer.consume(used);
      if (pec == http::error::need_more) break;
      if (pec) {
        if (pec == http::error::body_limit) {
          s.too_large = true;
          shared->fail(s, TransferError::kTooLarge, "response body exceeds max_response_bytes");
        } else {
          std::string why = parser->problem().empty() ? "malformed HTTP response: " + pec.message()
                                                      : parser->problem();
          shared->fail(s, TransferError::kProtocol, std::move(why));
        }
        co_return Outcome::kDone;
      }
      if (parser->is_done()) {
        if (parser->interim()) {  // 100 Continue, 103 Early Hints: the response follows
          parser.emplace(s);
          if (head_only) parser->skip(true);
          continue;
        }
        const bool keep = parser->keep_alive() && buffer.size() == 0;
        shared->finish(s);
        co_return keep ? Outcome::kKeep : Outcome::kDone;
      }
      if (used == 0) break;
    }
    // Back-pressure: stop reading while the reader has not taken what is buffered.
    while (!s.collect && s.body.size() >= kPauseThreshold && s.owner != nullptr && !s.timed_out) {
      asio::steady_timer stall(shared->io, asio::steady_timer::time_point::max());
      s.stalled = &stall;
      s.paused = true;
      co_await stall.async_wait(kTuple);
      s.stalled = nullptr;
    }
    if (s.owner == nullptr) co_return Outcome::kDone;
    if (s.timed_out) break;
    const size_t want = read_size;
    auto [rec, n] = co_await connection.socket.async_read_some(buffer.prepare(want), kTuple);
    buffer.commit(n);
    read_size = n == want ? kReadLarge : kReadSmall;
    received += n;
    if (s.owner == nullptr) co_return Outcome::kDone;
    if (s.timed_out) break;
    if (!rec) continue;
    if (rec == asio::error::eof && received > 0) {
      error_code eec;
      parser->put_eof(eec);
      if (!eec && parser->is_done()) {  // a body delimited by the end of the connection
        shared->finish(s);
        co_return Outcome::kDone;
      }
      shared->fail(s, s.head_done ? TransferError::kReset : TransferError::kConnect,
                   s.head_done ? "connection closed before the end of the response body"
                               : "connection closed inside the response head");
      co_return Outcome::kDone;
    }
    if (received == 0 && reused) co_return Outcome::kRetry;
    std::string why =
        rec == asio::error::eof ? "Empty reply from server" : "Recv failure: " + rec.message();
    shared->fail(s, s.head_done ? TransferError::kReset : TransferError::kConnect, std::move(why));
    co_return Outcome::kDone;
  }
  shared->fail(s, TransferError::kTimeout, timeout_detail(options, s));
  co_return Outcome::kDone;
}

asio::awaitable<void> run(SharedPtr shared, StatePtr state, std::shared_ptr<const PlainUrl> where,
                          std::string head, bool head_only, Options options) {
  const PlainUrl& url = *where;
  const auto total_deadline = Clock::now() + options.total_timeout;
  for (int attempt = 0;; ++attempt) {
    if (state->owner == nullptr) co_return;
    std::unique_ptr<Connection> connection = attempt == 0 ? shared->take(url.pool_key) : nullptr;
    const bool reused = connection != nullptr;
    if (reused) {
      if (attempt == 0) watch(shared, *state, total_deadline);
    } else {
      connection = co_await open_connection(shared, state, url, options, total_deadline);
      if (!connection) co_return;
    }
    Outcome outcome =
        co_await exchange(shared, state, *connection, head, reused, head_only, options);
    if (outcome == Outcome::kRetry) continue;  // a stale keep-alive connection: once, fresh
    if (outcome == Outcome::kKeep) shared->put(std::move(connection));
    co_return;
  }
}

// After a stray exception out of run(): the transfer fails instead of the exception escaping.
void fail_internal(NativeClient::Shared& shared, NativeState& state) {
  if (state.owner != nullptr) {
    shared.fail(state, TransferError::kConnect, "internal error in the client");
  }
}

// run() as a task of its own.
void spawn_run(SharedPtr shared, StatePtr state, std::shared_ptr<const PlainUrl> where,
               std::string head, bool head_only, const Options& options) {
  asio::co_spawn(shared->io,
                 run(shared, state, std::move(where), std::move(head), head_only, options),
                 [shared, state](std::exception_ptr e) {
                   if (e) fail_internal(*shared, *state);
                 });
}

// The deferred run's parameters, taken once (by complete() or by a piecewise wait).
std::optional<NativeState::Pending> take_pending(NativeState& state) {
  std::optional<NativeState::Pending> p = std::move(state.pending);
  state.pending.reset();
  return p;
}

// The request head, or nullopt when a method or header could inject protocol text.
std::optional<std::string> request_head(const PlainUrl& url, const OutboundRequest& request,
                                        size_t body_size) {
  if (!is_token(request.method)) return std::nullopt;
  std::string head;
  head.reserve(256 + url.target.size());
  head.append(request.method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  bool host = false, agent = false, encoding = false;
  for (const auto& [name, value] : request.headers) {
    if (!is_token(name) || !is_header_value(value)) return std::nullopt;
    // The framing is ours: one Content-Length for the body we send.
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
        iequals(name, "expect")) {
      continue;
    }
    host = host || iequals(name, "host");
    agent = agent || iequals(name, "user-agent");
    encoding = encoding || iequals(name, "accept-encoding");
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (!host) head.append("Host: ").append(url.host_header).append("\r\n");
  if (!agent) head.append("User-Agent: switchboard/" SWITCHBOARD_VERSION "\r\n");
  if (!encoding) head.append("Accept-Encoding: gzip, deflate\r\n");
  const bool has_body = body_size > 0 || request.method == "POST" || request.method == "PUT" ||
                        request.method == "PATCH";
  if (has_body) head.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n");
  head.append("\r\n");
  return head;
}

}  // namespace

NativeClient::NativeClient(asio::io_context& io) : shared_(std::make_shared<Shared>(io)) {}

NativeClient::~NativeClient() {
  while (!shared_->in_flight.empty()) abort(shared_->in_flight.front(), TransferError::kCancelled);
  shared_->sweep.cancel();
  shared_->closed = true;
  shared_->idle.clear();
  shared_->idle_count = 0;
  shared_->resolver.cancel();
}

std::unique_ptr<Transfer> NativeClient::start(std::shared_ptr<const PlainUrl> url,
                                              OutboundRequest request, const Options& options) {
  auto head = request_head(*url, request, request.body.size());
  if (!head) {
    return failed_transfer(shared_->io, TransferError::kProtocol,
                           "request method or header is not valid HTTP");
  }
  auto state = std::make_shared<NativeState>(shared_->io, shared_);
  state->max_response_bytes = options.max_response_bytes;
  state->request_body = std::move(request.body);
  state->owner = this;
  shared_->in_flight.push_back(*state);
  const bool head_only = request.method == "HEAD";
  if (options.deferred) {
    state->pending = NativeState::Pending{std::move(url), std::move(*head), head_only, options};
  } else {
    spawn_run(shared_, state, std::move(url), std::move(*head), head_only, options);
  }
  return std::make_unique<TransferHandle>(std::move(state));
}

void NativeClient::launch(const std::shared_ptr<TransferState>& base) {
  auto state = std::static_pointer_cast<NativeState>(base);
  auto p = take_pending(*state);
  if (!p) return;
  spawn_run(shared_, state, std::move(p->url), std::move(p->head), p->head_only, p->options);
}

// The whole exchange in the caller's coroutine: no task, no wake-ups; the caller's deadline
// becomes the transfer's total timeout (the sweep closes the socket when it passes).
asio::awaitable<bool> NativeClient::run_deferred(std::shared_ptr<TransferState> base,
                                                 Clock::time_point deadline) {
  auto state = std::static_pointer_cast<NativeState>(base);
  auto p = take_pending(*state);
  if (!p) co_return false;
  state->collect = true;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  p->options.total_timeout =
      std::min(p->options.total_timeout, std::max(left, std::chrono::milliseconds(0)));
  SharedPtr shared = shared_;  // `this` is not touched once the exchange is under way
  try {
    co_await run(shared, state, std::move(p->url), std::move(p->head), p->head_only, p->options);
  } catch (const std::exception&) {
    fail_internal(*shared, *state);
  }
  co_return true;
}

size_t NativeClient::active() const {
  return shared_->in_flight.size();
}

void NativeClient::abort(TransferState& base, TransferError error) {
  auto& state = static_cast<NativeState&>(base);
  if (state.connection != nullptr) {
    error_code ignored;
    state.connection->socket.close(ignored);  // the coroutine sees the abort and drops it
  }
  if (state.stalled != nullptr) state.stalled->cancel();
  if (!state.error && !state.finished) state.body.clear();
  shared_->fail(state, error, std::string(transfer_error_name(error)));
}

void NativeClient::resume(TransferState& base) {
  auto& state = static_cast<NativeState&>(base);
  state.paused = false;
  if (state.stalled != nullptr) state.stalled->cancel();
}

}  // namespace sb::upstream::detail
