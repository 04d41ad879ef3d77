#!/usr/bin/env bash
# Benchmarks (never part of `make test`): the gateway beside the mock called directly and nginx as
# a reverse proxy, optionally beside Portkey (--peers). Writes bench/results/latest.json and the
# generated part of docs/benchmarks.md. Loopback only; every load run is bounded (~5 s each).
set -euo pipefail
cd "$(dirname "$0")/.."
export SB_BUILD_DIR=${SB_BUILD_DIR:-$PWD/build}
# 5,000 held streams need ~10,000 descriptors in the gateway and as many in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node bench/run.mjs "$@"
