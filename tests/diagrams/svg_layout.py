#!/usr/bin/env python3
"""svg_layout.py OUT - what the pictures of a build must show, read from the
SVG that gvc wrote (node and cluster geometry), against the model.

Per environment's network view:
  - every service of the environment is a node; autoscaled ones (min < max)
    show min..max and fixed ones their instance count;
  - the flow reads left to right: clients < WAF < gateway < every service <
    every store < every external source (node centres);
  - the external sources lie outside the UK cluster, and everything else of
    the platform inside it;
  - sibling clusters do not overlap, and children lie inside their parent.
Every SVG has a legend.  Prints one line per check; exit 1 on a failure."""
import glob, json, os, re, sys
import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}
out = sys.argv[1]
model = json.load(open(os.path.join(out, "model.json")))
failed = 0


def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    failed += not ok


def points(g):
    xs, ys = [], []
    for el in g.iter():
        tag = el.tag.split("}")[1]
        if tag == "polygon":
            for p in el.get("points").split():
                x, y = p.split(",")
                xs.append(float(x)); ys.append(float(y))
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
            xs += [cx - rx, cx + rx]; ys += [cy - ry, cy + ry]
        elif tag == "path" and el.get("d"):
            nums = [float(n) for n in re.findall(r"-?[0-9.]+", el.get("d"))]
            xs += nums[0::2]; ys += nums[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def read(path):
    root = ET.parse(path).getroot()
    nodes, clusters = {}, {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        title = g.find("s:title", NS)
        if title is None:
            continue
        box = points(g)
        if g.get("class") == "node":
            text = " ".join(t.text or "" for t in g.iter("{http://www.w3.org/2000/svg}text"))
            nodes[title.text] = (box, text)
        elif g.get("class") == "cluster":
            clusters[title.text] = box
    return nodes, clusters


def inside(a, b, slack=0.5):
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def cx(box):
    return (box[0] + box[2]) / 2


for env, em in sorted(model["environments"].items()):
    nodes, clusters = read(os.path.join(out, env, "diagrams", "network.svg"))
    svcs = em["services"]
    missing = [n for n in svcs if f"svc:{n}" not in nodes]
    check(not missing, f"{env} network: all {len(svcs)} services drawn {missing[:3]}")
    bad = []
    for name, s in svcs.items():
        lo, hi = s["scaling"]["min"], s["scaling"]["max"]
        want = f"{lo}..{hi}" if lo != hi else f"{lo} instance"
        if f"svc:{name}" in nodes and want not in nodes[f"svc:{name}"][1]:
            bad.append((name, want, nodes[f"svc:{name}"][1]))
    check(not bad, f"{env} network: instance counts shown {bad[:2]}")
    services = [nodes[k][0] for k in nodes if k.startswith("svc:")]
    stores = [nodes[k][0] for k in nodes if k.startswith("store:")]
    sources = [nodes[k][0] for k in nodes if k.startswith("sources:")]
    check(stores and sources, f"{env} network: {len(stores)} stores, {len(sources)} source groups")
    order = [cx(nodes["clients"][0]), cx(nodes["edge:waf"][0]), cx(nodes["edge:gateway"][0]),
             min(map(cx, services)), max(map(cx, services)), min(map(cx, stores)),
             max(map(cx, stores)), min(map(cx, sources))]
    check(order == sorted(order) and order[4] < order[5] and order[6] < order[7],
          f"{env} network: left to right: clients, WAF, gateway, services, stores, sources {order}")
    uk = clusters["cluster_uk"]
    check(all(not overlap(b, uk) for b in sources), f"{env} network: sources outside the UK cluster")
    check(all(inside(b, uk) for b in services + stores), f"{env} network: services and stores inside the UK cluster")
    envbox = clusters["cluster_env"]
    kids = {k: b for k, b in clusters.items() if k.startswith("cluster_grp:") or k == "cluster_stores"}
    check(all(inside(b, envbox) for b in kids.values()), f"{env} network: {len(kids)} domain clusters inside the environment")
    pairs = [(a, b) for a in kids for b in kids if a < b and overlap(kids[a], kids[b])]
    check(not pairs, f"{env} network: no two domain clusters overlap {pairs[:2]}")
    check(not overlap(clusters["cluster_legend"], uk), f"{env} network: the legend is clear of the picture")
    for name, s in svcs.items():
        key = f"cluster_grp:{s['group']}"
        if key in clusters and f"svc:{name}" in nodes and not inside(nodes[f"svc:{name}"][0], clusters[key]):
            check(False, f"{env} network: {name} inside its domain cluster")
            break

svgs = glob.glob(os.path.join(out, "**", "*.svg"), recursive=True)
nolegend = [p for p in svgs if "cluster_legend" not in open(p).read()]
check(svgs and not nolegend, f"a legend in each of {len(svgs)} pictures {nolegend[:2]}")
sys.exit(1 if failed else 0)
