#!/usr/bin/env bash
# A throwaway ClickHouse server for the storage tests: Debian's clickhouse-server (18.16 on
# bookworm; a newer one works too), loopback only, free ports, all state under DIR.
#
#   scripts/clickhouse-test-server.sh start DIR   start (or restart, same ports and data) and
#                                                 print the HTTP port once /ping answers
#   scripts/clickhouse-test-server.sh stop DIR    SIGTERM, then SIGKILL after 20 s
#   scripts/clickhouse-test-server.sh kill DIR    SIGKILL: a crash
#   scripts/clickhouse-test-server.sh port DIR    print the HTTP port
#
# The profile is the low-memory one of deploy/clickhouse/, reduced to the settings 18.16 knows.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|kill|port DIR" >&2
  exit 2
fi

server=$(command -v clickhouse-server || true)
[[ -z "$server" && -x /usr/sbin/clickhouse-server ]] && server=/usr/sbin/clickhouse-server
[[ -z "$server" ]] && server=$(command -v clickhouse 2>/dev/null && echo " server" || true)

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if port_is_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

write_config() {
  local http=$1 tcp=$2
  mkdir -p "$dir/data" "$dir/log"
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$dir/log/server.log</log>
    <errorlog>$dir/log/error.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/data/tmp/</tmp_path>
  <user_files_path>$dir/data/user_files/</user_files_path>
  <format_schema_path>$dir/data/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mlock_executable>false</mlock_executable>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>16777216</uncompressed_cache_size>
  <max_connections>64</max_connections>
  <max_concurrent_queries>100</max_concurrent_queries>
  <background_pool_size>2</background_pool_size>
  <background_schedule_pool_size>2</background_schedule_pool_size>
  <merge_tree>
    <max_bytes_to_merge_at_max_space_in_pool>1073741824</max_bytes_to_merge_at_max_space_in_pool>
  </merge_tree>
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_threads>2</max_threads>
      <max_block_size>8192</max_block_size>
      <queue_max_wait_ms>1000</queue_max_wait_ms>
      <max_execution_time>600</max_execution_time>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
EOF
  echo "$http" >"$dir/http_port"
  echo "$tcp" >"$dir/tcp_port"
}

running_pid() {
  [[ -f "$dir/pid" ]] || return 1
  local pid
  pid=$(cat "$dir/pid")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start() {
  if [[ -z "$server" ]]; then
    echo "clickhouse-server is not installed (apt-get install clickhouse-server)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ ! -f "$dir/http_port" ]]; then
    local http tcp
    http=$(pick_port)
    tcp=$(pick_port)
    while [[ "$tcp" == "$http" ]]; do tcp=$(pick_port); done
    write_config "$http" "$tcp"
  fi
  local http
  http=$(cat "$dir/http_port")
  if ! running_pid >/dev/null; then
    # shellcheck disable=SC2086
    setsid $server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
  fi
  # Poll /ping until it answers, with a deadline (first start creates the system tables).
  local deadline=$((SECONDS + 60))
  until curl -sf -m 1 "http://127.0.0.1:$http/ping" >/dev/null 2>&1; do
    if ! running_pid >/dev/null; then
      echo "clickhouse-server exited; see $dir/log/" >&2
      tail -20 "$dir/log/error.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "clickhouse-server did not answer on port $http within 60 s" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$http"
}

stop() {
  local pid
  pid=$(running_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  rm -f "$dir/pid"
}

crash() {
  local pid
  pid=$(running_pid) || return 0
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$dir/pid"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  kill) crash ;;
  port) cat "$dir/http_port" ;;
  *)
    echo "usage: $0 start|stop|kill|port DIR" >&2
    exit 2
    ;;
esac
