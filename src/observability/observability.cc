#include "observability/observability.h"

#include <spdlog/spdlog.h>

#include "config/credentials.h"
#include "observability/clickhouse/clickhouse_store.h"
#include "observability/sqlite/sqlite_store.h"

namespace sb::observability {

namespace {

std::expected<std::unique_ptr<Store>, std::string> open_store(const config::ObservabilityConfig& o,
                                                              const Environment& env,
                                                              bool* migrated) {
  bool has_url = env.clickhouse_url && !env.clickhouse_url->empty();
  if (o.backend == "clickhouse" || (o.backend != "sqlite" && has_url)) {
    if (!has_url) {
      return std::unexpected(
          "observability.backend = \"clickhouse\" needs TENSORZERO_CLICKHOUSE_URL "
          "(http://user:password@host:8123/database)");
    }
    auto url = clickhouse::parse_url(*env.clickhouse_url, env.clickhouse_password);
    if (!url) return std::unexpected(url.error());
    return std::make_unique<clickhouse::ClickHouseStore>(*url);
  }
  auto store = sqlite::SqliteStore::open(o.sqlite_path);
  if (!store) return std::unexpected(store.error());
  if (auto ok = (*store)->migrate(); !ok) {
    return std::unexpected("SQLite " + o.sqlite_path + ": " + ok.error());
  }
  *migrated = true;
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace

Environment environment_for(const std::string& config_path) {
  using Kind = config::CredentialLocation::Kind;
  auto store = config::CredentialStore::load(
      config::CredentialStore::default_options(config_path),
      {{.kind = Kind::kEnv, .name = "TENSORZERO_CLICKHOUSE_URL"},
       {.kind = Kind::kEnv, .name = "TENSORZERO_CLICKHOUSE_PASSWORD"}});
  return {.clickhouse_url = store.lookup("TENSORZERO_CLICKHOUSE_URL"),
          .clickhouse_password = store.lookup("TENSORZERO_CLICKHOUSE_PASSWORD")};
}

std::expected<std::shared_ptr<Recorder>, std::string> start(const config::Config& config,
                                                            const Environment& env) {
  const auto& o = config.gateway.observability;
  if (o.enabled == false) {
    spdlog::info("observability disabled ([gateway] observability.enabled = false)");
    return nullptr;
  }
  bool migrated = false;
  auto store = open_store(o, env, &migrated);
  if (!store) {
    if (o.enabled == true || o.backend == "clickhouse") {
      return std::unexpected("observability: " + store.error());
    }
    spdlog::error("observability off: {} (set observability.enabled = false to silence this)",
                  store.error());
    return nullptr;
  }
  auto spool = Spool::open({.dir = o.spool_dir, .max_bytes = o.spool_max_bytes});
  if (!spool) {
    if (o.enabled == true || !o.backend.empty()) {
      return std::unexpected("observability spool: " + spool.error());
    }
    spdlog::error(
        "observability off: spool: {} (set observability.spool_dir to a writable "
        "directory)",
        spool.error());
    return nullptr;
  }
  spdlog::info(
      "observability exporter configured: backend={} store={} spool={} (max {} bytes) "
      "flush_interval_ms={} max_rows={} queue_capacity={} retention_months={}",
      (*store)->name(), (*store)->describe(), o.spool_dir, o.spool_max_bytes, o.flush_interval_ms,
      o.max_rows, o.queue_capacity, o.retention_months);
  return Recorder::start(std::move(*store), std::move(*spool),
                         {.flush_interval = std::chrono::milliseconds(o.flush_interval_ms),
                          .max_rows = o.max_rows,
                          .queue_capacity = o.queue_capacity,
                          .retention_months = o.retention_months,
                          .migrated = migrated});
}

}  // namespace sb::observability
