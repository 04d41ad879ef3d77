#include "server.h"

#include <atomic>
#include <cctype>
#include <csignal>
#include <ctime>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "connection.h"
#include "conversation.h"
#include "request_log.h"
#include "router.h"

namespace sb::mock {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using HttpRequest = http::request<http::string_body>;

constexpr auto kUse = net::as_tuple(net::use_awaitable);
constexpr std::size_t kMaxBody = std::size_t{32} * 1024 * 1024;
constexpr std::size_t kMaxHeader = std::size_t{64} * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(300);
constexpr auto kBodyTimeout = std::chrono::seconds(60);
constexpr auto kHangLimit = std::chrono::hours(1);
constexpr auto kLingerTimeout = std::chrono::seconds(2);

enum class Next { kKeepAlive, kClose };

}  // namespace

struct ServerState {
  explicit ServerState(std::size_t log_capacity) : log(log_capacity) {}
  RequestLog log;
  TimesCounter times;
  std::atomic<std::uint64_t> next_id{1};
};

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// Headers with credential values redacted; the credential itself goes to entry.auth.
void record_headers(const HttpRequest& req, LogEntry& entry) {
  std::string authorization, api_key, goog_key;
  for (const auto& field : req) {
    std::string name = lowercase(field.name_string());
    std::string value(field.value());
    if (name == "authorization") authorization = value;
    if (name == "x-api-key") api_key = value;
    if (name == "x-goog-api-key") goog_key = value;
    if (name == "authorization" || name == "x-api-key" || name == "x-goog-api-key")
      value = "<redacted:" + std::to_string(value.size()) + ">";
    if (auto* existing = entry.headers.if_contains(name)) {
      std::string joined(existing->get_string());
      joined += ", ";
      joined += value;
      *existing = joined;
    } else {
      entry.headers[name] = value;
    }
  }
  std::string key = query_param(entry.query, "key");
  auto set = [&](const std::string& value, std::string_view source) {
    entry.auth = value;
    entry.auth_source = source;
  };
  if (!authorization.empty()) {
    bool bearer = authorization.size() > 7 && beast::iequals(authorization.substr(0, 7), "bearer ");
    set(bearer ? authorization.substr(7) : authorization, "authorization");
  } else if (!api_key.empty()) {
    set(api_key, "x-api-key");
  } else if (!goog_key.empty()) {
    set(goog_key, "x-goog-api-key");
  } else if (!key.empty()) {
    set(key, "query");
  }
}

std::shared_ptr<const json::value> parse_body(const std::string& text, bool& invalid) {
  auto body = std::make_shared<json::value>();
  invalid = false;
  if (text.empty()) return body;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    invalid = true;
    *body = json::string(text);
  } else {
    *body = std::move(v);
  }
  return body;
}

Reply fault_error(Format format, const Directives& d) {
  ErrorSpec e;
  if (d.error == "context_length")
    e = {.status = 400, .kind = ErrorKind::kContextLength};
  else if (d.error == "content_filter")
    e = {.status = 400, .kind = ErrorKind::kContentFilter};
  else if (d.error == "rate_limit")
    e = {.status = 429, .kind = ErrorKind::kRateLimit};
  if (d.status >= 400 && d.status <= 999) e.status = static_cast<unsigned>(d.status);
  Reply r = error_reply(format, e);
  if (!d.retry_after.empty()) r.headers.emplace_back("Retry-After", d.retry_after);
  if (!d.retry_after_ms.empty()) r.headers.emplace_back("retry-after-ms", d.retry_after_ms);
  return r;
}

Outcome outcome_of(WriteResult result, bool faulted) {
  switch (result) {
    case WriteResult::kDone:
      return faulted ? Outcome::kFault : Outcome::kOk;
    case WriteResult::kClientClosed:
      return Outcome::kClientClosed;
    case WriteResult::kCut:
    case WriteResult::kStalled:
      return Outcome::kFault;
  }
  return Outcome::kFault;
}

// Answers a routed request, applying the connection-level faults before the reply is built.
net::awaitable<Next> respond(Connection& c, Endpoint ep, const Request& r, Directives d,
                             std::shared_ptr<LogEntry> entry, bool keep_alive, unsigned version) {
  if (d.reset) {
    reset_connection(c);
    entry->finish(Outcome::kFault);
    co_return Next::kClose;
  }
  if (d.hang) {
    bool closed = co_await wait_or_peer_close(c, kHangLimit);
    entry->finish(closed ? Outcome::kClientClosed : Outcome::kFault);
    co_return Next::kClose;
  }
  int before_headers = d.delay_headers_ms + (r.stream ? 0 : d.delay_first_token_ms);
  if (before_headers > 0 &&
      co_await wait_or_peer_close(c, std::chrono::milliseconds(before_headers))) {
    entry->finish(Outcome::kClientClosed);
    co_return Next::kClose;
  }
  Reply reply = d.wants_error() ? fault_error(ep.format, d) : dispatch(ep, r, d);
  bool faulted = d.wants_error() || (reply.streaming && (d.malformed_at >= 0 || d.no_done));
  unsigned status = reply.status;
  WriteResult result = co_await write_reply(c, std::move(reply), d, keep_alive, version);
  entry->finish(outcome_of(result, faulted), status);
  co_return result == WriteResult::kDone&& keep_alive ? Next::kKeepAlive : Next::kClose;
}

net::awaitable<Next> write_simple(Connection& c, Reply reply, bool keep_alive, unsigned version) {
  // A named object: GCC 12 destroys a temporary bound to a reference in a co_await twice.
  const Directives none;
  WriteResult result = co_await write_reply(c, std::move(reply), none, keep_alive, version);
  co_return result == WriteResult::kDone&& keep_alive ? Next::kKeepAlive : Next::kClose;
}

// /_mock/requests, /_mock/reset, /_mock/health. Not logged.
net::awaitable<Next> control(Connection& c, const HttpRequest& req, std::string path,
                             std::string query, ServerState& state) {
  Reply r;
  if (path == "/_mock/health") {
    r.body = R"({"status":"ok"})";
  } else if (path == "/_mock/requests" && req.method() == http::verb::get) {
    r.body = state.log.render(query_param(query, "model"));
  } else if (path == "/_mock/reset" && req.method() == http::verb::post) {
    state.log.reset();
    state.times.reset();
    r.body = R"({"status":"ok"})";
  } else {
    r = error_reply(Format::kOpenAi, {.status = 404,
                                      .kind = ErrorKind::kNotFound,
                                      .message = "unknown control endpoint " + path});
  }
  co_return co_await write_simple(c, std::move(r), req.keep_alive(), req.version());
}

net::awaitable<Next> handle(Connection& c, const HttpRequest& req, ServerState& state) {
  std::string_view target = req.target();
  auto qpos = target.find('?');
  std::string path(target.substr(0, qpos));
  std::string query(qpos == std::string_view::npos ? "" : target.substr(qpos + 1));
  if (path.starts_with("/_mock/")) co_return co_await control(c, req, path, query, state);

  auto entry = std::make_shared<LogEntry>();
  entry->method = req.method_string();
  entry->path = path;
  entry->query = query;
  record_headers(req, *entry);
  Request r{.path = path, .query = query};
  r.id = state.next_id.fetch_add(1, std::memory_order_relaxed);
  r.created = std::time(nullptr);
  bool invalid_json = false;
  r.body = parse_body(req.body(), invalid_json);
  entry->body = r.body;
  auto ep = route(req.method_string(), path, query, req.count("anthropic-version") > 0);
  if (ep) describe(*ep, r);
  entry->model = r.model_full;
  entry->stream = r.stream;
  state.log.add(entry);

  if (!ep || invalid_json) {
    ErrorSpec e =
        ep ? ErrorSpec{.status = 400,
                       .kind = ErrorKind::kBadRequest,
                       .message = "the request body is not valid JSON"}
           : ErrorSpec{.status = 404,
                       .kind = ErrorKind::kNotFound,
                       .message =
                           "Unknown request URL: " + std::string(req.method_string()) + " " + path};
    Reply reply = error_reply(ep ? ep->format : Format::kOpenAi, e);
    entry->finish(Outcome::kOk, reply.status);
    co_return co_await write_simple(c, std::move(reply), req.keep_alive(), req.version());
  }
  std::string fault_header(req["x-mock-fault"]);
  Directives d = parse_directives(split_model(r.model_full).directives, fault_header);
  if (d.times > 0 && !state.times.consume(r.model_full + '\n' + fault_header, d.times))
    d.clear_faults();
  co_return co_await respond(c, *ep, r, d, entry, req.keep_alive(), req.version());
}

net::awaitable<Next> reject_too_large(Connection& c, const HttpRequest& head) {
  std::string_view target = head.target();
  auto ep = route(head.method_string(), target.substr(0, target.find('?')), "",
                  head.count("anthropic-version") > 0);
  Reply reply =
      error_reply(ep ? ep->format : Format::kOpenAi,
                  {.status = 413,
                   .kind = ErrorKind::kTooLarge,
                   .message = "request body exceeds " + std::to_string(kMaxBody) + " bytes"});
  co_await write_simple(c, std::move(reply), false, head.version());
  // Lingering close: the client may still be uploading, and closing with unread bytes sends an
  // RST that can destroy the 413 before the client reads it. Stop sending, drain for a moment.
  beast::error_code ec;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) co_await wait_or_peer_close(c, kLingerTimeout);
  co_return Next::kClose;
}

// Reads one request (answering `Expect: 100-continue`) and answers it.
net::awaitable<Next> serve_one(Connection& c, ServerState& state) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kMaxHeader);
  parser.body_limit(kMaxBody);
  c.stream.expires_after(kIdleTimeout);
  auto [ec, n] = co_await http::async_read_header(c.stream, c.buffer, parser, kUse);
  // Beast checks Content-Length against body_limit as soon as the header is complete.
  if (ec == http::error::body_limit) co_return co_await reject_too_large(c, parser.get());
  if (ec) co_return Next::kClose;  // EOF, idle timeout or garbage
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [wec, wn] = co_await net::async_write(c.stream, net::buffer(kContinue), kUse);
    if (wec) co_return Next::kClose;
  }
  c.stream.expires_after(kBodyTimeout);
  auto [bec, bn] = co_await http::async_read(c.stream, c.buffer, parser, kUse);
  if (bec == http::error::body_limit) co_return co_await reject_too_large(c, parser.get());
  if (bec) co_return Next::kClose;
  c.stream.expires_never();
  HttpRequest req = parser.release();
  co_return co_await handle(c, req, state);
}

net::awaitable<void> session(tcp::socket socket, std::shared_ptr<ServerState> state) {
  Connection c(std::move(socket));
  beast::error_code ec;
  c.stream.socket().set_option(tcp::no_delay(true), ec);
  try {
    while (co_await serve_one(c, *state) == Next::kKeepAlive) {
    }
  } catch (const std::exception& e) {  // the one last-resort catch per connection
    spdlog::warn("switchboard-mock: connection dropped after an unexpected error: {}", e.what());
  }
  close_connection(c);
}

// `acceptor` and `contexts` belong to the Server, which outlives every io_context run.
net::awaitable<void> accept_loop(tcp::acceptor* acceptor, std::vector<net::io_context*> contexts,
                                 std::shared_ptr<ServerState> state) {
  for (std::size_t next = 0;; ++next) {
    net::io_context& ctx = *contexts[next % contexts.size()];
    tcp::socket socket(ctx);
    auto [ec] = co_await acceptor->async_accept(socket, kUse);
    if (ec == net::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(10));
      co_await pause.async_wait(kUse);
      continue;
    }
    net::co_spawn(ctx, session(std::move(socket), state), net::detached);
  }
}

}  // namespace

Server::Server(int threads, std::size_t request_log)
    : state_(std::make_shared<ServerState>(request_log)) {
  for (int i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<net::io_context>(1));
}

Server::~Server() {
  acceptor_.reset();
  for (auto& ctx : contexts_) ctx.reset();  // in order: context 0 holds the pending accept
}

std::expected<std::unique_ptr<Server>, sb::Error> Server::create(const ServerOptions& options) {
  std::unique_ptr<Server> server(new Server(std::max(1, options.threads), options.request_log));
  try {
    tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
    server->acceptor_ = std::make_unique<tcp::acceptor>(*server->contexts_[0]);
    server->acceptor_->open(endpoint.protocol());
    server->acceptor_->set_option(net::socket_base::reuse_address(true));
    server->acceptor_->bind(endpoint);
    server->acceptor_->listen(net::socket_base::max_listen_connections);
    server->port_ = server->acceptor_->local_endpoint().port();
  } catch (const std::exception& e) {
    return std::unexpected(sb::make_error(
        sb::ErrorCode::kConfigInvalid,
        "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + e.what()));
  }
  return server;
}

void Server::run() {
  net::signal_set signals(*contexts_[0], SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  std::vector<net::io_context*> raw;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& ctx : contexts_) {
    raw.push_back(ctx.get());
    guards.push_back(net::make_work_guard(*ctx));
  }
  net::co_spawn(*contexts_[0], accept_loop(acceptor_.get(), raw, state_), net::detached);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i)
    threads.emplace_back([ctx = contexts_[i].get()] { ctx->run(); });
  contexts_[0]->run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  for (auto& ctx : contexts_) ctx->stop();
}

}  // namespace sb::mock
