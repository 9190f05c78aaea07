#!/usr/bin/env bash
# One family of N independent services (no dependencies): `skillc check` and `skillc build`
# must stay linear in N (the install order once rescanned every pending service per step).
# Usage: bench/flat.sh [N...]   (default 10000 50000; needs python3 and GNU time at /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
[ "$#" -gt 0 ] || set -- 10000 50000
for n in "$@"; do
	python3 - "$n" "$dir/r$n" <<'PY'
import os, sys
n = int(sys.argv[1]); d = sys.argv[2]
os.makedirs(f"{d}/flat")
with open(f"{d}/flat/family.yaml", "w") as f:
    f.write("family:\n  name: flat\n  version: 1.0.0\n  description: Independent services.\n  label_prefix: org.example.flat\n")
for part in range(0, n, 500):
    with open(f"{d}/flat/services-{part:06d}.yaml", "w") as f:
        f.write("services:\n")
        for i in range(part, min(n, part + 500)):
            f.write(f"  s{i}:\n    description: Service {i}.\n    layer: L3\n    scope: session\n"
                    f"    run: {{ program: /usr/local/bin/s{i} }}\n"
                    f"    readiness: {{ probe: 'tcp(\"127.0.0.1:{10000 + i % 50000}\")' }}\n")
PY
	for _ in 1 2; do
		/usr/bin/time -f "$n services: check %e s, %M KB" ./target/release/skillc check "$dir/r$n" --no-cache --format short
		/usr/bin/time -f "$n services: build %e s, %M KB" ./target/release/skillc build "$dir/r$n" --out "$dir/out$n" --format short
	done
done
