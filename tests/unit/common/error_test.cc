#include "common/error.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "common/ids.h"

namespace sb {
namespace {

TEST(ErrorToHttp, ModelNotFoundIs404WithOpenAIShape) {
  auto http = to_http(make_error(ErrorCode::kModelNotFound, "model 'x' not found", "model"));
  EXPECT_EQ(http.status, 404);
  auto v = boost::json::parse(http.body);
  EXPECT_EQ(v.at("error").at("message").as_string(), "model 'x' not found");
  EXPECT_EQ(v.at("error").at("code").as_string(), "model_not_found");
  EXPECT_EQ(v.at("error").at("param").as_string(), "model");
  EXPECT_EQ(v.at("error").at("type").as_string(), "invalid_request_error");
}

TEST(ErrorToHttp, UpstreamClientErrorKeepsUpstreamStatus) {
  Error e{.code = ErrorCode::kUpstreamClientError, .message = "nope", .status = 422};
  EXPECT_EQ(to_http(e).status, 422);
  e.status = 200;  // nonsense upstream status never leaks as a success
  EXPECT_EQ(to_http(e).status, 502);
}

TEST(ErrorToHttp, StatusTable) {
  EXPECT_EQ(to_http(make_error(ErrorCode::kInvalidJson, "")).status, 400);
  EXPECT_EQ(to_http(make_error(ErrorCode::kBodyTooLarge, "")).status, 413);
  EXPECT_EQ(to_http(make_error(ErrorCode::kUnauthorized, "")).status, 401);
  EXPECT_EQ(to_http(make_error(ErrorCode::kUpstreamRateLimited, "")).status, 429);
  EXPECT_EQ(to_http(make_error(ErrorCode::kUpstreamTimeout, "")).status, 504);
  EXPECT_EQ(to_http(make_error(ErrorCode::kShuttingDown, "")).status, 503);
}

TEST(Ids, UuidV7IsCanonicalAndOrdered) {
  auto a = ids::uuid_v7();
  EXPECT_TRUE(ids::is_uuid_v7(a)) << a;
  EXPECT_FALSE(ids::is_uuid_v7("not-a-uuid"));
  EXPECT_NE(a, ids::uuid_v7());
}

}  // namespace
}  // namespace sb
