#include "metrics/gateway_metrics.h"

#include <gtest/gtest.h>

#include "exposition_parser.h"

namespace sb::metrics {
namespace {

using observability::AttemptRecord;
using observability::InferenceRecord;
using testing_util::parse_exposition;

class GatewayMetricsTest : public ::testing::Test {
 protected:
  GatewayMetricsTest() {
    LabelPolicy policy;
    policy.add_model("chat", {"primary", "secondary"});
    policy.add_model("backup", {"only"});
    metrics_ = GatewayMetrics::create(registry_, std::move(policy));
    shard_ = registry_->make_shard();
  }

  static AttemptRecord attempt(std::string model, std::string provider, std::string error_code) {
    return AttemptRecord{.model = std::move(model),
                         .provider = std::move(provider),
                         .error_code = std::move(error_code)};
  }

  testing_util::Parsed scrape() {
    auto parsed = parse_exposition(registry_->expose());
    EXPECT_TRUE(parsed.error.empty()) << parsed.error << "\n" << registry_->expose();
    return parsed;
  }

  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::shared_ptr<GatewayMetrics> metrics_;
  std::shared_ptr<Shard> shard_;
};

// The handlers skip building a record's content (input, output, params JSON) when no sink asks
// for it; the metrics sink must not, and must count such a record in full.
TEST_F(GatewayMetricsTest, WorkerSinkCountsRecordsWithoutAskingForTheirContent) {
  auto sink = metrics_->make_worker_sink();
  EXPECT_FALSE(sink->wants_content());
  sink->record(std::make_shared<const InferenceRecord>(
      InferenceRecord{.model = "chat",
                      .provider = "primary",
                      .status = "ok",
                      .usage = api::Usage{.input_tokens = 3}}));
  auto p = scrape();
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="chat",provider="primary",status="ok"})"),
            1);
  EXPECT_EQ(p.value(R"(tensorzero_token_usage{model="chat",kind="prompt"})"), 3);
}

// The worker sink keeps the series it resolved per (model, provider); what it exposes after many
// records must be exactly what resolving every label set each time exposes.
TEST_F(GatewayMetricsTest, CachedSeriesExposeTheSameAsFreshLookups) {
  std::vector<InferenceRecord> records = {
      {.model = "chat",
       .provider = "primary",
       .status = "ok",
       .usage = api::Usage{.input_tokens = 10, .output_tokens = 20},
       .latency_us = 20'000,
       .upstream_us = 19'000,
       .attempts = {attempt("chat", "primary", "")}},
      {.stream = true,
       .model = "chat",
       .provider = "secondary",
       .status = "error",
       .error_code = "upstream_timeout",
       .latency_us = 3'000'000,
       .ttft_us = 400'000,
       .attempts = {attempt("chat", "primary", "rate_limit_exceeded"),
                    attempt("chat", "primary", ""), attempt("chat", "secondary", "")}},
      {.model = "openai::gpt-4o", .provider = "openai", .status = "cancelled"},
      {.model = "", .provider = "", .status = "weird"},
      {.model = "backup", .provider = "ghost", .status = "ok"},
  };
  auto fresh = std::make_shared<Registry>();
  LabelPolicy policy;
  policy.add_model("chat", {"primary", "secondary"});
  policy.add_model("backup", {"only"});
  auto fresh_metrics = GatewayMetrics::create(fresh, std::move(policy));
  auto fresh_shard = fresh->make_shard();
  auto sink = metrics_->make_worker_sink();
  for (int round = 0; round < 3; ++round) {
    for (const InferenceRecord& r : records) {
      sink->record(std::make_shared<const InferenceRecord>(r));
      fresh_metrics->record(*fresh_shard, r);
    }
  }
  EXPECT_EQ(registry_->expose(), fresh->expose());
  EXPECT_NE(registry_->expose().find(
                R"(switchboard_requests_total{model="chat",provider="primary",status="ok"} 3)"),
            std::string::npos);
}

TEST_F(GatewayMetricsTest, CountsASuccessWithLatencyTokensAndOverhead) {
  InferenceRecord r{.model_requested = "whatever the client sent",
                    .model = "chat",
                    .provider = "primary",
                    .status = "ok",
                    .usage = api::Usage{.input_tokens = 10,
                                        .output_tokens = 20,
                                        .reasoning_tokens = 5,
                                        .cache_read_tokens = 4},
                    .latency_us = 1'500'000,
                    .upstream_us = 1'499'000,
                    .attempts = {attempt("chat", "primary", "")}};
  metrics_->record(*shard_, r);
  auto p = scrape();
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="chat",provider="primary",status="ok"})"),
            1);
  EXPECT_EQ(
      p.value(R"(tensorzero_request_duration_seconds_count{model="chat",provider="primary"})"), 1);
  EXPECT_EQ(
      p.value(
          R"(tensorzero_request_duration_seconds_bucket{model="chat",provider="primary",le="1"})"),
      0);
  EXPECT_EQ(
      p.value(
          R"(tensorzero_request_duration_seconds_bucket{model="chat",provider="primary",le="2.5"})"),
      1);
  EXPECT_DOUBLE_EQ(
      p.value(R"(tensorzero_request_duration_seconds_sum{model="chat",provider="primary"})"), 1.5);
  EXPECT_DOUBLE_EQ(
      p.value(R"(switchboard_gateway_overhead_seconds_sum{model="chat",provider="primary"})"),
      0.001);
  EXPECT_EQ(p.value(R"(tensorzero_token_usage{model="chat",kind="prompt"})"), 10);
  EXPECT_EQ(p.value(R"(tensorzero_token_usage{model="chat",kind="completion"})"), 20);
  EXPECT_EQ(p.value(R"(tensorzero_token_usage{model="chat",kind="reasoning"})"), 5);
  EXPECT_EQ(p.value(R"(tensorzero_token_usage{model="chat",kind="cached"})"), 4);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_attempts_total{model="chat",provider="primary",outcome="ok"})"),
      1);
  EXPECT_EQ(p.types.at("tensorzero_request_count"), "counter");
  EXPECT_EQ(p.types.at("tensorzero_error_count"), "counter");
  EXPECT_EQ(p.types.at("tensorzero_token_usage"), "counter");
  EXPECT_EQ(p.types.at("tensorzero_request_duration_seconds"), "histogram");
  // No streaming: no time to first token.
  EXPECT_TRUE(std::isnan(p.value(
      R"(switchboard_time_to_first_token_seconds_count{model="chat",provider="primary"})")));
}

TEST_F(GatewayMetricsTest, AFailureNobodyAnsweredCountsAsNoneWithItsErrorType) {
  InferenceRecord r{.model_requested = "chat",
                    .status = "error",
                    .error_code = "upstream_server_error",
                    .latency_us = 2000,
                    .attempts = {attempt("chat", "primary", "upstream_server_error"),
                                 attempt("chat", "secondary", "upstream_timeout")}};
  metrics_->record(*shard_, r);
  auto p = scrape();
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="none",provider="none",status="error"})"),
            1);
  EXPECT_EQ(p.value(R"(switchboard_errors_total{type="upstream_server_error"})"), 1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_attempts_total{model="chat",provider="primary",outcome="upstream_server_error"})"),
      1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_fallbacks_total{model="chat",provider="secondary",outcome="upstream_timeout"})"),
      1);
}

TEST_F(GatewayMetricsTest, TellsRetriesFromFallbacks) {
  InferenceRecord retried{.model = "chat",
                          .provider = "primary",
                          .status = "ok",
                          .attempts = {attempt("chat", "primary", "rate_limit_exceeded"),
                                       attempt("chat", "primary", "")}};
  InferenceRecord fell_back{.model = "backup",
                            .provider = "only",
                            .status = "ok",
                            .attempts = {attempt("chat", "primary", "upstream_connect_failed"),
                                         attempt("chat", "secondary", "upstream_server_error"),
                                         attempt("backup", "only", "")}};
  metrics_->record(*shard_, retried);
  metrics_->record(*shard_, fell_back);
  auto p = scrape();
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_retries_total{model="chat",provider="primary",outcome="ok"})"),
      1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_fallbacks_total{model="chat",provider="secondary",outcome="upstream_server_error"})"),
      1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_fallbacks_total{model="backup",provider="only",outcome="ok"})"),
      1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_upstream_attempts_total{model="chat",provider="primary",outcome="rate_limit_exceeded"})"),
      1);
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="backup",provider="only",status="ok"})"),
            1);
}

TEST_F(GatewayMetricsTest, StreamsRecordTimeToFirstToken) {
  InferenceRecord r{.stream = true,
                    .model = "chat",
                    .provider = "primary",
                    .status = "ok",
                    .latency_us = 900'000,
                    .ttft_us = 120'000};
  metrics_->record(*shard_, r);
  auto p = scrape();
  EXPECT_EQ(
      p.value(R"(switchboard_time_to_first_token_seconds_count{model="chat",provider="primary"})"),
      1);
  EXPECT_EQ(
      p.value(
          R"(switchboard_time_to_first_token_seconds_bucket{model="chat",provider="primary",le="0.1"})"),
      0);
  EXPECT_EQ(
      p.value(
          R"(switchboard_time_to_first_token_seconds_bucket{model="chat",provider="primary",le="0.25"})"),
      1);
}

TEST_F(GatewayMetricsTest, CancelledIsNotAnError) {
  InferenceRecord r{.model = "chat",
                    .provider = "primary",
                    .status = "cancelled",
                    .error_code = "request_timeout"};
  metrics_->record(*shard_, r);
  auto p = scrape();
  EXPECT_EQ(
      p.value(R"(switchboard_requests_total{model="chat",provider="primary",status="cancelled"})"),
      1);
  EXPECT_TRUE(std::isnan(p.value(R"(switchboard_errors_total{type="request_timeout"})")));
}

TEST_F(GatewayMetricsTest, LabelsNeverCarryClientStrings) {
  // A shorthand model: the model string is the client's; only its provider type is kept.
  InferenceRecord adhoc{.model_requested = "openai::gpt-4o\"}",
                        .model = "openai::gpt-4o\"}",
                        .provider = "openai",
                        .status = "ok",
                        .attempts = {attempt("openai::gpt-4o\"}", "openai", "")}};
  // A provider name that is not configured for the model, and an unexpected error code.
  InferenceRecord odd{.model = "chat",
                      .provider = "not-configured",
                      .status = "error",
                      .error_code = "Weird Code {}"};
  metrics_->record(*shard_, adhoc);
  metrics_->record(*shard_, odd);
  std::string text = registry_->expose();
  EXPECT_EQ(text.find("gpt-4o"), std::string::npos) << text;
  EXPECT_EQ(text.find("not-configured"), std::string::npos) << text;
  EXPECT_EQ(text.find("Weird"), std::string::npos) << text;
  auto p = scrape();
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="adhoc",provider="openai",status="ok"})"),
            1);
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="chat",provider="other",status="error"})"),
            1);
  EXPECT_EQ(p.value(R"(switchboard_errors_total{type="other"})"), 1);
}

TEST_F(GatewayMetricsTest, WorkerSinksAreSummedAtScrape) {
  auto a = metrics_->make_worker_sink();
  auto b = metrics_->make_worker_sink();
  auto r = std::make_shared<const InferenceRecord>(
      InferenceRecord{.model = "chat", .provider = "primary", .status = "ok"});
  a->record(r);
  b->record(r);
  b->record(r);
  auto p = scrape();
  EXPECT_EQ(p.value(R"(switchboard_requests_total{model="chat",provider="primary",status="ok"})"),
            3);
}

TEST(GatewayGauges, CallbacksAppearUnderTheirNames) {
  Registry r;
  register_server_gauges(r, {.open_connections = [] { return 3.0; },
                             .in_flight_requests = [] { return 2.0; },
                             .in_flight_streams = [] { return 1.0; }});
  register_observability_gauges(r, {.queue_depth = [] { return 7.0; },
                                    .spool_bytes = [] { return 4096.0; },
                                    .rows_dropped = {}});  // an absent source is skipped
  LabelPolicy policy;
  policy.add_model("chat", {"primary"});
  register_circuit_state(r, policy, [] {
    return std::vector<CircuitSample>{{"chat", "primary", 1},
                                      {"openai::a", "openai", 0},
                                      {"openai::b", "openai", 2}};  // same labels: highest kept
  });
  register_build_info(r, "1.2.3");
  auto p = parse_exposition(r.expose());
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(p.value("switchboard_open_connections"), 3);
  EXPECT_EQ(p.value("switchboard_in_flight_requests"), 2);
  EXPECT_EQ(p.value("switchboard_in_flight_streams"), 1);
  EXPECT_EQ(p.value("switchboard_observability_queue_depth"), 7);
  EXPECT_EQ(p.value("switchboard_observability_spool_bytes"), 4096);
  EXPECT_FALSE(p.types.contains("switchboard_observability_rows_dropped_total"));
  EXPECT_EQ(p.value(R"(switchboard_circuit_state{model="chat",provider="primary"})"), 1);
  EXPECT_EQ(p.value(R"(switchboard_circuit_state{model="adhoc",provider="openai"})"), 2);
  EXPECT_EQ(p.value(R"(switchboard_build_info{version="1.2.3"})"), 1);
}

}  // namespace
}  // namespace sb::metrics
