#!/usr/bin/env bash
# Compatibility tests: the official OpenAI Node SDK (pinned in tests/compat/package-lock.json)
# against the gateway and switchboard-mock, each test file on its own free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
export SB_BUILD_DIR=${SB_BUILD_DIR:-$PWD/build}

# npm ci only when the installed tree does not match the lock file (npm records what it installed).
dir=tests/compat
stamp=$dir/node_modules/.package-lock.json
if [[ ! -f $stamp ]] || [[ $dir/package-lock.json -nt $stamp ]]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

files=("$dir"/*.test.mjs)
node --test --test-concurrency=2 "${files[@]}"
