#include "config/loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/sha256.h"
#include "config_test_util.h"

namespace sb::config {
namespace {

using testing::errors_of;
using testing::has_error;
using testing::load_ok;
using testing::testdata;
using Kind = CredentialLocation::Kind;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SpecAppendixB, LoadsUnchangedIntoChatAndEmbeddingModels) {
  auto loaded = load_file(testdata("appendix_b.toml"));
  ASSERT_TRUE(loaded) << testing::dump(loaded.error());
  const Config& c = *loaded;
  EXPECT_EQ(c.gateway.observability.enabled, std::optional<bool>(true));
  ASSERT_EQ(c.models.size(), 2u);
  ASSERT_EQ(c.embedding_models.size(), 1u);

  const ModelConfig& gemma = c.models.at("gemma_chat");
  EXPECT_EQ(gemma.kind, ModelKind::kChat);
  ASSERT_EQ(gemma.providers.size(), 1u);
  EXPECT_EQ(gemma.providers[0].name, "ollama");
  EXPECT_EQ(gemma.providers[0].type, "ollama");
  EXPECT_EQ(gemma.providers[0].model_name, "gemma:2b");
  EXPECT_EQ(gemma.providers[0].api_base, "http://pmoves-ollama:11434");
  EXPECT_EQ(gemma.providers[0].api_key.kind, Kind::kDefault);

  const ModelConfig& claude = c.models.at("claude_sonnet");
  ASSERT_EQ(claude.providers.size(), 1u);
  EXPECT_EQ(claude.providers[0].type, "anthropic");
  EXPECT_EQ(claude.providers[0].model_name, "claude-sonnet-4-5");
  EXPECT_EQ(claude.providers[0].api_key.kind, Kind::kEnv);
  EXPECT_EQ(claude.providers[0].api_key.name, "ANTHROPIC_API_KEY");
  EXPECT_EQ(claude.source, testdata("appendix_b.toml") + ":21");

  const ModelConfig& embed = c.embedding_models.at("gemma_embed");
  EXPECT_EQ(embed.kind, ModelKind::kEmbedding);
  ASSERT_EQ(embed.providers.size(), 1u);
  EXPECT_EQ(embed.providers[0].type, "ollama");
  EXPECT_EQ(embed.providers[0].model_name, "gemma:2b");
}

TEST(SpecBlog, MyGpt5LoadsUnchangedWithProvidersInRoutingOrder) {
  auto loaded = load_file(testdata("blog_my_gpt_5.toml"));
  ASSERT_TRUE(loaded) << testing::dump(loaded.error());
  const ModelConfig& m = loaded->models.at("my_gpt_5");
  ASSERT_EQ(m.providers.size(), 2u);
  EXPECT_EQ(m.providers[0].name, "my_openai_provider");
  EXPECT_EQ(m.providers[0].type, "openai");
  EXPECT_EQ(m.providers[0].model_name, "gpt-5");
  EXPECT_EQ(m.providers[1].name, "my_azure_provider");
  EXPECT_EQ(m.providers[1].type, "azure");
  EXPECT_EQ(m.providers[1].deployment_id, "gpt-5");
  EXPECT_EQ(m.providers[1].endpoint, "https://your-resource.openai.azure.com");
  EXPECT_TRUE(loaded->embedding_models.empty());
}

TEST(Loader, HashIsSha256OfTheFileBytesAndPathIsTheFile) {
  std::string path = testdata("blog_my_gpt_5.toml");
  auto loaded = load_file(path);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->path, path);
  EXPECT_EQ(loaded->hash, sha256_hex(read_bytes(path)));
  EXPECT_EQ(loaded->hash.size(), 64u);
  auto again = load_string(read_bytes(path) + "\n# edited\n", path);
  ASSERT_TRUE(again);
  EXPECT_NE(again->hash, loaded->hash);
}

TEST(Loader, MixesBothShapesInOneFile) {
  auto loaded = load_file(testdata("mixed_shapes.toml"));
  ASSERT_TRUE(loaded) << testing::dump(loaded.error());
  const Config& c = *loaded;
  EXPECT_EQ(c.gateway.bind_address, "[::]:3000");
  EXPECT_EQ(c.gateway.workers, 4);

  const ModelConfig& fast = c.models.at("fast");
  ASSERT_EQ(fast.providers.size(), 1u);
  EXPECT_EQ(fast.providers[0].name, "openrouter");
  EXPECT_EQ(fast.providers[0].type, "openrouter");
  EXPECT_EQ(fast.providers[0].model_name, "openai/gpt-oss-20b");
  EXPECT_EQ(fast.providers[0].api_key.name, "OPENROUTER_API_KEY");
  ASSERT_EQ(fast.providers[0].extra_headers.size(), 1u);
  EXPECT_EQ(fast.providers[0].extra_headers[0],
            (std::pair<std::string, std::string>{"X-Title", "switchboard"}));
  EXPECT_EQ(fast.fallbacks, std::vector<std::string>{"smart"});

  const ModelConfig& local = c.models.at("local");
  EXPECT_EQ(local.providers[0].name, "gpu_box");
  EXPECT_EQ(local.providers[0].type, "vllm");
  EXPECT_EQ(local.providers[0].api_base, "http://vllm:8000/v1");
  EXPECT_EQ(local.providers[0].api_key.kind, Kind::kNone);
  EXPECT_TRUE(local.providers[0].allow_prefill);

  const ModelConfig& smart = c.models.at("smart");
  ASSERT_EQ(smart.providers.size(), 2u);
  EXPECT_EQ(smart.providers[0].name, "claude");
  EXPECT_TRUE(smart.providers[0].allow_prefill);
  EXPECT_EQ(smart.providers[1].name, "gpt");
  EXPECT_EQ(smart.providers[1].api_key.kind, Kind::kDynamic);
  EXPECT_EQ(smart.providers[1].api_key.name, "openai_key");
  EXPECT_EQ(smart.timeouts.non_streaming_total, Millis(60000));
  EXPECT_EQ(smart.timeouts.streaming_ttft, Millis(5000));
  EXPECT_EQ(smart.timeouts.streaming_idle, Millis(20000));
  EXPECT_FALSE(smart.timeouts.streaming_total);
  ASSERT_TRUE(smart.retries);
  EXPECT_EQ(smart.retries->num_retries, 2);
  EXPECT_DOUBLE_EQ(smart.retries->max_delay_s, 1.5);

  // A compact model may name a provider type without a [providers] table.
  const ModelConfig& vectors = c.embedding_models.at("vectors");
  EXPECT_EQ(vectors.kind, ModelKind::kEmbedding);
  EXPECT_EQ(vectors.providers[0].type, "openai");
  EXPECT_EQ(vectors.providers[0].api_key.kind, Kind::kDefault);
  EXPECT_FALSE(c.models.contains("vectors"));

  const ModelConfig& embed = c.embedding_models.at("embed");
  EXPECT_EQ(embed.timeouts.non_streaming_total, Millis(5000));
  EXPECT_EQ(embed.providers[0].model_name, "text-embedding-3-large");
}

TEST(Loader, AcceptsTensorZeroKeysItDoesNotServe) {
  auto loaded = load_file(testdata("tensorzero_full.toml"));
  ASSERT_TRUE(loaded) << testing::dump(loaded.error());
  const Config& c = *loaded;
  EXPECT_EQ(c.gateway.base_path, "/llm");
  EXPECT_TRUE(c.gateway.debug);
  EXPECT_EQ(c.gateway.global_outbound_timeout, Millis(600000));
  EXPECT_EQ(c.gateway.connect_timeout, Millis(2000));
  EXPECT_EQ(c.gateway.observability.backend, "clickhouse");
  EXPECT_EQ(c.gateway.observability.flush_interval_ms, 250u);
  EXPECT_EQ(c.gateway.observability.max_rows, 500u);
  EXPECT_EQ(c.gateway.limits.max_body_bytes, 1048576u);
  EXPECT_EQ(c.gateway.limits.max_header_bytes, 8192u);
  EXPECT_EQ(c.gateway.limits.max_connections, 500u);
  EXPECT_EQ(c.gateway.limits.read_timeout, Millis(10000));
  EXPECT_EQ(c.gateway.limits.idle_timeout, Millis(30000));
  EXPECT_EQ(c.gateway.limits.drain_timeout, Millis(5000));

  const ModelConfig& gpt = c.models.at("gpt");
  ASSERT_EQ(gpt.providers.size(), 3u);
  // [provider_types.openai.defaults] replaces the type's default credential.
  EXPECT_EQ(gpt.providers[0].api_key.kind, Kind::kEnv);
  EXPECT_EQ(gpt.providers[0].api_key.name, "MY_OPENAI_KEY");
  EXPECT_EQ(gpt.providers[0].options.at("api_type"), "chat_completions");
  EXPECT_EQ(gpt.providers[0].timeouts.non_streaming_total, Millis(30000));
  EXPECT_EQ(gpt.providers[0].timeouts.streaming_ttft, Millis(3000));
  EXPECT_EQ(gpt.providers[1].options.at("parse_think_blocks"), "true");
  EXPECT_EQ(gpt.providers[2].options.at("reasoning_format"), "parsed");
  EXPECT_EQ(gpt.providers[2].api_key.kind, Kind::kDefault);

  const ModelConfig& cloud = c.models.at("cloud");
  ASSERT_EQ(cloud.providers.size(), 4u);
  EXPECT_EQ(cloud.providers[0].model_name, "anthropic.claude-3-haiku-20240307-v1:0");
  EXPECT_EQ(cloud.providers[0].options.at("region"), "us-east-1");
  EXPECT_EQ(cloud.providers[1].model_name, "gemini-2.0-flash");
  EXPECT_EQ(cloud.providers[1].api_key.kind, Kind::kPathFromEnv);
  EXPECT_EQ(cloud.providers[1].api_key.name, "MY_GCP_CREDENTIALS");
  EXPECT_EQ(cloud.providers[2].api_base, "http://tgi:8080/v1");
  EXPECT_TRUE(cloud.providers[2].model_name.empty());

  EXPECT_EQ(c.embedding_models.at("small").providers[0].timeouts.non_streaming_total, Millis(2000));
}

TEST(Loader, EmptyFileGivesDefaults) {
  Config c = load_ok("");
  EXPECT_EQ(c.gateway.bind_address, "0.0.0.0:3000");
  EXPECT_TRUE(c.models.empty());
  EXPECT_EQ(c.hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Loader, MissingFileIsAnErrorNamingIt) {
  auto loaded = load_file("/nonexistent/tensorzero.toml");
  ASSERT_FALSE(loaded);
  ASSERT_EQ(loaded.error().size(), 1u);
  EXPECT_EQ(loaded.error()[0].file, "/nonexistent/tensorzero.toml");
  EXPECT_NE(loaded.error()[0].message.find("No such file"), std::string::npos);
}

TEST(Loader, TomlSyntaxErrorIsAValueWithItsLine) {
  auto errors = errors_of("[gateway]\nbind_address = \"0.0.0.0:3000\"\ndebug = = true\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_NE(errors[0].message.find("invalid TOML"), std::string::npos);
}

TEST(Loader, DuplicateTableIsASyntaxError) {
  auto errors = errors_of("[models.a]\nprovider = \"openai\"\n[models.a]\nmodel = \"x\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 3);
}

TEST(ConfigError, ToStringIsFileLineKeyMessage) {
  ConfigError e{.file = "t.toml", .line = 12, .key = "models.x.routing", .message = "boom"};
  EXPECT_EQ(e.to_string(), "t.toml:12: models.x.routing: boom");
  e.line = 0;
  EXPECT_EQ(e.to_string(), "t.toml: models.x.routing: boom");
  e.key.clear();
  EXPECT_EQ(e.to_string(), "t.toml: boom");
}

TEST(BindAddress, AcceptsHostPortAndBracketedIpv6) {
  EXPECT_TRUE(validate_bind_address("0.0.0.0:3000"));
  EXPECT_TRUE(validate_bind_address("[::]:3000"));
  EXPECT_TRUE(validate_bind_address("[fe80::1%eth0]:8080"));
  EXPECT_TRUE(validate_bind_address("localhost:0"));
  EXPECT_TRUE(validate_bind_address("gateway.internal:65535"));
}

TEST(BindAddress, RejectsMissingPortBareIpv6AndBadPorts) {
  EXPECT_FALSE(validate_bind_address("0.0.0.0"));
  EXPECT_FALSE(validate_bind_address("::3000"));
  EXPECT_FALSE(validate_bind_address(":::3000"));
  EXPECT_FALSE(validate_bind_address(":3000"));
  EXPECT_FALSE(validate_bind_address("[::]"));
  EXPECT_FALSE(validate_bind_address("[]:3000"));
  EXPECT_FALSE(validate_bind_address("host:65536"));
  EXPECT_FALSE(validate_bind_address("host:-1"));
  EXPECT_FALSE(validate_bind_address("host:80x"));
  EXPECT_FALSE(validate_bind_address("host:"));
  EXPECT_FALSE(validate_bind_address("bad host:80"));
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ResolveConfigPath, FlagWinsOverEnvironment) {
  ScopedEnv env("GATEWAY_CONFIG_PATH", "/from/env.toml");
  EXPECT_EQ(resolve_config_path("/from/flag.toml"), "/from/flag.toml");
  EXPECT_EQ(resolve_config_path(""), "/from/env.toml");
}

TEST(ResolveConfigPath, WithoutFlagOrEnvironmentUsesAppConfigElseLocalConfig) {
  ScopedEnv env("GATEWAY_CONFIG_PATH", nullptr);
  std::string expected = std::filesystem::exists("/app/config/tensorzero.toml")
                             ? "/app/config/tensorzero.toml"
                             : "./config/tensorzero.toml";
  EXPECT_EQ(resolve_config_path(""), expected);
  ScopedEnv empty("GATEWAY_CONFIG_PATH", "");
  EXPECT_EQ(resolve_config_path(""), expected);
}

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the padding boundary (55, 56, 64 bytes) must not collide or crash.
  EXPECT_NE(sha256_hex(std::string(55, 'x')), sha256_hex(std::string(56, 'x')));
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

}  // namespace
}  // namespace sb::config
