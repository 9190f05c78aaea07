"""Shared state of the foundation-core tool shims in this directory (tests/failure_modes.rs).

Every shim keeps its state in $SKILLC_FAKE_LAUNCHD (one dir per simulated host, so scenarios
running in parallel do not see each other): `fc.json` holds the host's facts
    {"sealed": bool, "auto_unseal": bool, "clock_offset": seconds, "keychain_locked": bool,
     "no_default_route": bool, "volumes": {path prefix: size in KiB}}
and state.json is the fake launchd's (see ../launchctl), changed under its lock."""
import contextlib, fcntl, json, os, sys

ROOT = os.environ["SKILLC_FAKE_LAUNCHD"]


def facts():
    try:
        with open(os.path.join(ROOT, "fc.json")) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


@contextlib.contextmanager
def locked(name):
    """The JSON file `name` in ROOT, read and written back under the fake launchd's lock."""
    lock = open(os.path.join(ROOT, "lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    path = os.path.join(ROOT, name)
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        data = {}
    yield data
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)
    lock.close()


def running(label):
    try:
        with open(os.path.join(ROOT, "state.json")) as f:
            state = json.load(f)
    except FileNotFoundError:
        return False
    return any(t.endswith("/" + label) and s.get("running") for t, s in state.items())


def usage():
    sys.stderr.write("%s: unsupported arguments %s\n" % (os.path.basename(sys.argv[0]), sys.argv[1:]))
    sys.exit(64)
