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
# The server runs with the low-memory profile of deploy/clickhouse/ (its legacy-18.16/ variant on
# ClickHouse 18.x, which refuses some of the newer settings).
set -euo pipefail

profile_dir=$(cd "$(dirname "$0")/../deploy/clickhouse" && pwd)

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start|stop|kill|port DIR" >&2
  exit 2
fi

server=$(command -v clickhouse-server || true)
[[ -z "$server" && -x /usr/sbin/clickhouse-server ]] && server=/usr/sbin/clickhouse-server
[[ -z "$server" ]] && server=$(command -v clickhouse 2>/dev/null && echo " server" || true)

# The server's major version, from the client beside it (the 18.16 server has no --version).
clickhouse_major() {
  local v
  v=$(clickhouse-client --version 2>/dev/null || clickhouse client --version 2>/dev/null || true)
  v=$(grep -o '[0-9][0-9]*\.[0-9]' <<<"$v" | head -1)
  echo "${v%%.*}"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports below the kernel's ephemeral range, so that no outgoing connection (the tests make
# thousands) takes the server's port while it is down for a restart.
pick_port() {
  local p low=32768 lo=20000
  [[ -r /proc/sys/net/ipv4/ip_local_port_range ]] && read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  ((low - lo < 1000)) && lo=10000 && low=20000
  for _ in $(seq 1 200); do
    p=$((lo + RANDOM % (low - lo)))
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
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
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
  # The low-memory profile, as config.d / users.d files beside the two files above.
  local variant=$profile_dir
  if [[ "$(clickhouse_major)" -lt 20 ]]; then variant=$profile_dir/legacy-18.16; fi
  mkdir -p "$dir/config.d" "$dir/users.d"
  sed 's#<clickhouse>#<yandex>#; s#</clickhouse>#</yandex>#' "$variant/config.xml" >"$dir/config.d/low-memory.xml"
  sed 's#<clickhouse>#<yandex>#; s#</clickhouse>#</yandex>#' "$variant/users.xml" >"$dir/users.d/low-memory.xml"
  echo "$http" >"$dir/http_port"
  echo "$tcp" >"$dir/tcp_port"
}

running_pid() {
  [[ -f "$dir/pid" ]] || return 1
  local pid
  pid=$(cat "$dir/pid")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Launches the server once; 0 when /ping answers, 1 when it exited, 2 on timeout.
launch() {
  local http=$1
  if ! running_pid >/dev/null; then
    # shellcheck disable=SC2086
    setsid $server --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
  fi
  # Poll /ping until it answers, with a deadline (first start creates the system tables).
  local deadline=$((SECONDS + 60))
  until curl -sf -m 1 "http://127.0.0.1:$http/ping" >/dev/null 2>&1; do
    running_pid >/dev/null || return 1
    ((SECONDS > deadline)) && return 2
    sleep 0.1
  done
  return 0
}

start() {
  if [[ -z "$server" ]]; then
    echo "clickhouse-server is not installed (apt-get install clickhouse-server)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local fresh=0
  [[ -f "$dir/http_port" ]] || fresh=1
  for attempt in 1 2 3 4 5; do
    if [[ ! -f "$dir/http_port" ]]; then
      local http tcp
      http=$(pick_port)
      tcp=$(pick_port)
      while [[ "$tcp" == "$http" ]]; do tcp=$(pick_port); done
      write_config "$http" "$tcp"
    fi
    local port rc=0
    port=$(cat "$dir/http_port")
    launch "$port" || rc=$?
    if ((rc == 0)); then
      echo "$port"
      return 0
    fi
    if ((rc == 1)) && grep -q "Address already in use" "$dir/log/error.log" 2>/dev/null; then
      : >"$dir/log/error.log"
      # A fresh server takes other ports; a restarted one waits for its own to be free.
      if ((fresh)); then rm -f "$dir/http_port" "$dir/tcp_port"; else sleep 1; fi
      continue
    fi
    break
  done
  echo "clickhouse-server did not start (see $dir/log/):" >&2
  tail -n 20 "$dir/log/error.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
  exit 1
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
