// [functions], [metrics], [tools]: parsed into the schema and validated like the rest.

#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_test_util.h"

namespace sb::config {
namespace {

using testing::errors_of;
using testing::has_error;
using testing::testdata;

TEST(ConfigFunctions, TensorZeroFunctionsMetricsAndToolsLoad) {
  auto loaded = load_file(testdata("tensorzero_full.toml"));
  ASSERT_TRUE(loaded) << testing::dump(loaded.error());
  const Config& c = *loaded;

  const FunctionConfig& f = c.functions.at("assistant");
  EXPECT_EQ(f.type, "chat");
  EXPECT_EQ(f.tools, std::vector<std::string>{"get_weather"});
  ASSERT_EQ(f.variants.size(), 3u);
  EXPECT_EQ(f.variants.at("a").type, "chat_completion");
  EXPECT_EQ(f.variants.at("a").model, "gpt");
  EXPECT_EQ(f.variants.at("b").model, "anthropic::claude-sonnet-4-5");
  EXPECT_DOUBLE_EQ(f.variants.at("b").weight, 0.5);
  EXPECT_EQ(f.variants.at("best").type, "experimental_best_of_n_sampling");
  EXPECT_EQ(c.functions.at("extract").type, "json");
  EXPECT_EQ(c.functions.at("extract").variants.at("dicl").model, "gpt");

  const MetricConfig& m = c.metrics.at("task_success");
  EXPECT_EQ(m.type, "boolean");
  EXPECT_EQ(m.optimize, "max");
  EXPECT_EQ(m.level, "inference");
  EXPECT_EQ(m.description, "Did the task succeed?");

  const ToolConfig& t = c.tools.at("get_weather");
  EXPECT_EQ(t.description, "Get the weather for a location");
  EXPECT_EQ(t.parameters, testdata("tools/get_weather.json"));
  EXPECT_TRUE(t.strict);
  EXPECT_EQ(t.provider_name, "get_weather");
}

TEST(ConfigFunctions, MetricEnumerationsAreValidated) {
  auto errors = errors_of(R"([metrics.m]
type = "bool"
optimize = "maximize"
[metrics.comment]
type = "float"
optimize = "min"
level = "episode"
)");
  EXPECT_TRUE(has_error(errors, 2, "metrics.m.type", "must be one of boolean, float"));
  EXPECT_TRUE(has_error(errors, 3, "metrics.m.optimize", "must be one of max, min"));
  EXPECT_TRUE(has_error(errors, 1, "metrics.m", "set level (inference, episode)"));
  EXPECT_TRUE(has_error(errors, 4, "metrics.comment", "reserved metric name"));
}

TEST(ConfigFunctions, ToolsNeedDescriptionAndParameters) {
  auto errors = errors_of(R"([tools.t]
strict = "yes"
)");
  EXPECT_TRUE(has_error(errors, 1, "tools.t", "set description"));
  EXPECT_TRUE(has_error(errors, 1, "tools.t", "set parameters"));
  EXPECT_TRUE(has_error(errors, 2, "tools.t.strict", "expected a boolean"));
}

TEST(ConfigFunctions, FunctionAndVariantErrors) {
  auto errors = errors_of(R"([functions.f]
type = "chat"
tools = ["missing_tool"]
tool_choice = "sometimes"
output_schema = "x.json"
[functions.f.variants.v]
type = "chat_completion"
model = "not_a_model"
weight = -1
temperture = 0.5
[functions.f.variants.w]
type = "experimental_mixture_of_n"
candidates = ["v", "ghost"]
[functions.f.variants.x]
type = "magic"
[functions.g]
type = "json"
tools = ["t"]
[functions.h]
type = "tool"
)");
  EXPECT_TRUE(has_error(errors, 3, "functions.f.tools", "tool 'missing_tool' is not defined"));
  EXPECT_TRUE(has_error(errors, 4, "functions.f.tool_choice", "must be none, auto, required"));
  EXPECT_TRUE(has_error(errors, 5, "functions.f.output_schema", "only json functions"));
  EXPECT_TRUE(
      has_error(errors, 8, "functions.f.variants.v.model", "model 'not_a_model' is not defined"));
  EXPECT_TRUE(has_error(errors, 9, "functions.f.variants.v.weight", "at least 0"));
  EXPECT_TRUE(
      has_error(errors, 10, "functions.f.variants.v.temperture", "did you mean 'temperature'?"));
  EXPECT_TRUE(
      has_error(errors, 13, "functions.f.variants.w.candidates", "variant 'ghost' is not defined"));
  EXPECT_TRUE(
      has_error(errors, 15, "functions.f.variants.x.type", "must be one of chat_completion"));
  EXPECT_TRUE(has_error(errors, 18, "functions.g.tools", "only chat functions"));
  EXPECT_TRUE(has_error(errors, 20, "functions.h.type", "must be one of chat, json"));
}

TEST(ConfigFunctions, VariantModelMayBeAConfiguredModelOrAShorthand) {
  auto errors = errors_of(R"([models.mine]
provider = "openai"
model = "gpt-4o"
[functions.f]
type = "chat"
[functions.f.variants.a]
type = "chat_completion"
model = "mine"
[functions.f.variants.b]
type = "chat_completion"
model = "openrouter::openai/gpt-oss-20b"
[functions.f.variants.c]
type = "chat_completion"
model = "nope::x"
[functions.f.variants.d]
type = "chat_completion"
)");
  ASSERT_EQ(errors.size(), 2u) << testing::dump(errors);
  EXPECT_TRUE(has_error(errors, 14, "functions.f.variants.c.model", "'nope::x' is not defined"));
  EXPECT_TRUE(has_error(errors, 15, "functions.f.variants.d", "set model"));
}

}  // namespace
}  // namespace sb::config
