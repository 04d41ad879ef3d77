#include "observability/feedback.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/ids.h"

namespace sb::observability {
namespace {

std::map<std::string, config::MetricConfig> metrics() {
  return {
      {"thumbs_up",
       {.name = "thumbs_up", .type = "boolean", .optimize = "max", .level = "inference"}},
      {"score", {.name = "score", .type = "float", .optimize = "max", .level = "inference"}},
      {"solved", {.name = "solved", .type = "boolean", .optimize = "max", .level = "episode"}},
  };
}

std::string body(const std::string& metric, const std::string& value,
                 const std::string& target = "inference_id", const std::string& extra = "") {
  return R"({"metric_name":")" + metric + R"(","value":)" + value + R"(,")" + target + R"(":")" +
         ids::uuid_v7() + "\"" + extra + "}";
}

Error error_of(const std::string& text) {
  auto r = parse_feedback(text, metrics());
  EXPECT_FALSE(r) << "expected an error for " << text;
  return r ? Error{} : r.error();
}

TEST(Feedback, AcceptsABooleanMetricOnAnInference) {
  auto r = parse_feedback(
      body("thumbs_up", "true", "inference_id", R"(,"tags":{"k":"v"},"dryrun":true)"), metrics());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->metric_type, "boolean");
  EXPECT_EQ(r->target_kind, TargetKind::kInference);
  EXPECT_TRUE(r->dryrun);
  EXPECT_EQ(r->tags.at("k").as_string(), "v");
}

TEST(Feedback, AcceptsIntegersAndFloatsForAFloatMetric) {
  EXPECT_TRUE(parse_feedback(body("score", "3"), metrics()));
  EXPECT_TRUE(parse_feedback(body("score", "0.7"), metrics()));
}

TEST(Feedback, RefusesAValueOfTheWrongType) {
  EXPECT_EQ(to_http(error_of(body("thumbs_up", "0.7"))).status, 400);
  EXPECT_EQ(to_http(error_of(body("thumbs_up", "\"yes\""))).status, 400);
  EXPECT_EQ(to_http(error_of(body("score", "true"))).status, 400);
  EXPECT_EQ(to_http(error_of(body("comment", "5"))).status, 400);
  EXPECT_EQ(to_http(error_of(body("demonstration", "true"))).status, 400);
}

TEST(Feedback, UnknownMetricIsNotFound) {
  auto e = error_of(body("nope", "true"));
  EXPECT_EQ(to_http(e).status, 404);
  EXPECT_NE(e.message.find("nope"), std::string::npos);
}

TEST(Feedback, TheMetricLevelDecidesTheTarget) {
  EXPECT_TRUE(parse_feedback(body("solved", "false", "episode_id"), metrics()));
  auto e = error_of(body("solved", "false", "inference_id"));
  EXPECT_NE(e.message.find("episode_id"), std::string::npos);
  EXPECT_EQ(to_http(error_of(body("thumbs_up", "true", "episode_id"))).status, 400);
  EXPECT_EQ(to_http(error_of(body("demonstration", "\"x\"", "episode_id"))).status, 400);
}

TEST(Feedback, CommentsGoOnEitherTargetAndDemonstrationsOnInferences) {
  auto c = parse_feedback(body("comment", "\"nice\"", "episode_id"), metrics());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->metric_type, "comment");
  EXPECT_TRUE(parse_feedback(body("comment", "\"nice\""), metrics()));
  EXPECT_TRUE(parse_feedback(body("demonstration", "\"the answer\""), metrics()));
  EXPECT_TRUE(parse_feedback(body("demonstration", R"([{"type":"text","text":"a"}])"), metrics()));
}

TEST(Feedback, NeedsExactlyOneTarget) {
  std::string id = ids::uuid_v7();
  error_of(R"({"metric_name":"thumbs_up","value":true})");
  error_of(R"({"metric_name":"thumbs_up","value":true,"inference_id":")" + id +
           R"(","episode_id":")" + id + "\"}");
  error_of(R"({"metric_name":"thumbs_up","value":true,"inference_id":"not-a-uuid"})");
  // A UUIDv4 is not an id this gateway made.
  error_of(
      R"({"metric_name":"thumbs_up","value":true,"inference_id":"1b4e28ba-2fa1-41d2-883f-0016d3cca427"})");
}

TEST(Feedback, RefusesMalformedBodies) {
  EXPECT_EQ(error_of("{").code, ErrorCode::kInvalidJson);
  error_of("[]");
  error_of(body("thumbs_up", "true", "inference_id", R"(,"extra":1)"));
  error_of(body("thumbs_up", "true", "inference_id", R"(,"tags":{"k":1})"));
  error_of(body("thumbs_up", "true", "inference_id", R"(,"dryrun":"yes")"));
  error_of(R"({"value":true,"inference_id":")" + ids::uuid_v7() + "\"}");
  error_of(body("thumbs_up", "null"));
}

TEST(Feedback, RowCarriesTheValueAsTextAndAsANumber) {
  auto b = parse_feedback(body("thumbs_up", "true", "inference_id", R"(,"tags":{"who":"me"})"),
                          metrics());
  auto row = feedback_row(*b, "fid", 1717243200999);
  EXPECT_EQ(row.table, Table::kFeedback);
  EXPECT_EQ(row.values.at("id").as_string(), "fid");
  EXPECT_EQ(row.values.at("timestamp").as_int64(), 1717243200);
  EXPECT_EQ(row.values.at("target_type").as_string(), "inference");
  EXPECT_EQ(row.values.at("value").as_string(), "true");
  EXPECT_DOUBLE_EQ(row.values.at("value_float").as_double(), 1.0);
  EXPECT_EQ(row.values.at("tag_values").as_array().at(0).as_string(), "me");

  auto c = parse_feedback(body("comment", "\"so good\"", "episode_id"), metrics());
  auto crow = feedback_row(*c, "fid2", 0);
  EXPECT_EQ(crow.values.at("value").as_string(), "so good");
  EXPECT_TRUE(crow.values.at("value_float").is_null());
  EXPECT_EQ(crow.values.at("target_type").as_string(), "episode");
}

}  // namespace
}  // namespace sb::observability
