#!/usr/bin/env bash
# System calls and context switches a request, nginx beside the gateway, at one fixed open-loop
# rate: `perf stat` counts the syscall tracepoints of nginx's workers, then of the gateway, for 4 s
# in the middle of a 7 s `sbload --rate` run against each (one at a time).
# Usage: bench/syscalls.sh RATE [GATEWAY_BINARY]      e.g. bench/syscalls.sh 12000
# Needs perf (scripts/install-bench-deps.sh) and a kernel that lets it read tracepoints (root).
set -euo pipefail
cd "$(dirname "$0")/.."
(($# >= 1)) || { sed -n '2,6p' "$0"; exit 2; }
rate=$1
build=${SB_BUILD_DIR:-build}
gateway=${2:-$build/switchboard}
command -v nginx >/dev/null && command -v perf >/dev/null || scripts/install-bench-deps.sh
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  ((${#pids[@]})) && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/sbload" bench/sbload.c
wait_for_file() {
  for _ in $(seq 200); do [[ -s $1 ]] && return 0; sleep 0.05; done
  echo "syscalls: $1 never appeared" >&2
  exit 1
}

"$build/switchboard-mock" --host 127.0.0.1 --port 0 --port-file "$work/mock.port" \
  --request-log 0 >"$work/mock.log" 2>&1 &
pids+=($!)
wait_for_file "$work/mock.port"
mock_port=$(cat "$work/mock.port")

mkdir -p "$work/nginx"
chmod 777 "$work/nginx"
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  upstream mock { server 127.0.0.1:$mock_port; keepalive 512; }
  server {
    listen 127.0.0.1:$nginx_port reuseport;
    location / { proxy_pass http://mock; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >/dev/null 2>&1 &
nginx_pid=$!
pids+=($nginx_pid)
for _ in $(seq 200); do curl -sf "127.0.0.1:$nginx_port/_mock/health" >/dev/null && break; sleep 0.05; done

cat >"$work/gateway.toml" <<TOML
[gateway]
bind_address = "127.0.0.1:0"
[gateway.observability]
enabled = false
[models.bench]
routing = ["mock"]
[models.bench.providers.mock]
type = "openai"
model_name = "bench"
api_base = "http://127.0.0.1:$mock_port/v1"
api_key_location = "none"
TOML
"$gateway" --config-file "$work/gateway.toml" --port-file "$work/gateway.port" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
wait_for_file "$work/gateway.port"

python3 -c 'import json; print(json.dumps({"model":"bench","messages":[{"role":"user","content":"w "*490}]}))' \
  >"$work/body.json"
events=raw_syscalls:sys_enter,context-switches,task-clock
for call in sendmsg sendto writev write recvfrom readv read epoll_wait epoll_ctl futex \
  timerfd_settime getsockopt setsockopt; do
  events+=",syscalls:sys_enter_$call"
done

measure() {  # NAME PORT PIDS
  local name=$1 port=$2 targets=$3 load
  "$work/sbload" --port "$port" --body "$work/body.json" -c 64 --rate "$rate" -d 6 --warmup 1 \
    >"$work/$name.json" &
  load=$!
  sleep 2
  perf stat -x, -e "$events" -p "$targets" -- sleep 4 2>"$work/$name.stat" >/dev/null
  wait "$load"
  awk -F, -v n=$((rate * 4)) -v who="$name" '$1 ~ /^[0-9.]+$/ && $1 > 0 {
    printf "%-8s %-40s %8.3f a request\n", who, $3, $1 / n }' "$work/$name.stat"
}
measure nginx "$nginx_port" "$(pgrep -d, -P "$nginx_pid")"
measure gateway "$(cat "$work/gateway.port")" "$gateway_pid"
