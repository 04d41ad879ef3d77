#include "upstream/transfer_state.h"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "upstream/transfer_error.h"

namespace sb::upstream::detail {
namespace {

class TransferStateTest : public ::testing::Test {
 protected:
  void feed(std::initializer_list<std::string_view> lines) {
    for (auto line : lines) state_.header_line(line);
  }
  boost::asio::io_context io_;
  TransferState state_{io_};
};

TEST_F(TransferStateTest, FinalBlockAfterInterimResponsesIsTheHead) {
  feed({"HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 103 Early Hints\r\n", "Link: </a>\r\n",
        "\r\n", "HTTP/1.1 404 Not Found\r\n", "Content-Type: application/json\r\n"});
  EXPECT_FALSE(state_.head_done);
  feed({"\r\n"});
  ASSERT_TRUE(state_.head_done);
  EXPECT_EQ(state_.head.status, 404);
  ASSERT_EQ(state_.head.headers.size(), 1u);
  EXPECT_EQ(state_.head.headers[0].first, "Content-Type");
  EXPECT_EQ(state_.head.headers[0].second, "application/json");
}

TEST_F(TransferStateTest, ParsesHttp2StatusTrimsValuesAndUnfoldsLines) {
  feed({"HTTP/2 200 \r\n", "x-a:   spaced value \t\r\n", "x-folded: one\r\n", "  two\r\n",
        "x-empty:\r\n", "no colon here\r\n", "\r\n"});
  ASSERT_TRUE(state_.head_done);
  EXPECT_EQ(state_.head.status, 200);
  ASSERT_EQ(state_.head.headers.size(), 3u);
  EXPECT_EQ(state_.head.headers[0].second, "spaced value");
  EXPECT_EQ(state_.head.headers[1].second, "one two");
  EXPECT_EQ(state_.head.headers[2].first, "x-empty");
  EXPECT_EQ(state_.head.headers[2].second, "");
}

TEST_F(TransferStateTest, TrailersAfterTheHeadAreIgnored) {
  feed({"HTTP/1.1 200 OK\r\n", "\r\n", "X-Trailer: late\r\n", "\r\n"});
  EXPECT_EQ(state_.head.status, 200);
  EXPECT_TRUE(state_.head.headers.empty());
}

TEST_F(TransferStateTest, PausesAboveThresholdAndRejectsBeyondMax) {
  state_.max_response_bytes = kPauseThreshold + 100;
  std::string big(kPauseThreshold, 'x');
  EXPECT_EQ(state_.body_bytes(big.data(), big.size()), big.size());
  EXPECT_TRUE(state_.head_done);  // body bytes imply the head is complete
  EXPECT_EQ(state_.body_bytes("y", 1), size_t{CURL_WRITEFUNC_PAUSE});
  EXPECT_TRUE(state_.paused);
  EXPECT_EQ(state_.body.size(), kPauseThreshold);  // the paused bytes stay with curl
  state_.body.clear();
  state_.paused = false;
  std::string more(101, 'z');
  EXPECT_EQ(state_.body_bytes(more.data(), more.size()), 0u);
  EXPECT_TRUE(state_.too_large);
}

TEST(CurlCodeMapping, FollowsTheRetryContract) {
  EXPECT_EQ(from_curl_code(CURLE_COULDNT_CONNECT, false), TransferError::kConnect);
  EXPECT_EQ(from_curl_code(CURLE_COULDNT_RESOLVE_HOST, false), TransferError::kConnect);
  EXPECT_EQ(from_curl_code(CURLE_SSL_CONNECT_ERROR, false), TransferError::kConnect);
  EXPECT_EQ(from_curl_code(CURLE_GOT_NOTHING, false), TransferError::kConnect);
  EXPECT_EQ(from_curl_code(CURLE_RECV_ERROR, false), TransferError::kConnect);
  EXPECT_EQ(from_curl_code(CURLE_RECV_ERROR, true), TransferError::kReset);
  EXPECT_EQ(from_curl_code(CURLE_SEND_ERROR, true), TransferError::kReset);
  EXPECT_EQ(from_curl_code(CURLE_PARTIAL_FILE, true), TransferError::kReset);
  EXPECT_EQ(from_curl_code(CURLE_OPERATION_TIMEDOUT, false), TransferError::kTimeout);
  EXPECT_EQ(from_curl_code(CURLE_OPERATION_TIMEDOUT, true), TransferError::kTimeout);
  EXPECT_EQ(from_curl_code(CURLE_WEIRD_SERVER_REPLY, false), TransferError::kProtocol);
  EXPECT_EQ(from_curl_code(CURLE_UNSUPPORTED_PROTOCOL, false), TransferError::kProtocol);
  EXPECT_EQ(from_curl_code(CURLE_FILESIZE_EXCEEDED, true), TransferError::kTooLarge);
}

}  // namespace
}  // namespace sb::upstream::detail
