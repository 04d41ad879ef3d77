// The [gateway.observability] keys the store reads (parsed in src/config/gateway_section.cc).

#include <gtest/gtest.h>

#include "config/loader.h"

namespace sb::observability {
namespace {

config::ObservabilityConfig load(std::string_view observability) {
  std::string text = "[gateway.observability]\n" + std::string(observability) +
                     "\n[models.m]\nrouting = [\"p\"]\n[models.m.providers.p]\ntype = \"openai\"\n"
                     "model_name = \"x\"\napi_key_location = \"none\"\n";
  auto loaded = config::load_string(text, "t.toml");
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().front().to_string());
  return loaded ? loaded->gateway.observability : config::ObservabilityConfig{};
}

TEST(ObservabilityConfig, DefaultsKeepEverythingUnderData) {
  auto o = load("");
  EXPECT_FALSE(o.enabled.has_value());
  EXPECT_EQ(o.sqlite_path, "data/switchboard.db");
  EXPECT_EQ(o.spool_dir, "data/spool");
  EXPECT_EQ(o.spool_max_bytes, 1ull << 30);
  EXPECT_EQ(o.queue_capacity, 10000u);
  EXPECT_EQ(o.retention_months, 0u);
  EXPECT_EQ(o.flush_interval_ms, 100u);
  EXPECT_EQ(o.max_rows, 1000u);
}

TEST(ObservabilityConfig, ReadsOurKeysAndTensorZerosBatchWrites) {
  auto o = load(
      "enabled = true\nbackend = \"clickhouse\"\nspool_dir = \"/var/spool/sb\"\n"
      "spool_max_bytes = 4096\nretention_months = 6\n"
      "batch_writes = { enabled = true, flush_interval_ms = 20, max_rows = 50, "
      "write_queue_capacity = 777 }");
  EXPECT_EQ(o.enabled, true);
  EXPECT_EQ(o.backend, "clickhouse");
  EXPECT_EQ(o.spool_dir, "/var/spool/sb");
  EXPECT_EQ(o.spool_max_bytes, 4096u);
  EXPECT_EQ(o.retention_months, 6u);
  EXPECT_EQ(o.flush_interval_ms, 20u);
  EXPECT_EQ(o.max_rows, 50u);
  EXPECT_EQ(o.queue_capacity, 777u);
  EXPECT_EQ(load("queue_capacity = 5").queue_capacity, 5u);
}

TEST(ObservabilityConfig, RefusesBadValues) {
  for (const char* bad : {"queue_capacity = 0", "spool_max_bytes = -1", "retention_months = -2",
                          "spool_dir = \"\"", "backend = \"postgres\"", "spool = 1"}) {
    std::string text = std::string("[gateway.observability]\n") + bad + "\n";
    EXPECT_FALSE(config::load_string(text, "t.toml")) << bad;
  }
}

}  // namespace
}  // namespace sb::observability
