#!/usr/bin/env python3
"""structurizr_check.py OUT [WORKSPACE] - checks docs/structurizr.json the way
Structurizr's tools do beyond its OpenAPI schema (which declares neither
required keys nor closed objects): ids unique over elements and
relationships, every relationship's source and destination an element,
relationships nested on their source, unique names of people and software
systems and of containers in a system, unique view keys, element tags as
comma-separated strings; then against the model: a container per service and
store, an external software system per source, a deployment node per
environment holding an instance of every service deployed there with its
min..max, and a relationship for every call, store use and connector."""
import json
import sys

out = sys.argv[1]
w = json.load(open(sys.argv[2] if len(sys.argv) > 2 else f"{out}/docs/structurizr.json"))
m = json.load(open(f"{out}/model.json"))
errors = []
ids, rels = {}, []


def walk(e, kind, parent=None):
    if e["id"] in ids:
        errors.append(f"duplicate id {e['id']}")
    ids[e["id"]] = (kind, e)
    if not isinstance(e.get("tags", ""), str):
        errors.append(f"tags of {e['id']} not a string")
    for r in e.get("relationships", []):
        if r["sourceId"] != e["id"]:
            errors.append(f"relationship {r['id']} not on its source")
        rels.append(r)
    for c in e.get("containers", []):
        walk(c, "container", e)
    for c in e.get("children", []):
        walk(c, "deploymentNode", e)
    for c in e.get("containerInstances", []):
        walk(c, "containerInstance", e)


model = w["model"]
for p in model.get("people", []):
    walk(p, "person")
for s in model["softwareSystems"]:
    walk(s, "softwareSystem")
for d in model.get("deploymentNodes", []):
    walk(d, "deploymentNode")
for r in rels:
    if r["id"] in ids:
        errors.append(f"duplicate id {r['id']}")
    ids[r["id"]] = ("relationship", r)
    for end in ("sourceId", "destinationId"):
        if r[end] not in ids:
            errors.append(f"unknown {end[:-2].replace('destination', 'destination')} {r[end]}")
for group in (model.get("people", []) + model["softwareSystems"],):
    names = [e["name"] for e in group]
    errors += [f"duplicate name {n}" for n in set(names) if names.count(n) > 1]
for s in model["softwareSystems"]:
    names = [c["name"] for c in s.get("containers", [])]
    errors += [f"duplicate container name {n}" for n in set(names) if names.count(n) > 1]
keys = [v["key"] for vs in w["views"].values() if isinstance(vs, list) for v in vs]
errors += [f"duplicate view key {k}" for k in set(keys) if keys.count(k) > 1]
for ci in (e for k, e in ids.values() if k == "containerInstance"):
    if ci["containerId"] not in ids or ids[ci["containerId"]][0] != "container":
        errors.append(f"instance of unknown container {ci['containerId']}")

# against the model
edges = {(r["sourceId"], r["destinationId"]) for r in rels}
for env, em in m["environments"].items():
    node = ids.get(env, (None, {}))[1]
    if node.get("environment") != env:
        errors.append(f"no deployment node for {env}")
        continue
    inst = {c["containerInstances"][0]["containerId"]: c["instances"] for c in node.get("children", [])}
    for n, s in em["services"].items():
        lo, hi = s["scaling"]["min"], s["scaling"]["max"]
        want = str(lo) if lo == hi else f"{lo}..{hi}"
        if inst.get(f"service:{n}") != want:
            errors.append(f"{env}: service {n} deployed as {inst.get(f'service:{n}')}, want {want}")
        if ids.get(f"service:{n}", ("",))[0] != "container":
            errors.append(f"no container for service {n}")
        for d in s.get("depends-on", []):
            if (f"service:{n}", f"service:{d}") not in edges:
                errors.append(f"no relationship {n} -> {d}")
        for u in s.get("stores", []):
            if (f"service:{n}", f"store:{u['store']}") not in edges:
                errors.append(f"no relationship {n} -> store {u['store']}")
        if s.get("connector") and (f"service:{n}", f"source:{s['connector']['source']}") not in edges:
            errors.append(f"no relationship {n} -> source")
    for st in em.get("stores", {}):
        if f"{env}/store/{st}" not in ids:
            errors.append(f"{env}: store {st} not deployed")
for src in m["platform"]["sources"]:
    name = src if isinstance(src, str) else src["name"]
    e = ids.get(f"source:{name}", (None, {}))[1]
    if e.get("location") != "External":
        errors.append(f"source {name} is not an external system")

if errors:
    print("\n".join(sorted(set(errors))[:30]))
    sys.exit(1)
print(f"{len(ids) - len(rels)} elements, {len(rels)} relationships")
