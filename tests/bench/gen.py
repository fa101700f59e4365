#!/usr/bin/env python3
"""gen.py N DIR [ROUTES [DOMAIN]] - a synthetic platform of N services,
shaped like specs/, each with ROUTES routes (default 3), in domains
(`group:`) of DOMAIN services; without DOMAIN (or 0) every service stays in
its kind's group, so one domain holds nearly all of them.

Deterministic: the same N always gives the same files.  Each service has
routes, dependencies, stores, scaling rules, alerts and an override, so the
benchmark exercises everything `topoc check` does."""
import os, sys

n, out = int(sys.argv[1]), sys.argv[2]
nroutes = int(sys.argv[3]) if len(sys.argv) > 3 else 3
domain = int(sys.argv[4]) if len(sys.argv) > 4 else 0
os.makedirs(out + "/services", exist_ok=True)
teams = [f"team-{i}" for i in range(max(1, n // 20))]
sources = [f"source-{i}" for i in range(max(1, n // 10))]
stores = [f"store-{i}" for i in range(max(1, n // 25))]
with open(out + "/platform.yaml", "w") as f:
    f.write(f"platform: synthetic\ndescription: synthetic platform of {n} services\n"
            "environments:\n"
            "  integration: {region: uksouth, address-space: 10.1.0.0/16, domain: int.synthetic.example}\n"
            "  production: {region: uksouth, failover-region: ukwest, address-space: 10.2.0.0/16, domain: synthetic.example}\n"
            "edge:\n  waf:\n    rate-limits:\n      - {name: per-client, requests: 600}\n")
    f.write("teams:\n" + "".join(f"  {t}:\n    email: [{t}@synthetic.example]\n" for t in teams))
    f.write("sources:\n" + "".join(f"  {s}:\n    category: accounting\n    base-url: https://api.{s}.example\n" for s in sources))
    f.write("stores:\n" + "".join(f"  {s}:\n    kind: sql\n    environments:\n      production: {{failover-region: ukwest}}\n" for s in stores))
for i in range(n):
    name = f"svc-{i:05d}"
    conn = i < len(sources)
    lines = [f"service: {name}", f"kind: {'connector' if conn else 'api'}", f"team: {teams[i % len(teams)]}",
             *([f"group: domain-{i // domain:04d}"] if domain else []),
             "runtime:", f"  image: registry.example/{name}:1.{i % 7}.0", "  cpu: 0.5", "  memory: 1Gi",
             "scaling:", "  min: 2", "  max: 10", "  rules:", "    - metric: cpu", "      above: 70", "      below: 30",
             "alerts:", "  - name: spike", "    metric: requests", "    dynamic: medium",
             "routes:"]
    for r in range(nroutes):
        # a mix of shapes: literals, parameters, a suffix, a catch-all
        shape = ["/v1/{svc}/items{r}/{{itemId}}", "/v1/{svc}/items{r}/latest",
                 "/v1/{svc}/files{r}/{{name}}.json", "/v1/{svc}/static{r}/**"][r % 4]
        lines += ["  - host: api", "    path: " + shape.format(svc=name, r=r), "    methods: [GET, POST]"]
        if r % 4 == 0:  # constrained parameters, decided as automata
            lines += ["    params:", "      itemId: " + ['"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"',
                                                         '"(?!latest$)[a-z0-9-]+"', '"[0-9]{1,12}"'][(i + r) % 3]]
    deps = sorted({f"svc-{(i * 7 + k * 13 + 1) % n:05d}" for k in range(3)} - {name})
    lines += ["depends-on: [" + ", ".join(deps) + "]", "stores:", f"  - store: {stores[i % len(stores)]}", "    access: read"]
    if conn:
        lines += ["connector:", f"  source: {sources[i]}", "  handles: [authentication, authorization, fetch, mapping]"]
    lines += ["environments:", "  integration:", "    scaling: {min: 1, max: 3}"]
    with open(f"{out}/services/{name}.yaml", "w") as f:
        f.write("\n".join(lines) + "\n")
