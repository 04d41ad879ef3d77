#!/usr/bin/env bash
# Starts the bundled mock provider (the `demo` model's upstream) and the gateway in front of it.
set -euo pipefail
cd "$(dirname "$0")/.."
MOCK_PORT=${MOCK_PORT:-3999}
CONFIG=${GATEWAY_CONFIG_PATH:-config/tensorzero.toml}

build/switchboard-mock --host 127.0.0.1 --port "$MOCK_PORT" >/dev/null &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true' EXIT INT TERM

echo "gateway: http://localhost:3000 (config $CONFIG); try:"
echo "  curl -s localhost:3000/v1/chat/completions -H 'Content-Type: application/json' \\"
echo "       -d '{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'"
build/switchboard --config-file "$CONFIG" "$@" &
gw_pid=$!
trap 'kill -TERM "$gw_pid" 2>/dev/null; wait "$gw_pid" 2>/dev/null; kill "$mock_pid" 2>/dev/null || true' EXIT INT TERM
wait "$gw_pid"
