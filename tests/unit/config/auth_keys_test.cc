// [gateway.auth] keys: client API key locations (ours; TensorZero's Postgres keys are not served).

#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sb::config {
namespace {

using testing::errors_of;
using testing::has_error;
using testing::load_ok;

TEST(ConfigAuth, ReadsKeyLocations) {
  auto cfg = load_ok(R"([gateway.auth]
enabled = true
keys = ["env::GATEWAY_KEY_OLD", "path::/run/secrets/gateway_key", "path_from_env::KEY_FILE"]
cache = { enabled = true, ttl_ms = 1000 }
)");
  ASSERT_EQ(cfg.gateway.auth.keys.size(), 3u);
  EXPECT_EQ(cfg.gateway.auth.keys[0].kind, CredentialLocation::Kind::kEnv);
  EXPECT_EQ(cfg.gateway.auth.keys[0].name, "GATEWAY_KEY_OLD");
  EXPECT_EQ(cfg.gateway.auth.keys[1].kind, CredentialLocation::Kind::kPath);
  EXPECT_EQ(cfg.gateway.auth.keys[2].kind, CredentialLocation::Kind::kPathFromEnv);
}

TEST(ConfigAuth, DisabledWithoutKeysIsAccepted) {
  auto cfg = load_ok("[gateway]\nauth.enabled = false\n");
  EXPECT_TRUE(cfg.gateway.auth.keys.empty());
}

TEST(ConfigAuth, RejectsLiteralKeysAndUselessLocations) {
  auto errors = errors_of(R"([gateway.auth]
keys = [
  "sk-live-123",
  "dynamic::k",
  "none",
]
)");
  EXPECT_TRUE(has_error(errors, 3, "gateway.auth.keys", "the key itself never goes in the config"));
  EXPECT_TRUE(
      has_error(errors, 4, "gateway.auth.keys", "env::VAR, path::FILE or path_from_env::VAR"));
  EXPECT_TRUE(
      has_error(errors, 5, "gateway.auth.keys", "env::VAR, path::FILE or path_from_env::VAR"));
  for (const auto& e : errors) EXPECT_EQ(e.message.find("sk-live-123"), std::string::npos);
}

TEST(ConfigAuth, RejectsContradictionsAndUnknownKeys) {
  auto errors = errors_of(R"([gateway.auth]
enabled = false
keys = ["env::K"]
secret = "x"
)");
  EXPECT_TRUE(has_error(errors, 2, "gateway.auth.enabled", "is false while keys are listed"));
  EXPECT_TRUE(has_error(errors, 4, "gateway.auth.secret", "unknown"));
  auto empty = errors_of("[gateway.auth]\nkeys = []\n");
  EXPECT_TRUE(has_error(empty, 2, "gateway.auth.keys", "is empty"));
}

}  // namespace
}  // namespace sb::config
