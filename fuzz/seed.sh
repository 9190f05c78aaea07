#!/usr/bin/env bash
# Seeds fuzz/corpus/{load,expr,pipeline} from the shipped families (skills/, examples/).
# The corpus directories are git-ignored; run this before the first `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
mkdir -p "$out/load" "$out/expr" "$out/pipeline"

# load: every YAML file as is.
find skills examples -name '*.yaml' | sort | while read -r f; do
  cp "$f" "$out/load/$(echo "$f" | tr '/' '_')"
done

# expr: every expression (probe, detect, verify, when, until, guard), one per file.
python3 - "$out/expr" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
pat = re.compile(r"\b(probe|detect|verify|when|until|guard):\s*'((?:[^']|'')*)'")
seen = set()
for f in sorted(pathlib.Path(".").glob("**/*.yaml")):
    if not (str(f).startswith("skills") or str(f).startswith("examples")):
        continue
    for m in pat.finditer(f.read_text()):
        e = m.group(2).replace("''", "'")
        if e not in seen:
            seen.add(e)
            (out / f"e{len(seen):04}").write_text(e)
PY

# pipeline: each family as family.yaml + its other files, joined by 0xFF.
python3 - "$out/pipeline" <<'PY'
import pathlib, sys
out = pathlib.Path(sys.argv[1])
for fam in sorted(p.parent for p in pathlib.Path(".").glob("**/family.yaml")):
    if not (str(fam).startswith("skills") or str(fam).startswith("examples")):
        continue
    rest = sorted(p for p in fam.rglob("*.yaml") if p.name != "family.yaml")
    # At most 8 files per input: keep the first 7 others, and also one input per other file.
    parts = [(fam / "family.yaml").read_bytes()] + [p.read_bytes() for p in rest[:7]]
    (out / str(fam).replace("/", "_")).write_bytes(b"\xff".join(parts))
    for p in rest:
        name = (str(fam) + "_" + p.name).replace("/", "_")
        (out / name).write_bytes((fam / "family.yaml").read_bytes() + b"\xff" + p.read_bytes())
PY
echo "seeded: $(ls "$out/load" | wc -l) load, $(ls "$out/expr" | wc -l) expr, $(ls "$out/pipeline" | wc -l) pipeline inputs"
