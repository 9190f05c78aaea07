#!/usr/bin/env bash
# A 15 MB readiness probe (`true || true || ...`): skillc check must refuse it by its length,
# before building a parse tree. Prints wall time and peak RSS of three cold runs.
# Usage: bench/huge_expr.sh   (needs python3 and GNU time at /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import os, sys
big = " || ".join(["true"] * 1_900_000)
os.makedirs(os.path.join(sys.argv[1], "huge"))
with open(os.path.join(sys.argv[1], "huge", "family.yaml"), "w") as f:
    f.write(f"""family:
  name: huge
  version: 1.0.0
  description: A family with one huge probe.
  label_prefix: org.example
services:
  api:
    description: The API.
    layer: L3
    scope: session
    run: {{ program: /usr/local/bin/api }}
    readiness: {{ probe: '{big}' }}
""")
print(f"expression: {len(big)} bytes", file=sys.stderr)
PY
for _ in 1 2 3; do
	/usr/bin/time -f "%e s wall, %M KB peak RSS" ./target/release/skillc check "$dir/huge" --format short --no-cache >/dev/null || true
done
