#!/usr/bin/env bash
# Installs what `make bench` needs beyond `make test`: wrk (saturation load), nginx (the
# reverse-proxy reference) and perf (the profile; the bench goes on without it if the kernel
# refuses). Only what is missing. Bench-only: `make test` never calls this.
set -euo pipefail

packages=(wrk nginx-light linux-perf)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any nginx on PATH will do (nginx, nginx-full, nginx-extras, or a build of one's own).
if command -v nginx >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nginx-light ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  echo "install-bench-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
