// Every kind of config error, with the line and dotted key an operator needs.

#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_test_util.h"

namespace sb::config {
namespace {

using testing::errors_of;
using testing::has_error;
using testing::load_ok;

TEST(ConfigErrors, UnknownTopLevelKeySuggestsTheNearestKnownOne) {
  auto errors = errors_of(R"([gatway]
bind_address = "0.0.0.0:3000"
)");
  EXPECT_TRUE(has_error(errors, 1, "gatway", "unknown key (did you mean 'gateway'?)"));
}

TEST(ConfigErrors, UnknownProviderKeyIsAnErrorWithItsLine) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]

[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
modle_name = "gpt-4o"
)");
  EXPECT_TRUE(
      has_error(errors, 7, "models.m.providers.p.modle_name", "did you mean 'model_name'?"));
  EXPECT_EQ(errors.size(), 1u) << testing::dump(errors);
}

TEST(ConfigErrors, KeyOfAnotherProviderTypeIsUnknown) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
parse_think_blocks = true
deployment_id = "x"
)");
  EXPECT_TRUE(has_error(errors, 6, "models.m.providers.p.parse_think_blocks", "unknown key"));
  EXPECT_TRUE(has_error(errors, 7, "models.m.providers.p.deployment_id", "unknown key"));
}

TEST(ConfigErrors, WrongTypeNamesExpectedAndActual) {
  auto errors = errors_of(R"([models.m]
routing = "p"
[models.m.providers.p]
type = "openai"
model_name = 5
allow_prefill = "yes"
)");
  EXPECT_TRUE(
      has_error(errors, 2, "models.m.routing", "expected an array of strings, got a string"));
  EXPECT_TRUE(
      has_error(errors, 5, "models.m.providers.p.model_name", "expected a string, got an integer"));
  EXPECT_TRUE(has_error(errors, 6, "models.m.providers.p.allow_prefill",
                        "expected a boolean, got a string"));
}

TEST(ConfigErrors, ModelThatIsNotATable) {
  auto errors = errors_of(R"([models]
m = "gpt-4o"
)");
  EXPECT_TRUE(has_error(errors, 2, "models.m", "expected a table, got a string"));
}

TEST(ConfigErrors, RoutingNamesAnUndefinedProvider) {
  auto errors = errors_of(R"([models.m]
routing = [
  "p",
  "ghost",
]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
)");
  EXPECT_TRUE(has_error(errors, 4, "models.m.routing",
                        "provider 'ghost' is not defined (add [models.m.providers.ghost])"));
  EXPECT_EQ(errors.size(), 1u) << testing::dump(errors);
}

TEST(ConfigErrors, ProviderDefinedButNotRouted) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
[models.m.providers.spare]
type = "openai"
model_name = "gpt-4o-mini"
)");
  EXPECT_TRUE(has_error(errors, 6, "models.m.providers.spare",
                        "defined but not listed in models.m.routing"));
}

TEST(ConfigErrors, EmptyOrMissingRoutingOrDuplicateEntry) {
  auto errors = errors_of(R"([models.empty]
routing = []
[models.none]
timeouts = { non_streaming = { total_ms = 1000 } }
[models.twice]
routing = ["p", "p"]
[models.twice.providers.p]
type = "openai"
model_name = "gpt-4o"
)");
  EXPECT_TRUE(has_error(errors, 2, "models.empty.routing", "routing is empty"));
  EXPECT_TRUE(has_error(errors, 3, "models.none", "set routing"));
  EXPECT_TRUE(has_error(errors, 6, "models.twice.routing", "provider 'p' is listed twice"));
}

TEST(ConfigErrors, UnknownProviderTypeListsTheKnownOnesOnce) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
type = "openia"
model_name = "gpt-4o"
whatever = 1
)");
  ASSERT_EQ(errors.size(), 1u) << testing::dump(errors);
  EXPECT_TRUE(has_error(errors, 4, "models.m.providers.p.type",
                        "unknown provider type 'openia' (known: openai, openrouter,"));
}

TEST(ConfigErrors, ProviderWithoutType) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
model_name = "gpt-4o"
)");
  EXPECT_TRUE(has_error(errors, 3, "models.m.providers.p", "set type"));
}

TEST(ConfigErrors, TypeRequirementsModelNameApiBaseAzureKeys) {
  auto errors = errors_of(R"([models.m]
routing = ["o", "v", "a"]
[models.m.providers.o]
type = "openai"
[models.m.providers.v]
type = "vllm"
model_name = "qwen"
[models.m.providers.a]
type = "azure"
api_base = "ftp://nope"
)");
  EXPECT_TRUE(has_error(errors, 3, "models.m.providers.o", "type 'openai' requires model_name"));
  EXPECT_TRUE(has_error(errors, 5, "models.m.providers.v", "type 'vllm' requires api_base"));
  EXPECT_TRUE(has_error(errors, 8, "models.m.providers.a", "type 'azure' requires endpoint"));
  EXPECT_TRUE(has_error(errors, 8, "models.m.providers.a", "type 'azure' requires deployment_id"));
  EXPECT_TRUE(
      has_error(errors, 10, "models.m.providers.a.api_base", "must be an http:// or https:// URL"));
}

TEST(ConfigErrors, BadCredentialLocationNeverEchoesTheValue) {
  auto errors = errors_of(R"([models.m]
routing = ["a", "b", "c"]
[models.m.providers.a]
type = "openai"
model_name = "gpt-4o"
api_key_location = "sk-live-SECRET123"
[models.m.providers.b]
type = "openai"
model_name = "gpt-4o"
api_key_location = "env::OPENAI-KEY"
[models.m.providers.c]
type = "openai"
model_name = "gpt-4o"
api_key_location = "sdk"
)");
  EXPECT_TRUE(
      has_error(errors, 6, "models.m.providers.a.api_key_location", "not a credential location"));
  EXPECT_TRUE(has_error(errors, 10, "models.m.providers.b.api_key_location",
                        "not an environment variable name"));
  EXPECT_TRUE(has_error(errors, 14, "models.m.providers.c.api_key_location",
                        "sdk credentials are not supported"));
  for (const auto& e : errors) EXPECT_EQ(e.to_string().find("SECRET123"), std::string::npos);
}

TEST(ConfigErrors, NonPositiveTimeoutsAndBadRetries) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
timeouts = { non_streaming = { total_ms = 0 } }
retries = { num_retries = -1, max_delay_s = -2.0 }
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
[models.m.providers.p.timeouts.streaming]
ttft_ms = -5
idle_ms = 1.5
totl_ms = 10
)");
  EXPECT_TRUE(
      has_error(errors, 3, "models.m.timeouts.non_streaming.total_ms", "must be positive, got 0"));
  EXPECT_TRUE(has_error(errors, 4, "models.m.retries.num_retries", "must be between 0 and 100"));
  EXPECT_TRUE(has_error(errors, 4, "models.m.retries.max_delay_s", "at least 0"));
  EXPECT_TRUE(has_error(errors, 9, "models.m.providers.p.timeouts.streaming.ttft_ms",
                        "must be positive, got -5"));
  EXPECT_TRUE(has_error(errors, 10, "models.m.providers.p.timeouts.streaming.idle_ms",
                        "expected an integer, got a float"));
  EXPECT_TRUE(has_error(errors, 11, "models.m.providers.p.timeouts.streaming.totl_ms",
                        "did you mean 'total_ms'?"));
}

TEST(ConfigErrors, ExtraHeadersMustBeNameValuePairsWithoutLineBreaks) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
extra_headers = [
  { name = "X-Ok", value = "1" },
  { name = "Bad Name", value = "1" },
  { name = "X-Inject", value = "a\r\nEvil: 1" },
  { name = "X-Gone", delete = true },
  { name = "X-Half" },
]
)");
  EXPECT_TRUE(has_error(errors, 8, "models.m.providers.p.extra_headers",
                        "'Bad Name' is not a valid header name"));
  EXPECT_TRUE(has_error(errors, 9, "models.m.providers.p.extra_headers", "line break"));
  EXPECT_TRUE(has_error(errors, 10, "models.m.providers.p.extra_headers.delete", "not supported"));
  EXPECT_TRUE(has_error(errors, 11, "models.m.providers.p.extra_headers", "name and value"));
}

TEST(ConfigErrors, BadBindAddressAndGatewayValues) {
  auto errors = errors_of(R"([gateway]
bind_address = "::3000"
base_path = "llm"
workers = -1
observability.backend = "postgres"
auth.enabled = true
limits = { max_body_bytes = 0 }
)");
  EXPECT_TRUE(has_error(errors, 2, "gateway.bind_address", "host:port (IPv6 in brackets"));
  EXPECT_TRUE(has_error(errors, 3, "gateway.base_path", "must start with '/'"));
  EXPECT_TRUE(has_error(errors, 4, "gateway.workers", "between 0 and 1024"));
  EXPECT_TRUE(has_error(errors, 5, "gateway.observability.backend", "postgres is not supported"));
  EXPECT_TRUE(has_error(errors, 6, "gateway.auth.enabled", "TENSORZERO_API_KEY"));
  EXPECT_TRUE(has_error(errors, 7, "gateway.limits.max_body_bytes", "must be positive"));
}

TEST(ConfigErrors, CompactModelCannotMixProviderWithRouting) {
  auto errors = errors_of(R"([models.m]
provider = "openai"
model = "gpt-4o"
routing = ["p"]
)");
  EXPECT_TRUE(has_error(errors, 4, "models.m.routing", "not both"));
}

TEST(ConfigErrors, CompactProviderOfUnknownNameNeedsAType) {
  auto errors = errors_of(R"([providers.mybox]
base_url = "http://box:8000/v1"
[providers.other]
type = "vlm"
)");
  EXPECT_TRUE(has_error(errors, 1, "providers.mybox", "set type"));
  EXPECT_EQ(errors[0].to_string().substr(0, 32), "t.toml:1: providers.mybox: set t");
  EXPECT_TRUE(has_error(errors, 4, "providers.other.type", "unknown provider type 'vlm'"));
}

TEST(ConfigErrors, CompactModelProblems) {
  auto errors = errors_of(R"([providers.box]
type = "vllm"
[models.a]
provider = "nowhere"
model = "x"
[models.b]
provider = "openai"
[models.c]
provider = "openai"
model = "gpt-4o"
type = "completion"
[models.d]
provider = "vllm"
model = "qwen"
)");
  EXPECT_TRUE(has_error(errors, 1, "providers.box", "type 'vllm' requires base_url"));
  EXPECT_TRUE(has_error(errors, 4, "models.a.provider", "provider 'nowhere' is not defined"));
  EXPECT_TRUE(has_error(errors, 6, "models.b.model", "set model"));
  EXPECT_TRUE(has_error(errors, 11, "models.c.type", "must be \"chat\" or \"embedding\""));
  EXPECT_TRUE(has_error(errors, 13, "models.d.provider", "add [providers.vllm] with base_url"));
}

TEST(ConfigErrors, ModelsUsingABrokenCompactProviderAddNoMoreErrors) {
  auto errors = errors_of(R"([providers.box]
type = "vllm"
[models.a]
provider = "box"
[models.b]
provider = "box"
)");
  ASSERT_EQ(errors.size(), 1u) << testing::dump(errors);
  EXPECT_EQ(errors[0].key, "providers.box");
}

TEST(ConfigCompact, AzureModelNamesTheDeployment) {
  Config c = load_ok(R"([providers.azure]
endpoint = "https://r.openai.azure.com"
api_version = "2024-10-21"
[models.m]
provider = "azure"
model = "gpt-5"
)");
  const ProviderConfig& p = c.models.at("m").providers.at(0);
  EXPECT_EQ(p.type, "azure");
  EXPECT_EQ(p.deployment_id, "gpt-5");
  EXPECT_EQ(p.api_version, "2024-10-21");
}

TEST(ConfigErrors, EmbeddingModelsSectionTakesOnlyEmbeddingAndNamesAreUnique) {
  auto errors = errors_of(R"([embedding_models.e]
type = "chat"
provider = "openai"
model = "text-embedding-3-small"
[embedding_models.dup]
provider = "openai"
model = "text-embedding-3-small"
[models.dup]
provider = "openai"
model = "text-embedding-3-large"
type = "embedding"
)");
  EXPECT_TRUE(has_error(errors, 2, "embedding_models.e.type", "must be \"embedding\""));
  EXPECT_TRUE(has_error(errors, 8, "models.dup", "also defined in [embedding_models.dup]"));
}

TEST(ConfigErrors, FallbacksMustNameOtherModelsOfTheSameKind) {
  auto errors = errors_of(R"([models.a]
provider = "openai"
model = "gpt-4o"
fallbacks = ["a", "ghost", "vec"]
[models.vec]
provider = "openai"
model = "text-embedding-3-small"
type = "embedding"
fallbacks = ["a"]
)");
  EXPECT_TRUE(has_error(errors, 4, "models.a.fallbacks", "cannot fall back to itself"));
  EXPECT_TRUE(has_error(errors, 4, "models.a.fallbacks", "model 'ghost' is not defined"));
  EXPECT_TRUE(has_error(errors, 4, "models.a.fallbacks",
                        "a chat model cannot fall back to embedding model 'vec'"));
  EXPECT_TRUE(has_error(errors, 9, "models.vec.fallbacks",
                        "an embedding model cannot fall back to chat model 'a'"));
}

TEST(ConfigErrors, FallbackCycleIsReportedOnceFromItsFirstModel) {
  auto errors = errors_of(R"([models.a]
provider = "openai"
model = "gpt-4o"
fallbacks = ["b"]
[models.b]
provider = "openai"
model = "gpt-4o-mini"
fallbacks = ["c"]
[models.c]
provider = "anthropic"
model = "claude-sonnet-4-5"
fallbacks = ["a"]
[models.d]
provider = "openai"
model = "gpt-4.1"
fallbacks = ["a"]
)");
  ASSERT_EQ(errors.size(), 1u) << testing::dump(errors);
  EXPECT_TRUE(has_error(errors, 4, "models.a.fallbacks", "fallback cycle: a -> b -> c -> a"));
}

TEST(ConfigFallbacks, ChainsWithoutCyclesLoad) {
  Config c = load_ok(R"([models.a]
provider = "openai"
model = "gpt-4o"
fallbacks = ["b", "c"]
[models.b]
provider = "openai"
model = "gpt-4o-mini"
fallbacks = ["c"]
[models.c]
provider = "anthropic"
model = "claude-sonnet-4-5"
)");
  EXPECT_EQ(c.models.at("a").fallbacks, (std::vector<std::string>{"b", "c"}));
}

TEST(ConfigErrors, ManyErrorsAreReportedAtOnceInFileOrder) {
  auto loaded = load_string(R"([gateway]
bind_address = "nope"
[models.z]
routing = []
[models.a]
provider = "openai"
fallbacks = ["missing"]
[mystery]
x = 1
)",
                            "conf/tensorzero.toml");
  ASSERT_FALSE(loaded);
  const auto& errors = loaded.error();
  ASSERT_EQ(errors.size(), 5u) << testing::dump(errors);
  for (size_t i = 1; i < errors.size(); ++i) EXPECT_LE(errors[i - 1].line, errors[i].line);
  EXPECT_EQ(errors[0].to_string().rfind("conf/tensorzero.toml:2: gateway.bind_address: ", 0), 0u)
      << errors[0].to_string();
  EXPECT_TRUE(has_error(errors, 4, "models.z.routing", "empty"));
  EXPECT_TRUE(has_error(errors, 5, "models.a.model", "set model"));
  EXPECT_TRUE(has_error(errors, 7, "models.a.fallbacks", "'missing' is not defined"));
  EXPECT_TRUE(has_error(errors, 8, "mystery", "unknown key"));
}

TEST(ConfigErrors, ProviderTypesMustBeKnownAndLocationsValid) {
  auto errors = errors_of(R"([provider_types.openaii.defaults]
api_key_location = "env::X"
[provider_types.openai.defaults]
api_key_location = "env:X"
)");
  EXPECT_TRUE(has_error(errors, 1, "provider_types.openaii", "unknown provider type"));
  EXPECT_TRUE(has_error(errors, 4, "provider_types.openai.defaults.api_key_location",
                        "not a credential location"));
}

TEST(ConfigErrors, KeysOfTheOtherShapeGetTheRightSpelling) {
  auto errors = errors_of(R"([providers.openai]
model_name = "gpt-4o"
[models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
api_key = "env::OPENAI_API_KEY"
base_url = "https://api.openai.com/v1"
)");
  EXPECT_TRUE(has_error(errors, 2, "providers.openai.model_name", "set model = \"...\""));
  EXPECT_TRUE(has_error(errors, 8, "models.m.providers.p.api_key", "spells it api_key_location"));
  EXPECT_TRUE(has_error(errors, 9, "models.m.providers.p.base_url", "spells it api_base"));
}

TEST(ConfigErrors, CredentialFallbackTableFormIsRejectedClearly) {
  auto errors = errors_of(R"([models.m]
routing = ["p"]
[models.m.providers.p]
type = "openai"
model_name = "gpt-4o"
api_key_location = { default = "env::A", fallback = "env::B" }
)");
  ASSERT_EQ(errors.size(), 1u) << testing::dump(errors);
  EXPECT_TRUE(has_error(errors, 6, "models.m.providers.p.api_key_location",
                        "{ default, fallback } form is not supported"));
}

TEST(ConfigCompact, BedrockTakesItsOwnCredentialKeyAndModelId) {
  Config c = load_ok(R"([models.m]
routing = ["b"]
[models.m.providers.b]
type = "aws_bedrock"
model_id = "anthropic.claude-3-haiku"
region = "eu-west-1"
api_key = "env::BEDROCK_KEY"
)");
  const ProviderConfig& p = c.models.at("m").providers.at(0);
  EXPECT_EQ(p.model_name, "anthropic.claude-3-haiku");
  EXPECT_EQ(p.api_key.name, "BEDROCK_KEY");
  EXPECT_EQ(p.options.at("region"), "eu-west-1");
}

}  // namespace
}  // namespace sb::config
