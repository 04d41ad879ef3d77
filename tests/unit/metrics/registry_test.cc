#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "exposition_parser.h"

namespace sb::metrics {
namespace {

using testing_util::parse_exposition;

TEST(Registry, SumsCountersOverShards) {
  Registry r;
  auto requests = r.counter("requests_total", "Requests", {"model", "status"});
  auto a = r.make_shard();
  auto b = r.make_shard();
  a->add(requests, {"m1", "ok"});
  a->add(requests, {"m1", "ok"}, 2);
  b->add(requests, {"m1", "ok"}, 4);
  b->add(requests, {"m2", "error"});
  EXPECT_EQ(r.expose(),
            "# HELP requests_total Requests\n"
            "# TYPE requests_total counter\n"
            "requests_total{model=\"m1\",status=\"ok\"} 7\n"
            "requests_total{model=\"m2\",status=\"error\"} 1\n");
}

TEST(Registry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry r;
  auto latency = r.histogram("latency_seconds", "Latency", {"model"}, {0.1, 1, 10});
  auto a = r.make_shard();
  auto b = r.make_shard();
  a->observe(latency, {"m"}, 0.05);
  a->observe(latency, {"m"}, 0.1);  // on a bound: counts in that bucket (le)
  b->observe(latency, {"m"}, 0.5);
  b->observe(latency, {"m"}, 20);            // beyond the last bound: +Inf only
  b->observe(latency, {"m"}, std::nan(""));  // ignored
  EXPECT_EQ(r.expose(),
            "# HELP latency_seconds Latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{model=\"m\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{model=\"m\",le=\"1\"} 3\n"
            "latency_seconds_bucket{model=\"m\",le=\"10\"} 3\n"
            "latency_seconds_bucket{model=\"m\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{model=\"m\"} 20.65\n"
            "latency_seconds_count{model=\"m\"} 4\n");
}

TEST(Registry, EscapesLabelValuesInOutput) {
  Registry r;
  auto c = r.counter("c_total", "C", {"v"});
  auto s = r.make_shard();
  s->add(c, {"a\"b\\c\nd"});
  EXPECT_NE(r.expose().find("c_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos);
}

TEST(Registry, FamiliesWithoutSeriesStillDeclareThemselves) {
  Registry r;
  r.counter("nothing_total", "Nothing yet", {"x"});
  EXPECT_EQ(r.expose(), "# HELP nothing_total Nothing yet\n# TYPE nothing_total counter\n");
}

TEST(Registry, CallbacksShareOneFamilyPerName) {
  Registry r;
  r.add_gauge_callback("state", "State", [] {
    return std::vector<Sample>{{.labels = {{"provider", "a"}}, .value = 2}};
  });
  r.add_gauge_callback("state", "State", [] {
    return std::vector<Sample>{{.labels = {{"provider", "b"}}, .value = 0},
                               {.labels = {{"bad-name", "x"}}, .value = 1}};  // skipped
  });
  r.add_callback("dropped_total", "Dropped", Kind::kCounter,
                 [] { return std::vector<Sample>{{.labels = {}, .value = 3}}; });
  EXPECT_EQ(r.expose(),
            "# HELP state State\n"
            "# TYPE state gauge\n"
            "state{provider=\"a\"} 2\n"
            "state{provider=\"b\"} 0\n"
            "# HELP dropped_total Dropped\n"
            "# TYPE dropped_total counter\n"
            "dropped_total 3\n");
}

TEST(Registry, RejectsBadDeclarations) {
  Registry r;
  r.counter("x_total", "X", {});
  EXPECT_THROW(r.counter("x_total", "again", {}), std::invalid_argument);
  EXPECT_THROW(r.add_gauge_callback("x_total", "again", [] { return std::vector<Sample>{}; }),
               std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "X", {}), std::invalid_argument);
  EXPECT_THROW(r.counter("y_total", "Y", {"le"}), std::invalid_argument);
  EXPECT_THROW(r.counter("z_total", "Z", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H", {}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h2", "H", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(r.add_callback("g", "G", Kind::kHistogram, [] { return std::vector<Sample>{}; }),
               std::invalid_argument);
}

TEST(Registry, OutputParsesStrictly) {
  Registry r;
  auto c = r.counter("tensorzero_request_count", "Requests", {"model", "provider", "status"});
  auto h = r.histogram("tensorzero_request_duration_seconds", "Latency", {"model", "provider"},
                       {0.05, 0.5, 5});
  auto s = r.make_shard();
  s->add(c, {"m", "p", "ok"}, 3);
  s->observe(h, {"m", "p"}, 0.2);
  s->observe(h, {"m", "p"}, 7);
  r.add_gauge_callback("open_connections", "Open",
                       [] { return std::vector<Sample>{{.labels = {}, .value = 5}}; });
  auto parsed = parse_exposition(r.expose());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.value("tensorzero_request_count{model=\"m\",provider=\"p\",status=\"ok\"}"), 3);
  EXPECT_EQ(parsed.value("tensorzero_request_duration_seconds_count{model=\"m\",provider=\"p\"}"),
            2);
  EXPECT_EQ(parsed.types.at("tensorzero_request_duration_seconds"), "histogram");
  EXPECT_EQ(parsed.value("open_connections"), 5);
}

// Writers on their own shards while another thread scrapes: no lost increments, and every
// scrape is internally consistent (+Inf bucket == _count, buckets never decrease).
TEST(Registry, ConcurrentWritersAndScrapesAgree) {
  Registry r;
  auto c = r.counter("n_total", "N", {"worker"});
  auto h = r.histogram("h_seconds", "H", {}, {0.5});
  constexpr int kWorkers = 4;
  constexpr int kPerWorker = 50000;
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWorkers; ++w) {
    writers.emplace_back([&r, c, h, w] {
      auto shard = r.make_shard();
      for (int i = 0; i < kPerWorker; ++i) {
        shard->add(c, {std::to_string(w % 2)});  // two workers share each label set
        shard->observe(h, {}, (i % 2) ? 1.0 : 0.25);
      }
    });
  }
  std::thread scraper([&] {
    while (!done.load()) {
      auto parsed = parse_exposition(r.expose());
      ASSERT_TRUE(parsed.error.empty()) << parsed.error;
    }
  });
  for (auto& t : writers) t.join();
  done = true;
  scraper.join();
  auto parsed = parse_exposition(r.expose());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.value("n_total{worker=\"0\"}"), 2 * kPerWorker);
  EXPECT_EQ(parsed.value("n_total{worker=\"1\"}"), 2 * kPerWorker);
  EXPECT_EQ(parsed.value("h_seconds_count"), kWorkers * kPerWorker);
  EXPECT_EQ(parsed.value("h_seconds_bucket{le=\"0.5\"}"), kWorkers * kPerWorker / 2);
  EXPECT_DOUBLE_EQ(parsed.value("h_seconds_sum"), kWorkers * (kPerWorker / 2) * 1.25);
}

}  // namespace
}  // namespace sb::metrics
