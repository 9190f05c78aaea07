#!/usr/bin/env bash
# Benchmarks `skillc mcp` on the shipped skills' tree: startup (spawn → the answer to
# `initialize` / `server/discover`) and one `tools/list`, over raw JSON-RPC on stdio.
#
#   bench/mcp.sh            RUNS=30 by default; SKILLC=path to measure another binary
#
# The tree is a test build so that SKILLC_TEST_INVOKER can name a user in every runner role
# (alice, of foundation-core's ops): the server then offers every tool (109 on the shipped skills);
# as root it would offer only the doctor. Needs cargo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
if [ -z "${SKILLC:-}" ]; then
  cargo build --release --quiet
  SKILLC=$PWD/target/release/skillc
fi
TREE=${BENCH_DIR:-/tmp/skillc-bench}/mcp-tree
mkdir -p "$(dirname "$TREE")"
"$SKILLC" build skills --out "$TREE" --test-build >/dev/null
SKILLC_TEST_INVOKER=alice:501 python3 bench/mcp.py "$SKILLC" "$TREE" "$RUNS"
