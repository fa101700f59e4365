#!/usr/bin/env python3
"""corpus.py CLEAN HOSTILE DOTCOUNT - every output of a build whose free
text is hostile, read by its real consumer, has the same shape as the clean
build's: JSON documents the same keys and resource counts, YAML files the
same number of documents (PyYAML, and libyaml through PyYAML's CSafeLoader),
XML and SVG the same elements (xmllint), DOT the same nodes, edges and
subgraphs (cgraph), the docs page the same tags (an HTML parser), HAProxy and
text targets the same number of lines.  Prints "ok NAME" / "FAIL NAME: why".
"""
import html.parser
import json
import os
import subprocess
import sys

import yaml

clean, hostile, dotcount = sys.argv[1:4]


def files(root):
    out = []
    for d, _, fs in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root) for f in fs]
    return sorted(out)


def json_shape(v):
    """Keys and list lengths, not values: the structure a consumer sees."""
    if isinstance(v, dict):
        return {k: json_shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [json_shape(x) for x in v]
    return type(v).__name__


def yaml_shape(path, loader):
    with open(path) as f:
        return [json_shape(d) for d in yaml.load_all(f, Loader=loader)]


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def html_shape(path):
    p = Tags()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    return p.tags


def xml_shape(path):
    r = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    if r.returncode:
        raise ValueError("xmllint: " + r.stderr[:300])
    r = subprocess.run(["xmllint", "--xpath", "count(//*)", path], capture_output=True, text=True)
    return r.stdout.strip()


def dot_shape(path):
    r = subprocess.run([dotcount, path], capture_output=True, text=True)
    if r.returncode:
        raise ValueError(r.stderr[:300])
    return r.stdout.split()[1:]


def shape(path):
    ext = os.path.splitext(path)[1]
    if ext == ".json":
        return json_shape(json.load(open(path, encoding="utf-8")))
    if ext == ".yaml":
        cl = getattr(yaml, "CSafeLoader", None)
        if cl is None:
            raise ValueError("PyYAML has no libyaml loader")
        a, b = yaml_shape(path, yaml.SafeLoader), yaml_shape(path, cl)
        if a != b:
            raise ValueError("PyYAML and libyaml disagree")
        return a
    if ext in (".xml", ".svg"):
        return xml_shape(path)
    if ext == ".dot":
        return dot_shape(path)
    if ext == ".html":
        return html_shape(path)
    if ext == ".png":
        return open(path, "rb").read(8)
    # configuration and text targets: one line per directive
    return sum(1 for _ in open(path, encoding="utf-8"))


names = files(clean)
if names != files(hostile):
    print("FAIL corpus same-files:", sorted(set(names) ^ set(files(hostile)))[:5])
    sys.exit(0)
kinds = {}
for n in names:
    if n == ".topoc-output":
        continue
    kind = os.path.splitext(n)[1] or "text"
    try:
        same = shape(os.path.join(clean, n)) == shape(os.path.join(hostile, n))
        why = "" if same else "its shape differs from the clean build's"
    except Exception as e:  # the consumer refused it
        same, why = False, str(e)
    if not same:
        print(f"FAIL corpus {n}: {why}")
    kinds.setdefault(kind, [0, 0])[0 if same else 1] += 1
for kind, (good, badn) in sorted(kinds.items()):
    if not badn:
        print(f"ok corpus {kind} ({good} files read back, same shape)")
