"""Independent check of `skillc import` then `skillc build`: every original plist and every
built plist is read with Python's plistlib (and, when given, converted by libplist's plistutil),
and each top-level key of the original must come out equal unless the import's JSON summary
lists a change for that key. Keys are matched ignoring case, as launchd does.

usage: import_roundtrip.py SUMMARY.json BUILD_DIR FAMILY [PLISTUTIL]
Prints one line of counts; exits 1 with the differences on failure.
"""
import json
import os
import plistlib
import subprocess
import sys
import tempfile


def load(path, plistutil):
    with open(path, "rb") as f:
        value = plistlib.load(f)
    if plistutil:
        # libplist's own parser: convert to binary and back, then compare with plistlib's view.
        with tempfile.TemporaryDirectory() as tmp:
            binary = os.path.join(tmp, "b.plist")
            xml = os.path.join(tmp, "x.plist")
            subprocess.run([plistutil, "-i", path, "-o", binary, "-f", "bin"], check=True)
            subprocess.run([plistutil, "-i", binary, "-o", xml, "-f", "xml"], check=True)
            with open(xml, "rb") as f:
                again = plistlib.load(f)
        if again != value:
            raise SystemExit(f"plistutil and plistlib disagree on {path}")
    return value


def main():
    summary_path, build_dir, family = sys.argv[1:4]
    plistutil = sys.argv[4] if len(sys.argv) > 4 else None
    with open(summary_path) as f:
        summary = json.load(f)
    problems = []
    equal = changed = 0
    for job in summary["jobs"]:
        sub = "LaunchDaemons" if job["scope"] == "daemon" else "LaunchAgents"
        built_path = os.path.join(build_dir, family, sub, job["label"] + ".plist")
        original = load(job["source"], plistutil)
        built = load(built_path, plistutil)
        listed = {c["key"].lower() for c in job["changes"]}
        orig = {k.lower(): (k, v) for k, v in original.items()}
        new = {k.lower(): (k, v) for k, v in built.items()}
        for key in sorted(set(orig) | set(new)):
            a, b = orig.get(key), new.get(key)
            if a is not None and b is not None and a == b:
                equal += 1
                continue
            if key in listed:
                changed += 1
                continue
            problems.append(f"{job['source']}: `{key}` differs and no change says so: {a!r} -> {b!r}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"jobs={len(summary['jobs'])} equal_keys={equal} changed_keys={changed}")


main()
