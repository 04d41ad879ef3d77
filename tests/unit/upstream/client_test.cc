#include "upstream/client.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/post.hpp>

#include "test_server.h"

namespace sb::upstream {
namespace {

using namespace std::chrono_literals;
using namespace test_support;
using Requests = std::shared_ptr<std::vector<Request>>;

Clock::time_point in(std::chrono::milliseconds ms) {
  return Clock::now() + ms;
}

// ---- scripted servers: coroutine functions taking everything by value ----

// Answers every request on the connection (keep-alive) with 200 echoing method, target and body
// (HEAD: the same head, no body). "/status/NNN" answers with status NNN instead.
awaitable<void> echo(tcp::socket socket, Requests seen) {
  std::string buffer;
  while (auto request = co_await read_request(socket, buffer)) {
    seen->push_back(*request);
    int status = 200;
    if (request->target.starts_with("/status/")) status = std::stoi(request->target.substr(8));
    std::string body = request->method + " " + request->target + "\n" + request->body;
    std::string reply = response(status, "Scripted", body, "X-Reply: yes\r\nX-Spaced:   a b  \r\n");
    if (request->method == "HEAD") reply.resize(reply.find("\r\n\r\n") + 4);  // head only
    if (!co_await write_all(socket, std::move(reply))) co_return;
  }
}

// Answers the first request with the raw bytes `reply`, then keeps the connection open.
awaitable<void> answer(tcp::socket socket, std::string reply) {
  std::string buffer;
  if (!co_await read_request(socket, buffer)) co_return;
  if (!co_await write_all(socket, std::move(reply))) co_return;
  co_await wait_for_close(socket);
}

// Answers the first request with the raw bytes `reply` and closes the connection at once.
awaitable<void> answer_and_close(tcp::socket socket, std::string reply) {
  std::string buffer;
  if (!co_await read_request(socket, buffer)) co_return;
  co_await write_all(socket, std::move(reply));
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

// Answers one request as if the connection stayed open, then closes it; sets *closed.
awaitable<void> answer_then_drop(tcp::socket socket, std::shared_ptr<int> closed) {
  std::string buffer;
  if (co_await read_request(socket, buffer)) co_await write_all(socket, response(200, "OK", "ok"));
  boost::system::error_code ec;
  socket.close(ec);
  ++*closed;
}

// Reads the request, sends `head_bytes` (maybe nothing), never finishes; sets *closed when the
// client goes away.
awaitable<void> stall(tcp::socket socket, std::string head_bytes, std::shared_ptr<bool> closed) {
  std::string buffer;
  if (co_await read_request(socket, buffer) && co_await write_all(socket, std::move(head_bytes))) {
    co_await wait_for_close(socket);
  }
  *closed = true;
}

const std::string kChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

// Streams `count` chunks "data: i\n\n", pacing itself with a timer, then ends the body.
awaitable<void> stream_chunks(tcp::socket socket, int count, std::chrono::milliseconds gap) {
  std::string buffer;
  if (!co_await read_request(socket, buffer) || !co_await write_all(socket, kChunkedHead)) {
    co_return;
  }
  for (int i = 0; i < count; ++i) {
    if (!co_await write_all(socket, chunk("data: " + std::to_string(i) + "\n\n"))) co_return;
    co_await pause_for(gap);
  }
  co_await write_all(socket, "0\r\n\r\n");
  co_await wait_for_close(socket);
}

// Streams a chunk every 10 ms until a write fails; then sets *closed.
awaitable<void> stream_until_closed(tcp::socket socket, std::shared_ptr<bool> closed) {
  std::string buffer;
  if (co_await read_request(socket, buffer) && co_await write_all(socket, kChunkedHead)) {
    while (co_await write_all(socket, chunk("tick\n"))) co_await pause_for(10ms);
  }
  *closed = true;
}

// One chunk, silence for `gap`, a second chunk, the end.
awaitable<void> chunk_gap_chunk(tcp::socket socket, std::chrono::milliseconds gap) {
  std::string buffer;
  if (!co_await read_request(socket, buffer)) co_return;
  if (!co_await write_all(socket, kChunkedHead + chunk("first"))) co_return;
  co_await pause_for(gap);
  if (!co_await write_all(socket, chunk("second") + "0\r\n\r\n")) co_return;
  co_await wait_for_close(socket);
}

std::string pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 31 + i / 4099) % 251);
  return out;
}

// Sends `size` patterned bytes with a Content-Length, as fast as the client takes them.
awaitable<void> large_body(tcp::socket socket, size_t size) {
  std::string buffer;
  if (!co_await read_request(socket, buffer)) co_return;
  if (!co_await write_all(socket, response(200, "OK", pattern(size)))) co_return;
  co_await wait_for_close(socket);
}

// A forward proxy that answers everything itself, recording what it was asked.
awaitable<void> fake_proxy(tcp::socket socket, Requests seen) {
  std::string buffer;
  while (auto request = co_await read_request(socket, buffer)) {
    seen->push_back(*request);
    if (!co_await write_all(socket, response(200, "OK", "via proxy"))) co_return;
  }
}

// Every behaviour holds for both engines: the native HTTP/1.1 client (kAuto, for these plain
// http:// URLs) and curl.
class UpstreamClient : public ::testing::TestWithParam<Client::Engine> {
 protected:
  // The tests talk to 127.0.0.1 directly unless one sets a proxy on purpose.
  void SetUp() override { clear_proxy_environment(); }
  void TearDown() override { clear_proxy_environment(); }
  static void clear_proxy_environment() {
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
      unsetenv(name);
    }
  }
  static OutboundRequest get(std::string url) { return {.method = "GET", .url = std::move(url)}; }

  // Reads the body with read() until the clean end or an error; counts the non-empty pieces.
  struct Drained {
    std::string body;
    int pieces = 0;
    std::optional<TransferError> error;
  };
  static awaitable<Drained> drain(Transfer& transfer, Clock::time_point deadline) {
    Drained out;
    for (;;) {
      auto part = co_await transfer.read(deadline);
      if (!part) {
        out.error = part.error();
        co_return out;
      }
      if (part->empty()) co_return out;
      out.body += *part;
      ++out.pieces;
    }
  }

  boost::asio::io_context io_;
};

TEST(TransferErrorName, NamesEveryError) {
  EXPECT_EQ(transfer_error_name(TransferError::kConnect), "connect");
  EXPECT_EQ(transfer_error_name(TransferError::kTimeout), "timeout");
  EXPECT_EQ(transfer_error_name(TransferError::kReset), "reset");
  EXPECT_EQ(transfer_error_name(TransferError::kCancelled), "cancelled");
  EXPECT_EQ(transfer_error_name(TransferError::kProtocol), "protocol");
  EXPECT_EQ(transfer_error_name(TransferError::kTooLarge), "too_large");
}

TEST_P(UpstreamClient, GetRoundTripSendsHeadersAndReturnsBody) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    OutboundRequest request{.method = "GET",
                            .url = server.url("/v1/models?x=1"),
                            .headers = {{"Authorization", "Bearer sk-secret"}, {"X-Empty", ""}}};
    auto transfer = client->start(std::move(request), {});
    EXPECT_EQ(client->active(), 1u);
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    EXPECT_EQ(head->status, 200);
    const std::string* reply = find_header(head->headers, "x-reply");
    CO_REQUIRE(reply != nullptr);
    EXPECT_EQ(*reply, "yes");
    const std::string* spaced = find_header(head->headers, "X-Spaced");
    CO_REQUIRE(spaced != nullptr);
    EXPECT_EQ(*spaced, "a b");
    Drained drained = co_await drain(*transfer, in(5s));
    EXPECT_FALSE(drained.error.has_value());
    EXPECT_EQ(drained.body, "GET /v1/models?x=1\n");
    auto again = co_await transfer->read(in(5s));  // the end stays the end
    EXPECT_TRUE(again.has_value() && again->empty());
    EXPECT_EQ(client->active(), 0u);
    EXPECT_EQ(transfer->error_detail(), "");
  });
  ASSERT_EQ(seen->size(), 1u);
  const Request& sent = seen->front();
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.target, "/v1/models?x=1");
  ASSERT_NE(find_header(sent.headers, "authorization"), nullptr);
  EXPECT_EQ(*find_header(sent.headers, "authorization"), "Bearer sk-secret");
  ASSERT_NE(find_header(sent.headers, "x-empty"), nullptr);
  EXPECT_EQ(*find_header(sent.headers, "x-empty"), "");
  ASSERT_NE(find_header(sent.headers, "user-agent"), nullptr);
  EXPECT_TRUE(find_header(sent.headers, "user-agent")->starts_with("switchboard/"));
  ASSERT_NE(find_header(sent.headers, "accept-encoding"), nullptr);
  EXPECT_NE(find_header(sent.headers, "accept-encoding")->find("gzip"), std::string::npos);
}

TEST_P(UpstreamClient, PostSendsBodyWithoutExpectContinue) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  // Over 1 MiB: curl would otherwise send "Expect: 100-continue" and wait for the answer.
  const std::string json = "{\"input\":\"" + std::string(1536 << 10, 'x') + "\"}";
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start({.method = "POST",
                                   .url = server.url("/v1/chat/completions"),
                                   .headers = {{"Content-Type", "application/json"}},
                                   .body = json},
                                  {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    EXPECT_EQ(head->status, 200);
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    EXPECT_EQ(*body, "POST /v1/chat/completions\n" + json);

    // Without a Content-Type of its own the request carries none (not curl's form type).
    auto bare = client->start({.method = "POST", .url = server.url("/bare"), .body = "raw"}, {});
    auto bare_body = co_await bare->read_all(in(5s));
    CO_REQUIRE(bare_body.has_value());
    EXPECT_EQ(*bare_body, "POST /bare\nraw");
  });
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ((*seen)[0].body, json);
  EXPECT_EQ(find_header((*seen)[0].headers, "expect"), nullptr);
  ASSERT_NE(find_header((*seen)[0].headers, "content-type"), nullptr);
  EXPECT_EQ(*find_header((*seen)[0].headers, "content-type"), "application/json");
  EXPECT_EQ(find_header((*seen)[1].headers, "content-type"), nullptr);
}

// Far more than a socket buffer takes at once: the first write goes out without waiting, the
// rest after the socket drains, and the server sees every byte in order.
TEST_P(UpstreamClient, PostBodyLargerThanTheSocketBufferArrivesWhole) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  std::string json = "{\"input\":\"";
  for (size_t i = 0; json.size() < (12u << 20); ++i) json += std::to_string(i) + ' ';
  json += "\"}";
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start({.method = "POST", .url = server.url("/big"), .body = json}, {});
    auto body = co_await transfer->read_all(in(20s));
    CO_REQUIRE(body.has_value());
    EXPECT_TRUE(*body == "POST /big\n" + json);
  });
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].body.size(), json.size());
  EXPECT_TRUE((*seen)[0].body == json);
}

TEST_P(UpstreamClient, ErrorStatusIsAResponseWithReadableBody) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (int status : {400, 404, 429, 500, 503}) {
      std::string path = "/status/" + std::to_string(status);
      auto transfer = client->start(get(server.url(path)), {});
      auto head = co_await transfer->head(in(5s));
      CO_REQUIRE(head.has_value());
      EXPECT_EQ(head->status, status);
      auto body = co_await transfer->read_all(in(5s));
      CO_REQUIRE(body.has_value());
      EXPECT_EQ(*body, "GET " + path + "\n");
    }
  });
}

TEST_P(UpstreamClient, ConnectionRefusedIsConnectError) {
  uint16_t port = 0;
  {
    tcp::acceptor closed_again(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = closed_again.local_endpoint().port();
  }
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get("http://127.0.0.1:" + std::to_string(port) + "/"), {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kConnect);
    auto body = co_await transfer->read(in(5s));  // the same error, again
    CO_REQUIRE(!body.has_value());
    EXPECT_EQ(body.error(), TransferError::kConnect);
    EXPECT_NE(transfer->error_detail(), "");
    EXPECT_EQ(client->active(), 0u);
  });
}

TEST_P(UpstreamClient, CloseWithoutAnswerIsConnectError) {
  TestServer server(io_, [](tcp::socket s) { return answer_and_close(std::move(s), ""); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kConnect);
  });
}

TEST_P(UpstreamClient, ShortContentLengthIsResetAfterBytesWereRead) {
  std::string cut = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(100, 'b');
  TestServer server(io_, [cut](tcp::socket s) { return answer_and_close(std::move(s), cut); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    EXPECT_EQ(head->status, 200);
    Drained drained = co_await drain(*transfer, in(5s));
    EXPECT_EQ(drained.body, std::string(100, 'b'));  // what came is delivered before the error
    CO_REQUIRE(drained.error.has_value());
    EXPECT_EQ(*drained.error, TransferError::kReset);
  });
}

TEST_P(UpstreamClient, UnterminatedChunkedBodyIsReset) {
  std::string cut = kChunkedHead + chunk("partial answer");
  TestServer server(io_, [cut](tcp::socket s) { return answer_and_close(std::move(s), cut); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    Drained drained = co_await drain(*transfer, in(5s));
    EXPECT_EQ(drained.body, "partial answer");
    CO_REQUIRE(drained.error.has_value());
    EXPECT_EQ(*drained.error, TransferError::kReset);
  });
}

TEST_P(UpstreamClient, HeadDeadlineOnSilentServerIsTimeout) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto head = co_await transfer->head(in(200ms));
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kTimeout);
    EXPECT_EQ(client->active(), 1u);  // a timed-out wait does not end the transfer...
    EXPECT_FALSE(*closed);
    transfer.reset();  // ...destroying it does
    EXPECT_EQ(client->active(), 0u);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

TEST_P(UpstreamClient, ReadDeadlineBetweenChunksIsTimeoutAndTheStreamGoesOn) {
  TestServer server(io_, [](tcp::socket s) { return chunk_gap_chunk(std::move(s), 600ms); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto first = co_await transfer->read(in(5s));
    CO_REQUIRE(first.has_value());
    EXPECT_EQ(*first, "first");
    auto idle = co_await transfer->read(in(50ms));
    CO_REQUIRE(!idle.has_value());
    EXPECT_EQ(idle.error(), TransferError::kTimeout);
    Drained rest = co_await drain(*transfer, in(5s));
    EXPECT_FALSE(rest.error.has_value());
    EXPECT_EQ(rest.body, "second");
  });
}

TEST_P(UpstreamClient, TotalTimeoutOptionEndsTheTransfer) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {.total_timeout = 200ms});
    auto head = co_await transfer->head(in(10s));
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kTimeout);
    EXPECT_NE(transfer->error_detail(), "");
    EXPECT_EQ(client->active(), 0u);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

TEST_P(UpstreamClient, StreamsChunksIncrementally) {
  TestServer server(io_, [](tcp::socket s) { return stream_chunks(std::move(s), 50, 5ms); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url("/stream")), {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    Drained drained = co_await drain(*transfer, in(10s));
    EXPECT_FALSE(drained.error.has_value());
    std::string expected;
    for (int i = 0; i < 50; ++i) expected += "data: " + std::to_string(i) + "\n\n";
    EXPECT_EQ(drained.body, expected);
    EXPECT_GT(drained.pieces, 1) << "the body arrived in one piece: not streamed";
  });
}

TEST_P(UpstreamClient, DestroyingTransferMidStreamClosesUpstreamConnection) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_,
                    [closed](tcp::socket s) { return stream_until_closed(std::move(s), closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    std::string got;
    while (got.size() < 2 * std::string("tick\n").size()) {
      auto part = co_await transfer->read(in(5s));
      CO_REQUIRE(part.has_value() && !part->empty());
      got += *part;
    }
    EXPECT_FALSE(*closed);
    transfer.reset();
    EXPECT_EQ(client->active(), 0u);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

TEST_P(UpstreamClient, CancelCompletesPendingReadWithCancelled) {
  auto closed = std::make_shared<bool>(false);
  std::string head_bytes = kChunkedHead + chunk("only");
  TestServer server(
      io_, [closed, head_bytes](tcp::socket s) { return stall(std::move(s), head_bytes, closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto first = co_await transfer->read(in(5s));
    CO_REQUIRE(first.has_value());
    EXPECT_EQ(*first, "only");
    std::optional<std::expected<std::string, TransferError>> pending;
    boost::asio::co_spawn(
        io_,
        [t = transfer.get(), &pending]() -> awaitable<void> {
          pending = co_await t->read(in(10s));
        },
        boost::asio::detached);
    co_await boost::asio::post(io_, boost::asio::use_awaitable);  // the reader is now waiting
    EXPECT_FALSE(pending.has_value());
    transfer->cancel();
    transfer->cancel();  // twice is fine
    EXPECT_EQ(client->active(), 0u);
    CO_REQUIRE(co_await eventually([&] { return pending.has_value(); }));
    CO_REQUIRE(!pending->has_value());
    EXPECT_EQ(pending->error(), TransferError::kCancelled);
    auto after = co_await transfer->read(in(5s));
    CO_REQUIRE(!after.has_value());
    EXPECT_EQ(after.error(), TransferError::kCancelled);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

TEST_P(UpstreamClient, DestroyingTransferCompletesPendingHeadWithCancelled) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    CO_REQUIRE(co_await eventually([&] { return server.accepts() == 1; }));
    std::optional<std::expected<ResponseHead, TransferError>> pending;
    boost::asio::co_spawn(
        io_,
        [t = transfer.get(), &pending]() -> awaitable<void> {
          pending = co_await t->head(in(10s));
        },
        boost::asio::detached);
    co_await boost::asio::post(io_, boost::asio::use_awaitable);
    EXPECT_FALSE(pending.has_value());
    transfer.reset();  // the waiting coroutine keeps only the shared state alive
    CO_REQUIRE(co_await eventually([&] { return pending.has_value(); }));
    CO_REQUIRE(!pending->has_value());
    EXPECT_EQ(pending->error(), TransferError::kCancelled);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

// ---- complete(): the response taken whole (a deferred native transfer runs inside the call) ----

TEST_P(UpstreamClient, CompleteTakesTheWholeResponseAndReusesTheConnection) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (std::string path : {"/one", "/two"}) {
      auto transfer = client->start(get(server.url(path)), {.deferred = true});
      EXPECT_EQ(client->active(), 1u);
      Completed done = co_await transfer->complete(in(5s));
      CO_REQUIRE(done.head.has_value());
      EXPECT_EQ(done.head->status, 200);
      EXPECT_NE(find_header(done.head->headers, "x-reply"), nullptr);
      CO_REQUIRE(done.body.has_value());
      EXPECT_EQ(*done.body, "GET " + path + "\n");
      EXPECT_EQ(client->active(), 0u);
    }
  });
  EXPECT_EQ(seen->size(), 2u);
  EXPECT_EQ(server.accepts(), 1);
}

TEST_P(UpstreamClient, CompleteGivesAnErrorStatusWithItsBody) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url("/status/503")), {.deferred = true});
    Completed done = co_await transfer->complete(in(5s));
    CO_REQUIRE(done.head.has_value());
    EXPECT_EQ(done.head->status, 503);
    CO_REQUIRE(done.body.has_value());
    EXPECT_EQ(*done.body, "GET /status/503\n");
  });
}

// Past the back-pressure threshold: nobody reads while complete() runs, and nothing may stall.
TEST_P(UpstreamClient, CompleteTakesABodyLargerThanTheBackPressureThreshold) {
  const size_t size = (size_t{3} << 20) + 12345;  // three times the 1 MiB pause threshold
  TestServer server(io_, [size](tcp::socket s) { return large_body(std::move(s), size); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {.deferred = true});
    Completed done = co_await transfer->complete(in(10s));
    CO_REQUIRE(done.head.has_value());
    CO_REQUIRE(done.body.has_value());
    EXPECT_EQ(done.body->size(), size);
    EXPECT_TRUE(*done.body == pattern(size));
  });
}

TEST_P(UpstreamClient, CompleteOnASilentServerTimesOutAtItsDeadline) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {.deferred = true});
    Completed done = co_await transfer->complete(in(200ms));
    CO_REQUIRE(!done.head.has_value());
    EXPECT_EQ(done.head.error(), TransferError::kTimeout);
    CO_REQUIRE(!done.body.has_value());
    EXPECT_EQ(done.body.error(), TransferError::kTimeout);
    transfer.reset();
    EXPECT_EQ(client->active(), 0u);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

TEST_P(UpstreamClient, CancelDuringCompleteEndsItWithCancelled) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {.deferred = true});
    std::optional<Completed> pending;
    boost::asio::co_spawn(
        io_,
        [t = transfer.get(), &pending]() -> awaitable<void> {
          pending = co_await t->complete(in(10s));
        },
        boost::asio::detached);
    CO_REQUIRE(co_await eventually([&] { return server.accepts() == 1; }));
    EXPECT_FALSE(pending.has_value());
    transfer->cancel();
    CO_REQUIRE(co_await eventually([&] { return pending.has_value(); }));
    CO_REQUIRE(!pending->head.has_value());
    EXPECT_EQ(pending->head.error(), TransferError::kCancelled);
    EXPECT_EQ(client->active(), 0u);
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
}

// A deferred transfer waited for with head() and read_all() instead starts as a task of its own.
TEST_P(UpstreamClient, DeferredTransferWaitedPieceByPieceStillRuns) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url("/piece")), {.deferred = true});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    EXPECT_EQ(head->status, 200);
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    EXPECT_EQ(*body, "GET /piece\n");
  });
}

TEST_P(UpstreamClient, SequentialRequestsReuseOneConnection) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (std::string path : {"/one", "/two", "/three"}) {
      auto transfer = client->start(get(server.url(path)), {});
      auto body = co_await transfer->read_all(in(5s));
      CO_REQUIRE(body.has_value());
      EXPECT_EQ(*body, "GET " + path + "\n");
    }
  });
  EXPECT_EQ(seen->size(), 3u);
  EXPECT_EQ(server.accepts(), 1);
}

TEST_P(UpstreamClient, IdleConnectionClosedByServerIsReplacedTransparently) {
  auto closed = std::make_shared<int>(0);
  TestServer server(io_,
                    [closed](tcp::socket s) { return answer_then_drop(std::move(s), closed); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (int i = 1; i <= 2; ++i) {
      auto transfer = client->start(get(server.url()), {});
      auto body = co_await transfer->read_all(in(5s));
      CO_REQUIRE(body.has_value());
      EXPECT_EQ(*body, "ok");
      CO_REQUIRE(co_await eventually([&] { return *closed == i; }));
    }
  });
  EXPECT_EQ(server.accepts(), 2);
}

// "localhost" curl answers itself; the machine's own name (when it maps to 127.0.0.1, as in
// /etc/hosts here) goes through curl's threaded resolver and the socketpair it watches.
TEST_P(UpstreamClient, ResolvesHostNames) {
  std::vector<std::string> names = {"localhost"};
  boost::system::error_code ec;
  std::string own = boost::asio::ip::host_name(ec);
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(own, "", ec);
  if (!ec) {
    for (const auto& entry : results) {
      if (entry.endpoint().address() == boost::asio::ip::make_address("127.0.0.1")) {
        names.push_back(own);
        break;
      }
    }
  }
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (const std::string& name : names) {
      for (int i = 0; i < 2; ++i) {  // the second one comes from the DNS cache
        std::string url = "http://" + name + ":" + std::to_string(server.port()) + "/named";
        auto transfer = client->start(get(url), {});
        auto body = co_await transfer->read_all(in(5s));
        CO_REQUIRE(body.has_value());
        EXPECT_EQ(*body, "GET /named\n");
      }
    }
  });
  EXPECT_EQ(seen->size(), 2 * names.size());
  if (names.size() == 1) std::cout << "[   NOTE   ] own host name does not map to 127.0.0.1\n";
}

TEST_P(UpstreamClient, HundredConcurrentTransfersComplete) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    std::vector<std::unique_ptr<Transfer>> transfers;
    for (int i = 0; i < 100; ++i) {
      transfers.push_back(client->start(get(server.url("/n/" + std::to_string(i))), {}));
    }
    EXPECT_EQ(client->active(), 100u);
    for (int i = 0; i < 100; ++i) {
      auto body = co_await transfers[i]->read_all(in(20s));
      CO_REQUIRE(body.has_value());
      EXPECT_EQ(*body, "GET /n/" + std::to_string(i) + "\n");
    }
    EXPECT_EQ(client->active(), 0u);
  });
  EXPECT_EQ(seen->size(), 100u);
  EXPECT_GT(server.accepts(), 1);  // they ran side by side, not one after another
}

TEST_P(UpstreamClient, SlowReaderGetsLargeBodyIntactUnderBackPressure) {
  constexpr size_t kSize = 5u << 20;
  TestServer server(io_, [](tcp::socket s) { return large_body(std::move(s), kSize); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    co_await pause_for(200ms);  // a slow consumer: the server could have sent everything by now
    std::string body;
    size_t largest = 0;
    for (;;) {
      auto part = co_await transfer->read(in(10s));
      CO_REQUIRE(part.has_value());
      if (part->empty()) break;
      largest = std::max(largest, part->size());
      body += *part;
      co_await pause_for(1ms);
    }
    EXPECT_EQ(body.size(), kSize);
    EXPECT_TRUE(body == pattern(kSize)) << "body corrupted";
    // curl was paused at 1 MiB of unread data, so no single read can return much more.
    EXPECT_LE(largest, (size_t{1} << 20) + (64u << 10));
  });
}

TEST_P(UpstreamClient, BodyOverMaxResponseBytesIsTooLarge) {
  std::string chunked = kChunkedHead;
  for (int i = 0; i < 8; ++i) chunked += chunk(std::string(4096, 'c'));
  chunked += "0\r\n\r\n";
  TestServer streamed(io_, [chunked](tcp::socket s) { return answer(std::move(s), chunked); });
  TestServer declared(io_, [](tcp::socket s) {
    return answer(std::move(s), response(200, "OK", std::string(20000, 'd')));
  });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(streamed.url()), {.max_response_bytes = 10000});
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(!body.has_value());
    EXPECT_EQ(body.error(), TransferError::kTooLarge);
    EXPECT_EQ(client->active(), 0u);

    auto early = client->start(get(declared.url()), {.max_response_bytes = 10000});
    auto head = co_await early->head(in(5s));  // refused from its Content-Length
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kTooLarge);
  });
}

TEST_P(UpstreamClient, InterimResponsesAreSkipped) {
  std::string reply =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n" +
      response(201, "Created", "made", "X-Final: 1\r\n");
  TestServer server(io_, [reply](tcp::socket s) { return answer(std::move(s), reply); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start({.method = "POST", .url = server.url(), .body = "{}"}, {});
    auto head = co_await transfer->head(in(5s));
    CO_REQUIRE(head.has_value());
    EXPECT_EQ(head->status, 201);
    EXPECT_EQ(find_header(head->headers, "link"), nullptr);
    EXPECT_NE(find_header(head->headers, "x-final"), nullptr);
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    EXPECT_EQ(*body, "made");
  });
}

TEST_P(UpstreamClient, GzipBodyIsDecoded) {
  // gzip of "hello gzip world\n" x 20
  const std::string gz(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xcb\x48\xcd\xc9\xc9\x57\x48\xaf\xca\x2c\x50\x28"
      "\xcf\x2f\xca\x49\xe1\xca\x18\x15\xa0\x54\x00\x00\x25\xfa\x59\x05\x54\x01\x00\x00",
      42);
  TestServer server(io_, [gz](tcp::socket s) {
    return answer(std::move(s), response(200, "OK", gz, "Content-Encoding: gzip\r\n"));
  });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer = client->start(get(server.url()), {});
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    std::string expected;
    for (int i = 0; i < 20; ++i) expected += "hello gzip world\n";
    EXPECT_EQ(*body, expected);
  });
}

TEST_P(UpstreamClient, HttpProxyFromEnvironmentIsUsedAndNoProxyHonoured) {
  auto origin_seen = std::make_shared<std::vector<Request>>();
  auto proxy_seen = std::make_shared<std::vector<Request>>();
  TestServer origin(io_, [origin_seen](tcp::socket s) { return echo(std::move(s), origin_seen); });
  TestServer proxy(io_,
                   [proxy_seen](tcp::socket s) { return fake_proxy(std::move(s), proxy_seen); });
  // The proxy variables are read when the client is made.
  setenv("http_proxy", ("http://127.0.0.1:" + std::to_string(proxy.port())).c_str(), 1);
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto proxied = client->start(get(origin.url("/through")), {});
    auto body = co_await proxied->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    EXPECT_EQ(*body, "via proxy");

    setenv("NO_PROXY", "127.0.0.1", 1);
    auto direct = client->start(get(origin.url("/direct")), {});
    auto direct_body = co_await direct->read_all(in(5s));
    CO_REQUIRE(direct_body.has_value());
    EXPECT_EQ(*direct_body, "GET /direct\n");
  });
  ASSERT_EQ(proxy_seen->size(), 1u);
  EXPECT_EQ(proxy_seen->front().target, origin.url("/through"));  // absolute-form: a proxy request
  ASSERT_EQ(origin_seen->size(), 1u);
  EXPECT_EQ(origin_seen->front().target, "/direct");
}

TEST_P(UpstreamClient, InvalidRequestsFailWithoutSending) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto injected = client->start(
        {.method = "GET", .url = server.url(), .headers = {{"X-Bad", "a\r\nInjected: 1"}}}, {});
    EXPECT_EQ(client->active(), 0u);
    auto head = co_await injected->head(in(5s));
    CO_REQUIRE(!head.has_value());
    EXPECT_EQ(head.error(), TransferError::kProtocol);

    auto bad_method = client->start({.method = "GE T", .url = server.url()}, {});
    auto head2 = co_await bad_method->head(in(5s));
    CO_REQUIRE(!head2.has_value());
    EXPECT_EQ(head2.error(), TransferError::kProtocol);

    auto file = client->start(get("file:///etc/hostname"), {});  // only http and https
    auto head3 = co_await file->head(in(5s));
    CO_REQUIRE(!head3.has_value());
    EXPECT_EQ(head3.error(), TransferError::kProtocol);
  });
  EXPECT_EQ(server.accepts(), 0);
}

TEST_P(UpstreamClient, DestroyingClientCancelsTransfersEvenWhileStopped) {
  auto closed = std::make_shared<bool>(false);
  TestServer server(io_, [closed](tcp::socket s) { return stall(std::move(s), "", closed); });
  auto client = Client::create(io_, GetParam());
  auto transfer = client->start(get(server.url()), {});
  run(io_, [&]() -> awaitable<void> {
    EXPECT_TRUE(co_await eventually([&] { return server.accepts() == 1; }));
  });
  // io_ is stopped here.
  client.reset();
  std::optional<std::expected<ResponseHead, TransferError>> head;
  run(io_, [&]() -> awaitable<void> {
    head = co_await transfer->head(in(5s));  // the Transfer outlived its Client
    EXPECT_TRUE(co_await eventually([&] { return *closed; }));
  });
  ASSERT_TRUE(head.has_value());
  ASSERT_FALSE(head->has_value());
  EXPECT_EQ(head->error(), TransferError::kCancelled);
  transfer.reset();
}

TEST_P(UpstreamClient, BodyDelimitedByCloseEndsCleanlyAndIsNotReused) {
  std::string reply = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end";
  TestServer server(io_, [reply](tcp::socket s) { return answer_and_close(std::move(s), reply); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto transfer = client->start(get(server.url()), {});
      auto body = co_await transfer->read_all(in(5s));
      CO_REQUIRE(body.has_value());
      EXPECT_EQ(*body, "until the end");
    }
  });
  EXPECT_EQ(server.accepts(), 2);
}

TEST_P(UpstreamClient, HeadResponseHasNoBodyAndKeepsTheConnection) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    // echo() answers HEAD with the Content-Length a GET would have, and no body.
    auto head_only = client->start({.method = "HEAD", .url = server.url("/h")}, {});
    auto body = co_await head_only->read_all(in(5s));
    CO_REQUIRE(body.has_value());
    EXPECT_EQ(*body, "");
    auto after = client->start(get(server.url("/after")), {});
    auto body2 = co_await after->read_all(in(5s));
    CO_REQUIRE(body2.has_value());
    EXPECT_EQ(*body2, "GET /after\n");
  });
  EXPECT_EQ(server.accepts(), 1);
}

TEST_P(UpstreamClient, PostBodyGoesWithContentLengthAndOneHostHeader) {
  auto seen = std::make_shared<std::vector<Request>>();
  TestServer server(io_, [seen](tcp::socket s) { return echo(std::move(s), seen); });
  auto client = Client::create(io_, GetParam());
  run(io_, [&]() -> awaitable<void> {
    auto transfer =
        client->start({.method = "POST",
                       .url = server.url("/p"),
                       .headers = {{"Content-Type", "application/json"}, {"Content-Length", "999"}},
                       .body = std::string(70000, 'x')},
                      {});
    auto body = co_await transfer->read_all(in(5s));
    CO_REQUIRE(body.has_value());
  });
  ASSERT_EQ(seen->size(), 1u);
  const Request& sent = seen->front();
  EXPECT_EQ(sent.body.size(), 70000u);
  int hosts = 0, lengths = 0;
  for (const auto& [name, value] : sent.headers) {
    hosts += strcasecmp(name.c_str(), "host") == 0;
    lengths += strcasecmp(name.c_str(), "content-length") == 0;
  }
  EXPECT_EQ(hosts, 1);
  EXPECT_EQ(lengths, 1);
  EXPECT_EQ(*find_header(sent.headers, "content-length"), "70000");
  EXPECT_EQ(*find_header(sent.headers, "host"), "127.0.0.1:" + std::to_string(server.port()));
}

INSTANTIATE_TEST_SUITE_P(Engines, UpstreamClient,
                         ::testing::Values(Client::Engine::kAuto, Client::Engine::kCurl),
                         [](const auto& info) {
                           return info.param == Client::Engine::kAuto ? "Native" : "Curl";
                         });

}  // namespace
}  // namespace sb::upstream
