#!/usr/bin/env bash
# Load-independent cost of the hot path: user-space instructions per execution and per step of
# one program, from `perf stat` over two runs of dist/bench/loop.js (SMALL and LARGE searches),
# so that node's startup and the JIT's warm-up cancel out. Each run is repeated REPS times and
# the median difference is printed. Needs perf (linux-perf); build first with `npx tsc`.
#   bash bench/instructions.sh [PROGRAM] [SMALL] [LARGE] [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
program=${1:-lock-counter-2x2}
small=${2:-1000}
large=${3:-6000}
reps=${4:-5}
count() { # prints "instructions executions steps"
  local out
  out=$(perf stat -x, -e instructions:u node dist/bench/loop.js "$program" "$1" 2>&1 >/tmp/iommulab-loop.$$)
  echo "$(echo "$out" | grep instructions | cut -d, -f1) $(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.executions,r.steps)' /tmp/iommulab-loop.$$)"
}
results=()
for _ in $(seq "$reps"); do
  read -r i1 e1 s1 < <(count "$small")
  read -r i2 e2 s2 < <(count "$large")
  results+=("$(( (i2 - i1) / (e2 - e1) )) $(( (i2 - i1) / (s2 - s1) ))")
done
rm -f /tmp/iommulab-loop.$$
printf '%s\n' "${results[@]}" | sort -n | awk -v p="$program" '{ a[NR] = $0 } END { split(a[int((NR + 1) / 2)], m, " "); split(a[1], lo, " "); split(a[NR], hi, " "); printf "%s: %d instructions/execution (range %d-%d), %d instructions/step (median of %d)\n", p, m[1], lo[1], hi[1], m[2], NR }'
