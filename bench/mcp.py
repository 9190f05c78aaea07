#!/usr/bin/env python3
"""Times `skillc mcp` on a built tree with raw JSON-RPC over its stdio (no SDK, so the client's own
start-up is not measured): spawn → `initialize` answered (startup), then `tools/list` answered;
and the 2026-07-28 way: spawn → `server/discover` answered, then a stateless `tools/list`.

    bench/mcp.py SKILLC TREE [RUNS]

Prints a markdown table of mean ± sd (median, min) in milliseconds, the server's CPU time (user +
system) for the whole session (spawn to exit: startup, tools/list, shutdown), and the number of
tools. On a loaded machine the wall times include waiting for a CPU; the CPU time does not.
"""
import json, os, resource, statistics, subprocess, sys, time

skillc, tree = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


def rpc(p, msg):
    p.stdin.write((json.dumps(msg) + "\n").encode())
    p.stdin.flush()
    if "id" not in msg:
        return None
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit(f"server closed: {p.stderr.read().decode()}")
        r = json.loads(line)
        if r.get("id") == msg["id"]:
            if "error" in r:
                raise SystemExit(f"error: {r['error']}")
            return r["result"]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one(modern):
    c0 = cpu()
    t0 = time.perf_counter()
    p = subprocess.Popen([skillc, "mcp", "--tree", tree], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if modern:
        rpc(p, {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": META}})
    else:
        rpc(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "bench", "version": "1"}}})
        rpc(p, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    t1 = time.perf_counter()
    params = {"_meta": META} if modern else {}
    tools = rpc(p, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": params})["tools"]
    t2 = time.perf_counter()
    p.stdin.close()
    p.wait(timeout=10)
    return (t1 - t0) * 1000, (t2 - t1) * 1000, len(tools), (cpu() - c0) * 1000


def fmt(xs):
    return f"{statistics.mean(xs):.1f}±{statistics.stdev(xs):.1f} (median {statistics.median(xs):.1f}, min {min(xs):.1f})"


print("| protocol | startup: spawn → first answer (ms) | tools/list (ms) | server CPU, whole session (ms) | tools |")
print("|---|---:|---:|---:|---:|")
for modern in (False, True):
    one(modern)  # warm-up (page cache)
    res = [one(modern) for _ in range(runs)]
    print(f"| {'2026-07-28 (server/discover)' if modern else '2025-11-25 (initialize)'} | "
          f"{fmt([r[0] for r in res])} | {fmt([r[1] for r in res])} | {fmt([r[3] for r in res])} | {res[0][2]} |")
