#!/usr/bin/env bash
# Black-box tests: each test file starts switchboard-mock and the gateway on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
export SB_BUILD_DIR=${SB_BUILD_DIR:-$PWD/build}
files=(tests/integration/*.test.mjs)
node --test --test-concurrency=2 "${files[@]}"
