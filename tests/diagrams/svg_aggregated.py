#!/usr/bin/env python3
"""svg_aggregated.py OUT - the pictures of a platform too large to draw
service by service, read back from the SVG that gvc wrote, against the
model.

Per environment's network view (more than 150 services):
  - the caption says it is aggregated, and no service is a node;
  - the domain nodes account for every service: their counts, and the count
    on the node for the rest, add up to the environment's services;
  - the flow reads left to right: clients < WAF < gateway < every domain <
    every store < every external source; the sources lie outside the UK
    cluster, the domains inside the environment's;
Per domain view of a domain of more than 40 services:
  - the caption says it is aggregated; the team nodes lie inside the
    domain's cluster and their counts add up to the domain's services;
  - at most 24 teams and one node for the rest, at most 24 counted edges.
The overview, when it aggregates: at most 20 domains and one node for the
rest per environment, and at most 20 counted edges per environment.
Every picture stays small: at most 120 nodes and 200 edges (the layout
budget).  Prints one line per check; exit 1 on a failure."""
import glob, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from svg_layout import check, cx, inside, overlap
import svg_layout

out = sys.argv[1]
model = json.load(open(os.path.join(out, "model.json")))


def read(path):
    """nodes {title: (box, text)}, clusters {title: box}, [(edge title,
    label)], caption: svg_layout's reading"""
    p = svg_layout.read(path)
    return ({t: (n.box, n.text) for t, n in p.nodes.items()}, p.clusters,
            [(e.title, e.label) for e in p.edges], p.caption)


def count(text):
    """the services a group node stands for: 'NAME\\nN services' or
    'N more services\\nin M ...'"""
    m = re.search(r"(\d+) (?:more )?services?", text)
    return int(m.group(1)) if m else None


for env, em in sorted(model["environments"].items()):
    svcs = em["services"]
    path = os.path.join(out, env, "diagrams", "network.svg")
    if len(svcs) > 150:
        nodes, clusters, edges, caption = read(path)
        check("aggregated" in caption, f"{env} network: the caption says it is aggregated: {caption!r}")
        check(not any(k.startswith("svc:") for k in nodes), f"{env} network: no service drawn one by one")
        doms = {k: v for k, v in nodes.items() if k.startswith("dom:")}
        total = sum(count(t) or 0 for _, t in doms.values())
        check(total == len(svcs), f"{env} network: {len(doms)} domain nodes account for {total} of {len(svcs)} services")
        stores = [b for k, (b, _) in nodes.items() if k.startswith(("store:", "stores:"))]
        sources = [b for k, (b, _) in nodes.items() if k.startswith("sources:")]
        d = [b for b, _ in doms.values()]
        order = [cx(nodes["clients"][0]), cx(nodes["edge:waf"][0]), cx(nodes["edge:gateway"][0]),
                 min(map(cx, d)), max(map(cx, d))]
        order += [min(map(cx, stores)), max(map(cx, stores))] if stores else []
        order += [min(map(cx, sources))] if sources else []
        check(order == sorted(order) and order[4] < order[5] if len(order) > 5 else order == sorted(order),
              f"{env} network: left to right: clients, WAF, gateway, domains, stores, sources {order}")
        check(all(inside(b, clusters["cluster_env"]) for b in d), f"{env} network: domains inside the environment")
        check(all(not overlap(b, clusters["cluster_uk"]) for b in sources), f"{env} network: sources outside the UK cluster")
    groups = {}
    for name, s in svcs.items():
        groups.setdefault(s["group"], []).append(name)
    for grp, members in sorted(groups.items()):
        if len(members) <= 40:
            continue
        nodes, clusters, edges, caption = read(os.path.join(out, env, "diagrams", "domains", grp + ".svg"))
        check("aggregated" in caption, f"{env} domain {grp}: the caption says it is aggregated")
        teams = {k: v for k, v in nodes.items() if k.startswith("team:")}
        total = sum(count(t) or 0 for _, t in teams.values())
        check(total == len(members) and len(teams) <= 25,
              f"{env} domain {grp}: {len(teams)} team nodes account for {total} of {len(members)} services")
        check(all(inside(b, clusters["cluster_domain"]) for b, _ in teams.values()),
              f"{env} domain {grp}: the teams lie inside the domain's cluster")
        counted = [e for e, label in edges if re.fullmatch(r"\d+( calls?)?", label.strip() or "x")]
        check(len(counted) <= 24, f"{env} domain {grp}: {len(counted)} counted edges (at most 24)")

overview = os.path.join(out, "diagrams", "overview.svg")
nodes, clusters, edges, caption = read(overview)
if "aggregated" in caption:
    for env in model["environments"]:
        doms = [k for k in nodes if k.startswith(env + ":") and k != env + ":gateway"]
        counted = [e for e, label in edges if e.startswith(env + ":") and re.fullmatch(r"\d+( calls?)?", label.strip() or "x")]
        check(len(doms) <= 21 and len(counted) <= 20,
              f"overview {env}: {len(doms)} domain nodes, {len(counted)} counted edges")

big = []
for p in glob.glob(os.path.join(out, "**", "*.svg"), recursive=True):
    nodes, _, edges, _ = read(p)
    if len(nodes) > 120 or len(edges) > 200:
        big.append((os.path.relpath(p, out), len(nodes), len(edges)))
check(not big, f"every picture within 120 nodes and 200 edges {big[:3]}")
svgs = sorted(glob.glob(os.path.join(out, "*", "diagrams", "**", "*.svg"), recursive=True) +
              glob.glob(os.path.join(out, "diagrams", "*.svg")))
svg_layout.legends(out, svgs)
svg_layout.links(out, model, svgs)
sys.exit(1 if svg_layout.failed else 0)
