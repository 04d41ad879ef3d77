// [gateway]: TensorZero's keys plus ours (workers, connect_timeout_ms, limits, sqlite_path,
// observability spool_dir / spool_max_bytes / queue_capacity / retention_months).

#include <cctype>
#include <charconv>

#include "config/credentials.h"
#include "config/sections.h"

namespace sb::config {

std::expected<void, std::string> validate_bind_address(std::string_view address) {
  const std::string usage = "must be host:port (IPv6 in brackets, e.g. [::]:3000)";
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::unexpected(usage);
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  if (host.starts_with('[')) {
    if (host.size() < 3 || !host.ends_with(']')) return std::unexpected(usage);
    std::string_view v6 = host.substr(1, host.size() - 2);
    if (v6.find(':') == std::string_view::npos) return std::unexpected(usage);
    for (char c : v6.substr(0, v6.find('%'))) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return std::unexpected(usage);
      }
    }
  } else {
    if (host.empty()) return std::unexpected(usage);
    for (char c : host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
        return std::unexpected(usage);
      }
    }
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return std::unexpected("port must be a number from 0 to 65535");
  }
  return {};
}

namespace {

void read_limits(TableReader& r, GatewayLimits& out) {
  const toml::table* t = r.table("limits");
  if (!t) return;
  TableReader l(*t, r.key_path("limits"), r.diag());
  if (auto v = l.integer("max_body_bytes", 1, INT64_MAX)) out.max_body_bytes = *v;
  if (auto v = l.integer("max_header_bytes", 1024, UINT32_MAX)) out.max_header_bytes = *v;
  if (auto v = l.integer("max_connections", 1, UINT32_MAX)) out.max_connections = *v;
  if (auto v = l.positive_millis("read_timeout_ms")) out.read_timeout = *v;
  if (auto v = l.positive_millis("idle_timeout_ms")) out.idle_timeout = *v;
  if (auto v = l.positive_millis("drain_timeout_ms")) out.drain_timeout = *v;
  l.finish();
}

void read_circuit_breaker(TableReader& r, CircuitBreakerConfig& out) {
  const toml::table* t = r.table("circuit_breaker");
  if (!t) return;
  TableReader b(*t, r.key_path("circuit_breaker"), r.diag());
  if (auto v = b.integer("failure_threshold", 1, 1000000))
    out.failure_threshold = static_cast<int>(*v);
  if (auto v = b.number("failure_ratio", 0)) out.failure_ratio = *v;
  if (auto v = b.integer("min_requests", 1, 1000000)) out.min_requests = static_cast<int>(*v);
  if (auto v = b.positive_millis("window_ms")) out.window = *v;
  if (auto v = b.positive_millis("open_ms")) out.open = *v;
  b.finish();
}

void read_batch_writes(TableReader& r, ObservabilityConfig& out) {
  const toml::table* t = r.table("batch_writes");
  if (!t) return;
  TableReader b(*t, r.key_path("batch_writes"), r.diag());
  b.boolean("enabled");  // we always batch; accepted for TensorZero files
  if (auto v = b.integer("flush_interval_ms", 1, UINT32_MAX)) out.flush_interval_ms = *v;
  if (auto v = b.integer("max_rows", 1, UINT32_MAX)) out.max_rows = *v;
  b.integer("max_rows_postgres", 1, UINT32_MAX);
  if (auto v = b.integer("write_queue_capacity", 1, UINT32_MAX)) out.queue_capacity = *v;
  b.finish();
}

void read_observability(TableReader& r, ObservabilityConfig& out) {
  const toml::table* t = r.table("observability");
  if (!t) return;
  TableReader o(*t, r.key_path("observability"), r.diag());
  if (auto v = o.boolean("enabled")) out.enabled = *v;
  if (auto v = o.string("backend")) {
    if (*v == "auto" || *v == "sqlite" || *v == "clickhouse") {
      out.backend = *v;
    } else if (*v == "postgres") {
      o.error("backend", "postgres is not supported: use auto, sqlite or clickhouse");
    } else {
      o.error("backend", "must be auto, sqlite or clickhouse, got \"" + *v + "\"");
    }
  }
  if (auto v = o.non_empty_string("sqlite_path")) out.sqlite_path = *v;
  if (auto v = o.non_empty_string("spool_dir")) out.spool_dir = *v;
  if (auto v = o.integer("spool_max_bytes", 0, INT64_MAX)) out.spool_max_bytes = *v;
  if (auto v = o.integer("queue_capacity", 1, UINT32_MAX)) out.queue_capacity = *v;
  if (auto v = o.integer("retention_months", 0, 1200)) out.retention_months = *v;
  o.boolean("async_writes");
  o.boolean("disable_automatic_migrations");  // deprecated in TensorZero, accepted
  read_batch_writes(o, out);
  o.finish();
}

// TensorZero keys that change nothing here; refusing them would break drop-in files.
constexpr std::string_view kIgnored[] = {
    "template_filesystem_access",
    "export",
    "metrics",
    "fetch_and_encode_input_files_before_inference",
    "cache",
    "disable_pseudonymous_usage_analytics",
    "unstable_error_json",
    "unstable_disable_feedback_target_validation",
};

// [gateway.auth]: TensorZero's `enabled` (Postgres-backed keys) is replaced by ours, `keys`,
// credential locations of client API keys (several, so a key can rotate without downtime).
void read_auth(TableReader& r, AuthConfig& out) {
  const toml::table* t = r.table("auth");
  if (!t) return;
  TableReader a(*t, r.key_path("auth"), r.diag());
  auto enabled = a.boolean("enabled");
  if (auto keys = a.strings("keys")) {
    for (const auto& k : *keys) {
      auto loc = parse_credential_location(k.value);
      if (!loc) {
        a.error_at(k.line, "keys", loc.error());
      } else if (loc->kind == CredentialLocation::Kind::kDynamic ||
                 loc->kind == CredentialLocation::Kind::kNone) {
        a.error_at(k.line, "keys",
                   "a client key must come from env::VAR, path::FILE or "
                   "path_from_env::VAR");
      } else {
        out.keys.push_back(*loc);
      }
    }
    if (keys->empty()) a.error("keys", "is empty: list at least one key location");
  }
  a.accept({"cache"});  // TensorZero's key-lookup cache: nothing to cache here
  a.finish();
  if (enabled && *enabled && !a.has("keys")) {
    a.error("enabled",
            "API-key auth in Postgres is not supported; list key locations in "
            "[gateway.auth] keys = [\"env::VAR\", ...] or set TENSORZERO_API_KEY to require a "
            "bearer key");
  }
  if (enabled && !*enabled && a.has("keys")) {
    a.error("enabled", "is false while keys are listed: remove one of them");
  }
}

// Keys whose silent ignoring would surprise an operator: accepted only when they ask for nothing.
void read_unsupported(TableReader& r) {
  if (r.node("relay")) r.error("relay", "relaying to another gateway is not supported");
}

}  // namespace

void read_gateway(TableReader& r, GatewayConfig& out) {
  if (auto v = r.string("bind_address")) {
    if (auto ok = validate_bind_address(*v); ok) {
      out.bind_address = *v;
    } else {
      r.error("bind_address", ok.error());
    }
  }
  if (auto v = r.string("base_path")) {
    std::string path = *v;
    while (path.size() > 1 && path.ends_with('/')) path.pop_back();
    if (!path.empty() && !path.starts_with('/')) {
      r.error("base_path", "must start with '/'");
    } else {
      out.base_path = path == "/" ? "" : path;
    }
  }
  if (auto v = r.boolean("debug")) out.debug = *v;
  if (auto v = r.integer("workers", 0, 1024)) out.workers = static_cast<int>(*v);
  if (auto v = r.positive_millis("connect_timeout_ms")) out.connect_timeout = *v;
  if (auto v = r.positive_millis("global_outbound_http_timeout_ms")) {
    out.global_outbound_timeout = *v;
  }
  read_limits(r, out.limits);
  read_circuit_breaker(r, out.circuit_breaker);
  read_observability(r, out.observability);
  read_auth(r, out.auth);
  read_unsupported(r);
  r.accept(kIgnored);
}

}  // namespace sb::config
