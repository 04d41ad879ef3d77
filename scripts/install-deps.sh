#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only those that are missing.
# Idempotent; called by every make target that needs them. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git curl
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libcurl4-openssl-dev zlib1g-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsqlite3-dev
  libmimalloc-dev libgtest-dev nodejs npm
  # Storage tests: a real ClickHouse (scripts/clickhouse-test-server.sh) and the sqlite3 shell.
  clickhouse-server clickhouse-client sqlite3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node is often installed outside dpkg (nvm, a tarball); accept any node >= 18 on PATH.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
