#!/usr/bin/env bash
# Instructions per request inside the gateway's worker event loop, counted by callgrind (repeatable
# on a noisy machine, unlike wall-clock figures). One worker, observability off, the mock on :4999,
# the gateway on :4000, wrk with 4 connections for 8 s. Prints the requests and Ir per request.
# Usage: bench/callgrind.sh [BUILD_DIR] [OUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
command -v wrk >/dev/null || scripts/install-bench-deps.sh
build=${1:-build}
out=${2:-$(mktemp -u /tmp/sb-callgrind.XXXXXX)}
tmp=$(mktemp -d)
cleanup() {
  kill "${gw:-}" "${mock:-}" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
source bench/mock_gateway.sh
write_bench_config "$tmp/cfg.toml" 1
write_bench_body "$tmp/body.json"
"$build/switchboard-mock" --port 4999 --request-log 0 >/dev/null 2>&1 & mock=$!
valgrind --tool=callgrind --compress-strings=no --compress-pos=no --collect-atstart=no \
  "--toggle-collect=boost::asio::detail::scheduler::do_run_one*" --callgrind-out-file="$out" \
  "$build/switchboard" --config-file "$tmp/cfg.toml" >"$tmp/gw.log" 2>&1 & gw=$!
for _ in $(seq 300); do curl -sf 127.0.0.1:4000/health >/dev/null && break; sleep 0.1; done
requests=$(SB_BODY="$tmp/body.json" wrk -t1 -c4 -d8s -s bench/wrk/post.lua \
  http://127.0.0.1:4000/v1/chat/completions | awk '/requests in/{print $1}')
kill "$gw"
wait "$gw" 2>/dev/null || true
gw=
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",","",$1); print $1}')
echo "requests=$requests instructions=$total per_request=$((total / requests)) profile=$out"
