#!/usr/bin/env bash
# Quick single-scenario throughput check: gateway (observability off) in front of the mock,
# wrk with 32 connections for 8 s after a 2 s warm-up. Usage: bench/quick.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tmp=$(mktemp -d)
trap 'kill $gw $mock 2>/dev/null; rm -rf "$tmp"' EXIT
source bench/mock_gateway.sh
write_bench_config "$tmp/cfg.toml"
write_bench_body "$tmp/body.json"
"$build/switchboard-mock" --port 4999 >/dev/null 2>&1 & mock=$!
"$build/switchboard" --config-file "$tmp/cfg.toml" --log-level warn >/dev/null 2>&1 & gw=$!
for _ in $(seq 100); do curl -sf 127.0.0.1:4000/health >/dev/null && break; sleep 0.05; done
url=http://127.0.0.1:4000/v1/chat/completions
SB_BODY="$tmp/body.json" wrk -t1 -c32 -d2s -s bench/wrk/post.lua "$url" >/dev/null
SB_BODY="$tmp/body.json" wrk -t1 -c32 -d8s -s bench/wrk/post.lua "$url" | grep -E "Requests/sec|SBJSON"
