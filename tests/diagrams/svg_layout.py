#!/usr/bin/env python3
"""svg_layout.py OUT - what the pictures of a build must show, read from the
SVG that gvc wrote (node, edge and cluster geometry), against the model.
Also the SVG reader the other picture checks import (read()).

Per environment's network view:
  - every service of the environment is a node; autoscaled ones (min < max)
    show min..max and fixed ones their instance count;
  - the flow reads left to right: clients < WAF < gateway < every service <
    every store < every external source (node centres);
  - the external sources lie outside the UK cluster, and everything else of
    the platform inside it;
  - sibling clusters do not overlap, and children lie inside their parent;
  - every store edge is dashed and starts where the data is used: on a
    service that uses the store, or (when the view cannot hold an edge per
    service) on the border of a domain's box one of whose services uses it,
    never inside an arbitrary service; every use of a store is drawn;
  - an edge to the external sources starts on the border of the domain's
    box, not at one of its services;
  - every call between services is an edge, unless the caption says where
    the calls are drawn instead.
Every picture has a legend, and it shows a sample for what the picture
uses and for nothing else, with its words inside its box; in the network
views and the overview it takes a small part of the picture.  No edge
label covers the title of a cluster (measured with the font's metrics:
the SVG gives a text's anchor only).  Every service node links to its own picture
(in the docs' copies: to its page, which exists) with a tooltip giving its
team and its instances.  Prints one line per check; exit 1 on a failure."""
import glob, json, os, re, sys
import xml.etree.ElementTree as ET

S = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
failed = 0


def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    failed += not ok


def numbers(d):
    return [float(n) for n in re.findall(r"-?[0-9.]+", d)]


def box(g):
    """The bounding box of everything drawn in an SVG group."""
    xs, ys = [], []
    for el in g.iter():
        tag = el.tag[len(S):]
        if tag == "polygon":
            for p in el.get("points").split():
                x, y = p.split(",")
                xs.append(float(x)); ys.append(float(y))
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
            xs += [cx - rx, cx + rx]; ys += [cy - ry, cy + ry]
        elif tag == "path" and el.get("d"):
            nums = numbers(el.get("d"))
            xs += nums[0::2]; ys += nums[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


class Picture:
    """One SVG: nodes {title: Node}, clusters {title: box}, edges [Edge],
    the caption (the graph's own text), the legend's texts, the size."""


class Node:
    pass


class Edge:
    pass


def text_of(g):
    return "\n".join(t.text or "" for t in g.iter(S + "text"))


def read(path):
    root = ET.parse(path).getroot()
    p = Picture()
    p.nodes, p.clusters, p.edges, p.legend = {}, {}, [], set()
    for g in root.iter(S + "g"):
        title = g.find(S + "title")
        if title is None:
            continue
        t, kind = title.text, g.get("class")
        if t.startswith("legend") or t == "cluster_legend":
            if kind in ("node", "edge"):
                p.legend |= {x.text for x in g.iter(S + "text") if x.text}
            if kind == "cluster":
                p.legend_box = box(g)
            continue
        a = g.find(f".//{S}a")
        if kind == "node":
            n = Node()
            n.box, n.text = box(g), text_of(g)
            n.href = a.get(XLINK + "href") if a is not None else None
            n.tooltip = a.get(XLINK + "title") if a is not None else None
            n.red = any(el.get("stroke") == "#cc0000" for el in g.iter())
            p.nodes[t] = n
        elif kind == "cluster":
            p.clusters[t] = box(g)
        elif kind == "edge":
            e = Edge()
            e.title, e.label = t, text_of(g)
            e.tail, _, e.head = t.partition("->")
            path = g.find(f".//{S}path")
            e.start = tuple(numbers(path.get("d"))[:2]) if path is not None else None
            e.dashed = path is not None and path.get("stroke-dasharray") is not None
            e.red = any(el.get("stroke") == "#cc0000" for el in g.iter())
            p.edges.append(e)
    graph = next(g for g in root.iter(S + "g") if g.get("class") == "graph")
    p.caption = " ".join(x.text or "" for x in graph.findall(S + "text"))
    w, h = (float(re.sub(r"[a-z]+$", "", root.get(k))) for k in ("width", "height"))
    p.size = (w, h)
    return p


def inside(a, b, slack=0.5):
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def on_border(pt, b, slack=2.0):
    x, y = pt
    return inside((x, y, x, y), b, slack) and min(x - b[0], b[2] - x, y - b[1], b[3] - y) <= slack


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def cx(b):
    return (b[0] + b[2]) / 2


def network(env, em, p):
    nodes, clusters = p.nodes, p.clusters
    svcs = em["services"]
    missing = [n for n in svcs if f"svc:{n}" not in nodes]
    check(not missing, f"{env} network: all {len(svcs)} services drawn {missing[:3]}")
    bad = []
    for name, s in svcs.items():
        lo, hi = s["scaling"]["min"], s["scaling"]["max"]
        want = f"{lo}..{hi}" if lo != hi else f"{lo} instance"
        if f"svc:{name}" in nodes and want not in nodes[f"svc:{name}"].text:
            bad.append((name, want, nodes[f"svc:{name}"].text))
    check(not bad, f"{env} network: instance counts shown {bad[:2]}")
    services = [nodes[k].box for k in nodes if k.startswith("svc:")]
    stores = [nodes[k].box for k in nodes if k.startswith("store:")]
    sources = [nodes[k].box for k in nodes if k.startswith("sources:")]
    check(stores and sources, f"{env} network: {len(stores)} stores, {len(sources)} source groups")
    order = [cx(nodes["clients"].box), cx(nodes["edge:waf"].box), cx(nodes["edge:gateway"].box),
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
    check(not overlap(p.legend_box, uk), f"{env} network: the legend is clear of the picture")
    for name, s in svcs.items():
        key = f"cluster_grp:{s['group']}"
        if key in clusters and f"svc:{name}" in nodes and not inside(nodes[f"svc:{name}"].box, clusters[key]):
            check(False, f"{env} network: {name} inside its domain cluster")
            break
    flows(env, svcs, p)


def flows(env, svcs, p):
    """Store edges from where the data is used, source edges from the
    domain's box, and the calls."""
    uses = {(n, u["store"]) for n, s in svcs.items() for u in s.get("stores", [])}
    group = {n: s["group"] for n, s in svcs.items()}
    drawn, wrong, level = set(), [], {"service": 0, "domain": 0}
    for e in p.edges:
        if not e.head.startswith("store:"):
            continue
        svc, store = e.tail[4:], e.head[6:]
        dom = p.clusters.get(f"cluster_grp:{group.get(svc)}")
        node = p.nodes.get(e.tail)
        if not e.dashed or not node or not e.start:
            wrong.append(e.title)
        elif (svc, store) in uses and inside(e.start * 2, node.box, 2):
            drawn.add((svc, store)); level["service"] += 1
        elif dom and on_border(e.start, dom) and not inside(e.start * 2, node.box, -1):
            drawn |= {(n, store) for n in svcs if group[n] == group[svc] and (n, store) in uses}
            level["domain"] += 1
        else:
            wrong.append(e.title)
    check(not wrong and drawn == uses,
          f"{env} network: {len(uses)} store uses drawn by {level['service']} service edges and "
          f"{level['domain']} domain edges, each from where the data is used "
          f"{wrong[:3]} {sorted(uses - drawn)[:3]}")
    wrong = [e.title for e in p.edges if e.head.startswith("sources:") and not
             (p.clusters.get(f"cluster_grp:{group.get(e.tail[4:])}") and
              on_border(e.start, p.clusters[f"cluster_grp:{group[e.tail[4:]]}"]))]
    n = sum(e.head.startswith("sources:") for e in p.edges)
    check(n and not wrong, f"{env} network: {n} edges to the sources start on a domain's box {wrong[:3]}")
    calls = {(n, d) for n, s in svcs.items() for d in s.get("depends-on", []) if d in svcs}
    edges = {(e.tail[4:], e.head[4:]) for e in p.edges if e.tail.startswith("svc:") and e.head.startswith("svc:")}
    if "calls between services are drawn in" in p.caption:
        check(not edges, f"{env} network: the {len(calls)} calls left to the overview and the domain pictures, said in the caption")
    else:
        check(calls and edges == calls, f"{env} network: {len(calls)} calls between services drawn "
              f"{sorted(calls - edges)[:3]} {sorted(edges - calls)[:3]}")


# what the legend says -> whether the picture (its nodes and edges, read
# back from the SVG) has it
def is_route(e):
    return e.tail == "clients" or e.tail.endswith("gateway") or e.tail == "edge:waf"


SAMPLES = {
    "WAF": lambda p: "edge:waf" in p.nodes,
    "gateway": lambda p: any(n.endswith("gateway") for n in p.nodes),
    "autoscaled": lambda p: any(n.startswith("svc:") and re.search(r"\n\d+\.\.\d+$", x.text) for n, x in p.nodes.items()),
    "service": lambda p: any(n.startswith("svc:") and re.search(r"\n\d+ instances?$", x.text) for n, x in p.nodes.items()),
    "a group:": lambda p: any(re.search(r"\d+ (more )?services?(\n|$)", x.text) for n, x in p.nodes.items()
                              if not n.startswith(("svc:", "store", "sources:", "src:"))),
    "data store": lambda p: any(n.startswith(("store:", "stores:")) for n in p.nodes),
    "external source": lambda p: any(n.startswith(("src:", "sources:")) for n in p.nodes),
    "has a finding": lambda p: any(x.red for x in p.nodes.values()),
    "requests, routes": lambda p: any(is_route(e) and not e.red for e in p.edges),
    "route with a finding": lambda p: any(e.red for e in p.edges),
    "reads, writes": lambda p: any(e.dashed for e in p.edges),
    "N calls: how many": lambda p: any(re.fullmatch(r"\d+ calls?|\d+", e.label) for e in p.edges),
    "calls": lambda p: any(not is_route(e) and not e.dashed and not e.label for e in p.edges),
}


def legends(out, svgs):
    extra, missing = [], []
    for path in svgs:
        p = read(path)
        shown = " / ".join(sorted(p.legend))
        firsts = {t.split("\n")[0] for t in p.legend}
        for label, used in SAMPLES.items():
            has = label in firsts
            if has and not used(p):
                extra.append((os.path.relpath(path, out), label))
            if used(p) and not has:
                missing.append((os.path.relpath(path, out), label, shown))
    check(svgs and not extra and not missing,
          f"legends show what each of {len(svgs)} pictures uses and nothing else {extra[:2]} {missing[:2]}")


def small_legend(out, path, most):
    p = read(path)
    lb, (w, h) = p.legend_box, p.size
    share = (lb[2] - lb[0]) * (lb[3] - lb[1]) / (w * h)
    check(share <= most, f"{os.path.relpath(path, out)}: the legend takes {share:.0%} of the picture (at most {most:.0%})")


def links(out, model, svgs):
    """Every service node: a link to its picture or page, and a tooltip
    with its team and instances."""
    bad, n = [], 0
    for path in svgs:
        env = os.path.relpath(path, out).split(os.sep)[0]
        rel = os.path.relpath(path, out).split(os.sep)
        em = model["environments"].get(rel[2] if rel[0] == "docs" else rel[0])
        if not em:
            continue
        for t, x in read(path).nodes.items():
            if not t.startswith("svc:"):
                continue
            name, s = t[4:], em["services"].get(t[4:])
            n += 1
            lo, hi = s["scaling"]["min"], s["scaling"]["max"]
            inst = f"{lo}..{hi} instances" if lo != hi else f"{lo} instance"
            want = (f"services/{name}.html" if rel[0] == "docs" else f"services/{name}.svg")
            target = os.path.normpath(os.path.join(os.path.dirname(path), x.href or ""))
            if (not x.href or not x.href.endswith(want) or not os.path.isfile(target) or
                    not x.tooltip or f"team {s['team']}" not in x.tooltip or inst not in x.tooltip):
                bad.append((os.path.relpath(path, out), name, x.href, x.tooltip))
    check(n and not bad, f"{n} service nodes link to their picture or page, with team and instances {bad[:2]}")


class Font:
    """The advance widths and the typographic ascent and descent of the
    font the pictures use (found as pango finds it, through fontconfig),
    for the extent of a text in the SVG, which gives only its anchor."""
    _cache = {}

    def __init__(self, family):
        import subprocess
        from fontTools.ttLib import TTFont
        path = subprocess.run(["fc-match", "-f", "%{file}", family],
                              capture_output=True, text=True, check=True).stdout
        f = TTFont(path)
        self.upm = f["head"].unitsPerEm
        self.cmap, self.hmtx = f.getBestCmap(), f["hmtx"]
        self.ascent = f["OS/2"].sTypoAscender / self.upm
        self.descent = -f["OS/2"].sTypoDescender / self.upm

    @classmethod
    def of(cls, family):
        if family not in cls._cache:
            cls._cache[family] = Font(family)
        return cls._cache[family]

    def width(self, text, size):
        return sum(self.hmtx[self.cmap.get(ord(c), ".notdef")][0] for c in text) * size / self.upm


def text_box(t):
    """The box a <text> takes: its anchor, its font's advances, ascent and
    descent."""
    font = Font.of(t.get("font-family"))
    size = float(t.get("font-size"))
    x, y, w = float(t.get("x")), float(t.get("y")), font.width(t.text or "", size)
    left = {"middle": x - w / 2, "end": x - w}.get(t.get("text-anchor"), x)
    return (left, y - font.ascent * size, left + w, y + font.descent * size)


def label_overlaps(out, svgs):
    """No edge label covers the title of a cluster (an environment's, a
    domain's, the legend's)."""
    bad = []
    for path in svgs:
        titles, labels = [], []
        for g in ET.parse(path).getroot().iter(S + "g"):
            kind = g.get("class")
            if kind in ("cluster", "edge"):
                for t in g.iter(S + "text"):
                    (titles if kind == "cluster" else labels).append((t.text, text_box(t)))
        for lt, lb in labels:
            for tt, tb in titles:
                if overlap(lb, tb):
                    bad.append((os.path.relpath(path, out), lt, tt))
    check(svgs and not bad, f"no edge label covers a cluster's title in {len(svgs)} pictures {bad[:3]}")


def legend_inside(out, svgs):
    """Every word of a legend lies inside the legend's box."""
    bad = []
    for path in svgs:
        lbox, texts = None, []
        for g in ET.parse(path).getroot().iter(S + "g"):
            t = g.find(S + "title")
            if t is None:
                continue
            if t.text == "cluster_legend":
                lbox = box(g)
            elif t.text.startswith("legend") and g.get("class") in ("node", "edge"):
                texts += [x for x in g.iter(S + "text") if x.text]
        bad += [(os.path.relpath(path, out), x.text) for x in texts
                if lbox and not inside(text_box(x), lbox, 0.5)]
    check(svgs and not bad, f"the legend's words inside its box in {len(svgs)} pictures {bad[:3]}")


def main(out):
    model = json.load(open(os.path.join(out, "model.json")))
    for env, em in sorted(model["environments"].items()):
        network(env, em, read(os.path.join(out, env, "diagrams", "network.svg")))
    svgs = sorted(glob.glob(os.path.join(out, "*", "diagrams", "**", "*.svg"), recursive=True) +
                  glob.glob(os.path.join(out, "diagrams", "*.svg")))
    nolegend = [p for p in svgs if "cluster_legend" not in open(p).read()]
    check(svgs and not nolegend, f"a legend in each of {len(svgs)} pictures {nolegend[:2]}")
    legends(out, svgs)
    label_overlaps(out, svgs)
    legend_inside(out, svgs)
    if len(model["environments"]) and sum(len(em["services"]) for em in model["environments"].values()) > 20:
        for env in sorted(model["environments"]):
            small_legend(out, os.path.join(out, env, "diagrams", "network.svg"), 0.05)
        small_legend(out, os.path.join(out, "diagrams", "overview.svg"), 0.15)
    docs = sorted(glob.glob(os.path.join(out, "docs", "img", "*", "**", "*.svg"), recursive=True))
    links(out, model, svgs + docs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
