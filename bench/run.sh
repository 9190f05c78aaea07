#!/usr/bin/env bash
# Benchmarks skillc against yamllint and check-jsonschema on generated repositories.
#
#   bench/run.sh [SIZES...]          default: 100 1000 10000
#
# Environment (the parse cache of the warm runs is $BENCH_DIR/cache):
#   BENCH_DIR   where the generated repositories and results go (default: /tmp/skillc-bench)
#   RUNS        timed runs of skillc per size (default: 10); the Python tools get fewer
#   SKIP_PY=1   do not run yamllint / check-jsonschema
#   SKILLC      a skillc binary to measure instead of building target/release/skillc
#
# Needs: cargo, python3. Uses hyperfine (apt: hyperfine) when present, else a Python timing loop;
# peak memory from /usr/bin/time -f %M (apt: time); yamllint and check-jsonschema from PyPI
# (pip install yamllint check-jsonschema), each skipped with a notice when absent.
# Prints a markdown table (also written to $BENCH_DIR/results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("${@:-100 1000 10000}")
# shellcheck disable=SC2206
SIZES=(${SIZES[*]})
BENCH_DIR=${BENCH_DIR:-/tmp/skillc-bench}
RUNS=${RUNS:-10}
mkdir -p "$BENCH_DIR"
# The parse cache of the warm runs lives with the results; cold runs pass --no-cache.
export SKILLC_CACHE_DIR=$BENCH_DIR/cache
unset SKILLC_NO_CACHE

if [ -z "${SKILLC:-}" ]; then
  cargo build --release --quiet
  SKILLC=$ROOT/target/release/skillc
fi
SCHEMA=$ROOT/schemas/skillc.schema.json

have() { command -v "$1" >/dev/null 2>&1; }
HAS_BUILD=0
if "$SKILLC" build --help >/dev/null 2>&1; then HAS_BUILD=1; fi

# mean_ms NAME RUNS CMD...: wall time in ms as "mean±sd (median M)": a shared VM's slow outliers
# move the mean, the median shows the typical run.
mean_ms() {
  local name=$1 runs=$2; shift 2
  local json=$BENCH_DIR/$name.json
  if have hyperfine; then
    hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$json" "$(printf '%q ' "$@")" >/dev/null 2>&1 \
      || hyperfine -i --warmup 1 --runs "$runs" --export-json "$json" "$(printf '%q ' "$@")" >/dev/null
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f±%.1f (median %.1f)" % (r["mean"]*1000, (r["stddev"] or 0)*1000, r["median"]*1000))' "$json"
  else
    python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ts = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append((time.perf_counter() - t) * 1000)
sd = statistics.stdev(ts) if len(ts) > 1 else 0.0
print(f"{statistics.mean(ts):.1f}±{sd:.1f} (median {statistics.median(ts):.1f})")
PY
  fi
}

# peak_mb CMD...: peak RSS in MB (or "n/a").
peak_mb() {
  if [ -x /usr/bin/time ]; then
    local f
    f=$(mktemp)
    /usr/bin/time -f %M -o "$f" "$@" >/dev/null 2>&1 || true
    awk 'END { printf "%.1f", $1 / 1024 }' "$f"
    rm -f "$f"
  else
    echo "n/a"
  fi
}

if ! have hyperfine; then echo "notice: hyperfine not found; timing with a Python loop" >&2; fi
HAS_YAMLLINT=0; HAS_CJS=0
if [ "${SKIP_PY:-0}" != 1 ]; then
  if have yamllint; then HAS_YAMLLINT=1; else echo "notice: yamllint not found (pip install yamllint)" >&2; fi
  if have check-jsonschema; then HAS_CJS=1; else echo "notice: check-jsonschema not found (pip install check-jsonschema)" >&2; fi
fi
YAMLLINT_CONF='{extends: relaxed, rules: {line-length: disable}}'

out=$BENCH_DIR/results.md
{
  echo "| services | files | MB | skillc check, cold: --no-cache (ms) | skillc check, warm parse cache (ms) | check peak RSS (MB) | skillc build, rebuild (ms) | build peak RSS (MB) | yamllint (ms) | check-jsonschema (ms) | × yamllint (cold) | × check-jsonschema (cold) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$out"

declare -A CHECK_MS
for n in "${SIZES[@]}"; do
  repo=$BENCH_DIR/repo-$n
  python3 bench/gen.py "$n" "$repo" >/dev/null
  mapfile -t files < <(find "$repo" -name '*.yaml' | sort)
  bytes=$(cat "${files[@]}" | wc -c)
  # The generated repository must check clean: no error, no warning, no note.
  summary=$("$SKILLC" check "$repo" --format json | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["errors"], s["warnings"], s["infos"])')
  if [ "$summary" != "0 0 0" ]; then
    echo "error: the generated repository of $n services is not clean (errors warnings notes: $summary)" >&2
    "$SKILLC" check "$repo" --format short | head -20 >&2
    exit 1
  fi
  check=$(mean_ms "check-$n" "$RUNS" "$SKILLC" check "$repo" --format short --no-cache)
  CHECK_MS[$n]=${check%%±*}
  warm=$(mean_ms "check-warm-$n" "$RUNS" "$SKILLC" check "$repo" --format short)
  mem=$(peak_mb "$SKILLC" check "$repo" --format short --no-cache)
  build="n/a"; build_mem="n/a"
  if [ $HAS_BUILD = 1 ]; then
    # The warmup run writes the tree; the timed runs replace it (a rebuild, as in a workflow).
    build=$(mean_ms "build-$n" "$RUNS" "$SKILLC" build "$repo" --out "$BENCH_DIR/out-$n")
    build_mem=$(peak_mb "$SKILLC" build "$repo" --out "$BENCH_DIR/out-$n")
  fi
  py_runs=$(( n >= 10000 ? 1 : 3 ))
  yl="n/a"; cj="n/a"; ryl="n/a"; rcj="n/a"
  if [ $HAS_YAMLLINT = 1 ]; then
    yl=$(mean_ms "yamllint-$n" "$py_runs" yamllint -f parsable -d "$YAMLLINT_CONF" "$repo")
    ryl=$(python3 -c "print(f'{${yl%%±*} / ${check%%±*}:.0f}×')")
  fi
  if [ $HAS_CJS = 1 ]; then
    cj=$(mean_ms "cjs-$n" "$py_runs" check-jsonschema --schemafile "$SCHEMA" "${files[@]}")
    rcj=$(python3 -c "print(f'{${cj%%±*} / ${check%%±*}:.0f}×')")
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$n" "${#files[@]}" "$(python3 -c "print(f'{$bytes / 1048576:.1f}')")" "$check" "$warm" "$mem" "$build" "$build_mem" "$yl" "$cj" "$ryl" "$rcj" >>"$out"
done

shipped=$(mean_ms shipped "$RUNS" "$SKILLC" check "$ROOT/skills" --format short --no-cache)
shipped_warm=$(mean_ms shipped-warm "$RUNS" "$SKILLC" check "$ROOT/skills" --format short)
{
  echo
  echo "skillc check on the shipped skills/: ${shipped} ms cold (--no-cache), ${shipped_warm} ms warm"
  prev=""
  for n in "${SIZES[@]}"; do
    if [ -n "$prev" ]; then
      python3 -c "print(f'scaling {$prev} → {$n} services: {${CHECK_MS[$n]} / ${CHECK_MS[$prev]}:.1f}× time for {$n / $prev:.0f}× services')"
    fi
    prev=$n
  done
  echo
  echo "Phases of the largest run (skillc check --timings), cold then warm:"
  big=${SIZES[${#SIZES[@]}-1]}
  "$SKILLC" check "$BENCH_DIR/repo-$big" --format short --timings --no-cache 2>&1 >/dev/null | sed 's/^/    /' || true
  "$SKILLC" check "$BENCH_DIR/repo-$big" --format short --timings 2>&1 >/dev/null | sed 's/^/    /' || true
  echo
  echo "Machine: $(nproc) CPUs, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a); hyperfine: $(have hyperfine && hyperfine --version || echo absent)"
} >>"$out"
cat "$out"
