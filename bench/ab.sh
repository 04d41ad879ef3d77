#!/usr/bin/env bash
# Interleaved latency comparison of gateway builds or settings at one fixed rate: the mock called
# directly, nginx in front of it, and each gateway variant, all driven by ONE open-loop sbload
# that takes turns between them every 200 ms (bench/sbload.c --port A,B,...). Noise from the rest
# of the machine then reaches every target alike, which separate runs cannot promise on this box.
# Prints pooled percentiles, overheads over the direct call, the p99 overhead per block, and the
# CPU and run-queue wait per request of nginx and of each gateway (/proc/PID/task/*/schedstat).
#
# Usage: bench/ab.sh RATE SECONDS NAME=BINARY[,WORKERS] ...
#   bench/ab.sh 12000 30 new=build/switchboard old=/tmp/old/build/switchboard
#   bench/ab.sh 12000 60 w2=build/switchboard,2 w4=build/switchboard,4
# Environment: SB_BUILD_DIR (for the mock; default build), SB_AB_CONNECTIONS (64), SB_AB_BLOCKS (6).
# Loopback only; bounded by SECONDS plus a second of warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
(($# >= 3)) || { sed -n '2,13p' "$0"; exit 2; }
rate=$1 seconds=$2
shift 2
source bench/rig.sh

# Summed run time, run-queue wait (ns) and time slices of every thread of the given processes.
schedstat() {
  local p t
  for p in "$@"; do for t in /proc/"$p"/task/*; do cat "$t/schedstat"; done; done 2>/dev/null |
    awk '{a += $1; b += $2; c += $3} END {printf "%.0f %.0f %.0f\n", a, b, c}'
}

rig_start
names=(direct nginx)
ports=("$mock_port" "$nginx_port")
gateway_pids=()
for spec in "$@"; do
  name=${spec%%=*}
  rest=${spec#*=}
  workers=0
  [[ $rest == *,* ]] && workers=${rest#*,}
  rig_gateway "$name" "${rest%%,*}" "$workers"
  gateway_pids+=("$gateway_pid")
  names+=("$name")
  ports+=("$gateway_port")
done

workers_of_nginx=$(pgrep -d ' ' -P "$nginx_pid" || true)
before=()
for p in $workers_of_nginx "${gateway_pids[@]}"; do before+=("$(schedstat "$p")"); done
read -r _ u0 n0 s0 i0 _ </proc/stat
"$work/sbload" --port "$(IFS=,; echo "${ports[*]}")" --body "$work/body.json" \
  -c "${SB_AB_CONNECTIONS:-64}" --rate "$rate" -d "$seconds" --warmup 1 --slice-ms 200 \
  --blocks "${SB_AB_BLOCKS:-6}" >"$work/out.json"
read -r _ u1 n1 s1 i1 _ </proc/stat
after=()
for p in $workers_of_nginx "${gateway_pids[@]}"; do after+=("$(schedstat "$p")"); done

echo "rate $rate req/s for $seconds s, machine $(((100 * ((u1 + n1 + s1) - (u0 + n0 + s0))) / ((u1 + n1 + s1 + i1) - (u0 + n0 + s0 + i0))))% busy (/proc/stat)"
python3 - "$work/out.json" "$seconds" "$(echo $workers_of_nginx | wc -w)" "${names[*]}" \
  "${before[*]}" "${after[*]}" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
seconds, nginx_workers = float(sys.argv[2]), int(sys.argv[3])
names = sys.argv[4].split()
before = [int(x) for x in sys.argv[5].split()]
after = [int(x) for x in sys.argv[6].split()]
# schedstat triples: nginx's workers first, then one per gateway.
triples = [[a - b for a, b in zip(after[i:i + 3], before[i:i + 3])] for i in range(0, len(after), 3)]
per_target = {"nginx": [sum(t[k] for t in triples[:nginx_workers]) for k in range(3)]}
for name, t in zip(names[2:], triples[nginx_workers:]):
    per_target[name] = t
ms = lambda us: us / 1000
base = out["targets"][0]
print(f"{'target':10} {'p50':>7} {'p90':>7} {'p99':>7} {'p99.9':>7} | {'+p50':>7} {'+p90':>7} {'+p99':>7} | "
      f"{'cpu us/req':>10} {'wait us/req':>11} | p99 overhead per block")
for name, t in zip(names, out["targets"]):
    l, b = t["latency_us"], base["latency_us"]
    row = f"{name:10} " + " ".join(f"{ms(l[k]):7.3f}" for k in ("p50", "p90", "p99", "p999"))
    if name == "direct":
        print(row + " |" + " " * 26 + "|")
        continue
    row += " | " + " ".join(f"{ms(l[k] - b[k]):+7.3f}" for k in ("p50", "p90", "p99"))
    requests = t["completed"] * (seconds + 1) / seconds
    run, wait, _ = per_target.get(name, [0, 0, 0])
    row += f" | {run / requests / 1e3:10.1f} {wait / requests / 1e3:11.1f} | "
    row += ", ".join(f"{ms(x['latency_us']['p99'] - y['latency_us']['p99']):+.2f}"
                     for x, y in zip(t["blocks"], base["blocks"]))
    errors = t["errors"] + t["non2xx"]
    print(row + (f"  ({errors} errors)" if errors else ""))
PY
