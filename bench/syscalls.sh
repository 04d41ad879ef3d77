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
gateway=${2:-${SB_BUILD_DIR:-build}/switchboard}
source bench/rig.sh
rig_start
rig_gateway gateway "$gateway"

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
measure gateway "$gateway_port" "$gateway_pid"
