#!/usr/bin/env bash
# Benchmarks rendering many findings of one large file: `skillc check` in human format against
# JSON on a family of N services in one services.yaml, each with one readiness-timing warning.
#
#   bench/human.sh [N]              default: 4000 (one 0.85 MB file, 4,000 warnings)
#
# Environment: BENCH_DIR (default /tmp/skillc-bench-human), RUNS (default 5), SKILLC (a binary to
# measure instead of building target/release/skillc). Uses hyperfine when present, else a Python
# timing loop. Human rendering should cost about what JSON does: both are linear in the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000}
BENCH_DIR=${BENCH_DIR:-/tmp/skillc-bench-human}
RUNS=${RUNS:-5}
if [ -z "${SKILLC:-}" ]; then
  cargo build --release --quiet
  SKILLC=$PWD/target/release/skillc
fi
fam=$BENCH_DIR/fam
mkdir -p "$fam"
python3 - "$N" "$fam" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(f"{out}/family.yaml", "w") as f:
    f.write("family: { name: fam, version: 1.0.0, description: d, label_prefix: org.example.fam }\n")
with open(f"{out}/services.yaml", "w") as f:
    f.write("services:\n")
    for i in range(n):
        # The default readiness budget (30 × 2s) exceeds start_timeout: one readiness-timing warning.
        f.write(f"""  svc-{i:04}:
    description: Service {i}.
    layer: L3
    scope: session
    run:
      program: /usr/local/bin/svc-{i:04}
      start_timeout: 30s
    readiness:
      probe: 'file_exists("/tmp/svc-{i:04}.ready")'
""")
PY
warnings=$("$SKILLC" check "$fam" --format json --no-cache | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["warnings"])' || true)
bytes=$(wc -c <"$fam/services.yaml")
echo "$N services, $warnings warnings, services.yaml $bytes bytes"
for format in human json; do
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N -i --warmup 1 --runs "$RUNS" "$SKILLC check $fam --format $format --no-cache" 2>/dev/null | sed -n 's/^ *Time (mean ± σ): */'"$format"': /p'
  else
    python3 - "$RUNS" "$format" "$SKILLC" check "$fam" --format "$format" --no-cache <<'PY'
import statistics, subprocess, sys, time
runs, fmt, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
ts = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append(time.perf_counter() - t)
sd = statistics.stdev(ts) if len(ts) > 1 else 0.0
print(f"{fmt}: {statistics.mean(ts) * 1000:.0f} ± {sd * 1000:.0f} ms (median {statistics.median(ts) * 1000:.0f}, {runs} runs)")
PY
  fi
done
