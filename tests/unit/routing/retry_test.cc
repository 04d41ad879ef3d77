#include "routing/retry.h"

#include <gtest/gtest.h>

namespace sb::routing {
namespace {

using std::chrono::milliseconds;

Error err(ErrorCode code, int status = 0, int retry_after_ms = -1) {
  Error e = make_error(code, "x");
  e.status = status;
  e.retry_after_ms = retry_after_ms;
  return e;
}

TEST(RetrySameProvider, TransientFailuresRetryOthersMoveOn) {
  EXPECT_TRUE(retry_same_provider(err(ErrorCode::kUpstreamConnect)));
  EXPECT_TRUE(retry_same_provider(err(ErrorCode::kUpstreamRateLimited, 429)));
  EXPECT_TRUE(retry_same_provider(err(ErrorCode::kUpstreamServerError, 503)));
  EXPECT_TRUE(retry_same_provider(err(ErrorCode::kUpstreamClientError, 408)));
  EXPECT_FALSE(retry_same_provider(err(ErrorCode::kUpstreamTimeout)));
  EXPECT_FALSE(retry_same_provider(err(ErrorCode::kUpstreamStreamBroken)));
  for (int s : {400, 401, 403, 404, 422}) {
    EXPECT_FALSE(retry_same_provider(err(ErrorCode::kUpstreamClientError, s))) << s;
  }
  EXPECT_FALSE(retry_same_provider(err(ErrorCode::kContextLengthExceeded, 400)));
  EXPECT_FALSE(retry_same_provider(err(ErrorCode::kContentFiltered, 400)));
}

TEST(RetryDelay, FullJitterStaysUnderTheExponentialCeiling) {
  config::Retries policy{.num_retries = 5, .max_delay_s = 10};
  for (int retry = 0; retry < 5; ++retry) {
    for (int i = 0; i < 50; ++i) {
      auto d =
          retry_delay(retry, policy, err(ErrorCode::kUpstreamServerError), milliseconds(60000));
      ASSERT_TRUE(d);
      EXPECT_GE(d->count(), 0);
      EXPECT_LE(d->count(), kBackoffBase.count() << retry);
    }
  }
}

TEST(RetryDelay, CappedByMaxDelay) {
  config::Retries policy{.num_retries = 30, .max_delay_s = 0.05};
  auto d = retry_delay(25, policy, err(ErrorCode::kUpstreamServerError), milliseconds(60000));
  ASSERT_TRUE(d);
  EXPECT_LE(d->count(), 50);
}

TEST(RetryDelay, HonoursRetryAfterWithinTheBudget) {
  config::Retries policy{.num_retries = 2, .max_delay_s = 10};
  auto d =
      retry_delay(0, policy, err(ErrorCode::kUpstreamRateLimited, 429, 1500), milliseconds(60000));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->count(), 1500);
}

TEST(RetryDelay, RetryAfterBeyondTheBudgetMeansFailOverNow) {
  config::Retries policy{.num_retries = 2, .max_delay_s = 10};
  EXPECT_FALSE(retry_delay(0, policy, err(ErrorCode::kUpstreamRateLimited, 429, 30000),
                           milliseconds(60000)));
  EXPECT_FALSE(
      retry_delay(0, policy, err(ErrorCode::kUpstreamRateLimited, 429, 2000), milliseconds(1000)));
}

TEST(RetriesFor, ProviderOverridesModelOverridesDefault) {
  config::ProviderConfig p;
  config::ModelConfig m;
  EXPECT_EQ(retries_for(p, m).num_retries, kDefaultRetries.num_retries);
  m.retries = config::Retries{.num_retries = 4, .max_delay_s = 1};
  EXPECT_EQ(retries_for(p, m).num_retries, 4);
  p.retries = config::Retries{.num_retries = 0, .max_delay_s = 1};
  EXPECT_EQ(retries_for(p, m).num_retries, 0);
}

}  // namespace
}  // namespace sb::routing
