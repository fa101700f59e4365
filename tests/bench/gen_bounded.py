#!/usr/bin/env python3
"""gen_bounded.py KIND N DIR - specs that once made topoc work without bound.

  dup N DIR      N services declaring the same route (N*(N-1)/2 findings once)
  policy N DIR   50 policy rules whose pattern hits PCRE2's match limit, over
                 N route paths (each rule was matched against every path)
"""
import os, sys

kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(out, "services"), exist_ok=True)
rules = ""
if kind == "policy":
    rules = "policy:\n  rules:\n" + "".join(
        f"    - name: slow-{k}\n      applies-to: route-path\n"
        f"      pattern: \"^(?:/(?:a|aa)*|/x{k})$\"\n" for k in range(50))
with open(os.path.join(out, "platform.yaml"), "w") as f:
    f.write("platform: bounded\nenvironments:\n"
            "  integration: {region: uksouth, address-space: 10.1.0.0/16, domain: int.bounded.example}\n"
            "  production: {region: uksouth, failover-region: ukwest, address-space: 10.2.0.0/16, domain: bounded.example}\n"
            "teams:\n  web:\n    email: [web@bounded.example]\n" + rules)
services = n if kind == "dup" else max(1, n // 10)
for i in range(services):
    if kind == "dup":
        routes = "  - host: api\n    path: /orders/{id}\n    methods: [GET]\n"
    else:
        routes = "".join(f"  - host: api\n    path: /{'a' * 40}/s{i}r{r}\n    methods: [GET]\n" for r in range(10))
    with open(os.path.join(out, "services", f"svc-{i:05d}.yaml"), "w") as f:
        f.write(f"service: svc-{i:05d}\nkind: api\nteam: web\nruntime:\n  image: reg.example/s:1\n"
                "scaling:\n  rules:\n    - {metric: cpu, above: 70, below: 30}\n"
                "alerts:\n  - {name: load-spike, metric: requests, dynamic: medium}\n"
                "routes:\n" + routes)
