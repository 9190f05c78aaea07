#!/usr/bin/env python3
"""Writes a realistic synthetic skill repository for benchmarks (stdlib only).

    python3 bench/gen.py N OUT_DIR [--seed S] [--per-family K]

N services spread over families of K services (default 100; at least two families), each family
in its own directory:

    OUT_DIR/fam-000/family.yaml        family: name, version, label_prefix, imports (a DAG:
                                       family i imports i-1 and i//2, always lower indices)
    OUT_DIR/fam-000/services/s00.yaml  ~50 services per file
    OUT_DIR/fam-000/skills.yaml        two skills: restart-until-ready for every service of the
                                       family, stale-pidfile for the services tagged uses-pidfile
    OUT_DIR/fam-000/policy.yaml        roles, one floor rule per risk, runners

Services: the first 20 % of a family are L1 daemons, the next 40 % L2 (two thirds daemons), the
rest L3 (one in five a daemon). Each requires one to three earlier services of its own layer or
lower (and, for daemons, only daemons), some from an imported family; every service declares
readiness with a budget that fits its start_timeout. The output checks CLEAN: no error, no
warning, no note (bench/run.sh verifies it).
"""

import argparse
import os
import random
import shutil

LAYER_CAPS = {
    "L1": ["serve_bus", "identity", "secrets", "storage", "network"],
    "L2": ["schedule_tasks", "run_skills", "control_services", "spawn_programs"],
    "L3": ["capture_input", "route_tasks", "show_status", "serve_api"],
}
LAYER_RANK = {"L1": 1, "L2": 2, "L3": 3}


def family_sizes(n, per_family):
    families = max(2, -(-n // per_family))
    base, extra = divmod(n, families)
    return [base + (1 if i < extra else 0) for i in range(families)]


def plan(n, per_family, rng):
    """Every service: (family index, id, layer, scope, deps as (family index, id))."""
    fams = []
    for fi, size in enumerate(family_sizes(n, per_family)):
        services = []
        for si in range(size):
            frac = si / max(1, size)
            if frac < 0.2:
                layer, scope = "L1", "daemon"
            elif frac < 0.6:
                layer, scope = "L2", ("daemon" if rng.random() < 0.67 else "session")
            else:
                layer, scope = "L3", ("daemon" if rng.random() < 0.2 else "session")
            services.append({"fam": fi, "id": f"svc-{fi:03}-{si:04}", "layer": layer, "scope": scope})
        fams.append(services)
    imports = []
    for fi in range(len(fams)):
        imports.append(sorted({i for i in (fi - 1, fi // 2) if 0 <= i < fi}))
    for fi, services in enumerate(fams):
        for si, svc in enumerate(services):
            def ok(other):
                return (
                    LAYER_RANK[other["layer"]] <= LAYER_RANK[svc["layer"]]
                    and not (svc["scope"] == "daemon" and other["scope"] == "session")
                )

            local = [o for o in services[:si] if ok(o)]
            remote = [o for imp in imports[fi] for o in fams[imp] if ok(o)]
            deps = []
            if local:
                deps += rng.sample(local[-20:], min(len(local[-20:]), rng.randint(1, 2)))
            if remote and rng.random() < 0.3:
                deps.append(rng.choice(remote))
            svc["deps"] = deps
            svc["wants"] = rng.sample(local[-10:], 1) if local and rng.random() < 0.2 else []
    return fams, imports


def ref(svc, from_fam):
    return svc["id"] if svc["fam"] == from_fam else f"fam-{svc['fam']:03}/{svc['id']}"


def service_yaml(svc, port):
    fi, sid, layer, scope = svc["fam"], svc["id"], svc["layer"], svc["scope"]
    caps = LAYER_CAPS[layer][port % len(LAYER_CAPS[layer])]
    tags = ["bench", f"layer-{layer.lower()}"] + (["uses-pidfile"] if port % 3 == 0 else [])
    logs = "/usr/local/var/log/bench" if scope == "daemon" else "/Users/Shared/bench/logs"
    lines = [
        f"  {sid}:",
        f"    description: Synthetic {layer} {scope} service {sid} of family fam-{fi:03}.",
        f"    layer: {layer}",
        f"    scope: {scope}",
        f"    bus: org.bench.f{fi:03}.{sid}",
        f"    capabilities: [{caps}]",
        f"    tags: [{', '.join(tags)}]",
        "    run:",
        f"      program: /usr/local/libexec/bench/{sid}",
        f'      args: [--listen, "127.0.0.1:{port}", --config, /usr/local/etc/bench/{sid}.toml]',
        "      env: { RUST_LOG: info }",
        f"      working_dir: /usr/local/var/bench/{sid}",
    ]
    if scope == "daemon":
        lines.append("      user: _bench")
    else:
        lines.append("      session_types: [Aqua]")
    lines += [
        "      start_timeout: 30s",
        f"      stdout: {logs}/{sid}.out.log",
        f"      stderr: {logs}/{sid}.err.log",
    ]
    if svc["deps"]:
        lines.append(f"    requires: [{', '.join(ref(d, fi) for d in svc['deps'])}]")
    if svc["wants"]:
        lines.append(f"    wants: [{', '.join(ref(d, fi) for d in svc['wants'])}]")
    probe = f'tcp("127.0.0.1:{port}")'
    if port % 2 == 0:
        probe += f' && http("http://127.0.0.1:{port}/health") == 200'
    lines += [
        "    readiness:",
        f"      probe: '{probe}'",
        "      timeout: 1s",
        "      interval: 2s",
        "      retries: 10",
    ]
    return "\n".join(lines) + "\n"


def family_files(fi, services, imports):
    name = f"fam-{fi:03}"
    files = {}
    imp = f"\n  imports: [{', '.join(f'fam-{i:03}' for i in imports)}]" if imports else ""
    files["family.yaml"] = (
        "# yaml-language-server: $schema=../../schemas/skillc.schema.json\n"
        f"family:\n  name: {name}\n  version: 1.0.{fi}\n"
        f"  description: Synthetic benchmark family {fi} with {len(services)} services.\n"
        f"  label_prefix: org.bench.f{fi:03}{imp}\n"
    )
    for chunk in range(0, len(services), 50):
        body = "".join(
            service_yaml(s, 10000 + (fi * 1000 + chunk + k) % 50000)
            for k, s in enumerate(services[chunk : chunk + 50])
        )
        files[f"services/s{chunk // 50:02}.yaml"] = "services:\n" + body
    files["skills.yaml"] = f"""skills:
  restart-until-ready:
    title: A service of {name} runs but does not become ready
    severity: medium
    applies_to: {{ families: [{name}] }}
    detect: 'running(service) && !ready(service)'
    diagnose:
      - {{ id: show-state, action: launchctl.print, with: {{ target: service }} }}
    remediate:
      - id: restart
        loop:
          max: 3
          backoff: 5s
          until: 'ready(service)'
          steps:
            - {{ id: kick, action: launchctl.kickstart, with: {{ target: service, kill: true }} }}
    verify: 'ready(service)'
    on_failure: escalate
  stale-pidfile:
    title: A PID file left by a crash keeps a service of {name} from starting
    severity: high
    applies_to: {{ families: [{name}], tags: [uses-pidfile] }}
    params:
      pidfile: {{ type: path, default: "{{service.working_dir}}/pid" }}
    detect: '!running(service) && file_exists(param("pidfile")) && !pid_alive(param("pidfile"))'
    diagnose:
      - {{ id: show-pidfile, action: run, with: {{ argv: [/bin/cat, "{{param.pidfile}}"], risk: read_only, timeout: 5s }} }}
    remediate:
      - {{ id: move-pidfile, action: fs.move_aside, with: {{ path: "{{param.pidfile}}" }} }}
      - {{ id: start, action: launchctl.kickstart, with: {{ target: service }} }}
    verify: 'ready(service)'
    on_failure: {{ next: restart-until-ready }}
"""
    files["policy.yaml"] = """policy:
  roles:
    ops: [alice, bob]
    oncall: [carol]
  rules:
    - { match: { risk: read_only }, outcome: auto }
    - { match: { risk: reversible }, outcome: confirm }
    - { match: { risk: disruptive }, outcome: { approve: { count: 1, roles: [ops] } } }
    - { match: { risk: destructive }, outcome: { approve: { count: 2, roles: [ops] } } }
  runners:
    ops: ["*"]
    oncall: ["%s/restart-until-ready"]
""" % name
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of services")
    ap.add_argument("out", help="output directory (replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-family", type=int, default=100)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fams, imports = plan(args.n, args.per_family, rng)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    total = 0
    for fi, services in enumerate(fams):
        for rel, text in family_files(fi, services, imports[fi]).items():
            path = os.path.join(args.out, f"fam-{fi:03}", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            total += len(text)
    print(f"{args.out}: {sum(map(len, fams))} services in {len(fams)} families, {total} bytes")


if __name__ == "__main__":
    main()
