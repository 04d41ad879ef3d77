#include "http/auth.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "config/credentials.h"
#include "config/loader.h"

namespace sb::http {
namespace {

TEST(ApiKeys, OffWhenNoKeys) {
  ApiKeys keys;
  EXPECT_FALSE(keys.enabled());
  EXPECT_FALSE(keys.check("", "").has_value());
  EXPECT_FALSE(ApiKeys({"", ""}).enabled());
}

TEST(ApiKeys, AcceptsBearerOrXApiKey) {
  ApiKeys keys({"sk-one"});
  EXPECT_FALSE(keys.check("Bearer sk-one", "").has_value());
  EXPECT_FALSE(keys.check("bearer   sk-one  ", "").has_value());
  EXPECT_FALSE(keys.check("", "sk-one").has_value());
  EXPECT_FALSE(keys.check("Bearer wrong", "sk-one").has_value());
}

TEST(ApiKeys, RejectsMissingWrongAndOtherSchemes) {
  ApiKeys keys({"sk-one"});
  auto missing = keys.check("", "");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->code, ErrorCode::kUnauthorized);
  EXPECT_NE(missing->message.find("missing API key"), std::string::npos);
  auto wrong = keys.check("Bearer sk-two", "");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->message, "invalid API key");  // never echoes what was sent
  EXPECT_TRUE(keys.check("Basic c2stb25l", "").has_value());
  EXPECT_TRUE(keys.check("Bearer sk-one-longer", "").has_value());
  EXPECT_TRUE(keys.check("Bearer sk-on", "").has_value());
  EXPECT_TRUE(keys.check("sk-one", "").has_value());  // no scheme
  auto http = to_http(*wrong);
  EXPECT_EQ(http.status, 401);
  EXPECT_EQ(
      http.body,
      R"({"error":{"message":"invalid API key","type":"authentication_error","param":null,"code":"invalid_api_key"}})");
}

TEST(ApiKeys, SeveralKeysAreAllAccepted) {
  ApiKeys keys({"old-key", "new-key"});
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys.accepts("old-key"));
  EXPECT_TRUE(keys.accepts("new-key"));
  EXPECT_FALSE(keys.accepts("other"));
  EXPECT_FALSE(keys.accepts(""));
}

TEST(ApiKeys, SplitsCommaAndLineSeparatedLists) {
  EXPECT_EQ(split_keys(" a, b,,c \n d\r\n"), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(split_keys(" , ").empty());
}

class LoadApiKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("TENSORZERO_API_KEY");
    unsetenv("SB_TEST_KEY_A");
    unsetenv("SB_TEST_KEY_B");
  }
  void TearDown() override { SetUp(); }

  static config::CredentialStore store(const config::Config& cfg) {
    std::vector<config::CredentialLocation> wanted = cfg.gateway.auth.keys;
    wanted.push_back(
        {.kind = config::CredentialLocation::Kind::kEnv, .name = "TENSORZERO_API_KEY"});
    return config::CredentialStore::load({.secrets_dir = "/nonexistent"}, wanted);
  }
  static config::Config load(std::string_view toml) {
    auto loaded = config::load_string(toml, "t.toml");
    EXPECT_TRUE(loaded.has_value());
    return loaded ? *loaded : config::Config{};
  }
};

constexpr std::string_view kModel = R"(
[models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "x"
api_key_location = "none"
)";

TEST_F(LoadApiKeys, ReadsCommaSeparatedEnvironmentVariable) {
  setenv("TENSORZERO_API_KEY", "k1,k2", 1);
  auto cfg = load(kModel);
  auto keys = load_api_keys(cfg, store(cfg));
  ASSERT_TRUE(keys.has_value()) << keys.error();
  EXPECT_EQ(keys->keys.size(), 2u);
  EXPECT_TRUE(keys->keys.accepts("k2"));
}

TEST_F(LoadApiKeys, OffWithoutVariableOrConfig) {
  auto cfg = load(kModel);
  auto keys = load_api_keys(cfg, store(cfg));
  ASSERT_TRUE(keys.has_value());
  EXPECT_FALSE(keys->keys.enabled());
}

TEST_F(LoadApiKeys, ConfigKeysAddToTheVariableAndMissingOnesWarn) {
  setenv("SB_TEST_KEY_A", "from-a", 1);
  auto cfg = load(std::string(kModel) +
                  "[gateway.auth]\nkeys = [\"env::SB_TEST_KEY_A\", \"env::SB_TEST_KEY_B\"]\n");
  auto keys = load_api_keys(cfg, store(cfg));
  ASSERT_TRUE(keys.has_value()) << keys.error();
  EXPECT_TRUE(keys->keys.accepts("from-a"));
  ASSERT_EQ(keys->warnings.size(), 1u);
  EXPECT_NE(keys->warnings[0].find("env::SB_TEST_KEY_B"), std::string::npos);
}

TEST_F(LoadApiKeys, RefusesToRunOpenWhenNoConfiguredKeyCanBeRead) {
  auto cfg = load(std::string(kModel) + "[gateway.auth]\nkeys = [\"env::SB_TEST_KEY_B\"]\n");
  auto keys = load_api_keys(cfg, store(cfg));
  ASSERT_FALSE(keys.has_value());
  EXPECT_NE(keys.error().find("env::SB_TEST_KEY_B"), std::string::npos);
}

}  // namespace
}  // namespace sb::http
