#include <gtest/gtest.h>

#include "http/handlers/common.h"

namespace sb::http {
namespace {

class FixedHealth final : public HealthSource {
 public:
  explicit FixedHealth(std::optional<std::string> problem) : problem_(std::move(problem)) {}
  std::optional<std::string> problem() const override { return problem_; }

 private:
  std::optional<std::string> problem_;
};

TEST(Health, OkBodyIsExactlyTheSpecs) {
  Services services;
  services.health.push_back(std::make_shared<FixedHealth>(std::nullopt));
  auto [status, body] = health_response(true, &services);
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(body, R"({"status":"ok"})");
}

TEST(Health, FirstProblemOfASourceIsA503) {
  Services services;
  services.health.push_back(std::make_shared<FixedHealth>(std::nullopt));
  services.health.push_back(std::make_shared<FixedHealth>("ClickHouse connection failed"));
  services.health.push_back(std::make_shared<FixedHealth>("second problem"));
  auto [status, body] = health_response(true, &services);
  EXPECT_EQ(status, 503u);
  EXPECT_EQ(body, R"({"status":"error","message":"ClickHouse connection failed"})");
}

TEST(Health, NoModelsIsA503) {
  auto [status, body] = health_response(false, nullptr);
  EXPECT_EQ(status, 503u);
  EXPECT_EQ(body, R"({"status":"error","message":"no model provider is configured"})");
}

TEST(Health, MessagesAreJsonEscaped) {
  Services services;
  services.health.push_back(std::make_shared<FixedHealth>("bad \"quote\"\n"));
  auto [status, body] = health_response(true, &services);
  EXPECT_EQ(body, R"({"status":"error","message":"bad \"quote\"\n"})");
}

}  // namespace
}  // namespace sb::http
