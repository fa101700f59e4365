#!/usr/bin/env python3
"""dot_ranks.py DIR... - no picture asks dot for what makes Graphviz 2.43
loop for ever or crash: in every DOT file under DIR, the edges between the
nodes of one rank=same group (dot's "flat" edges) make no cycle, and none
of them is labelled.  The legend's cluster is checked like the rest.

Reads the DOT as topoc writes it (agwrite's layout: one statement per
line, attributes in brackets that may span lines).  Prints one line per
file with a fault and a summary; exit 1 on a fault."""
import glob, os, re, sys

ID = r'("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z_0-9.]*)'
RANK = re.compile(r'subgraph\s+' + ID + r'\s*\{\s*graph\s*\[rank=same\];', re.S)
EDGE = re.compile(ID + r'\s*->\s*' + ID + r'(\s*\[[^\]]*\])?', re.S)
STMT = re.compile(r'^\s*' + ID + r'\s*(?:\[[^\]]*\])?\s*;', re.M)


def unquote(s):
    return s[1:-1].replace('\\"', '"') if s.startswith('"') else s


QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def block(text, start):
    """The text of the braces opened just before start, up to their close."""
    depth, i = 1, start
    while depth and i < len(text):
        if text[i] == '"':
            i = QUOTED.match(text, i).end()
            continue
        depth += {'{': 1, '}': -1}.get(text[i], 0)
        i += 1
    return text[start:i - 1]


def faults(text):
    rank = {}
    for m in RANK.finditer(text):
        for n in STMT.finditer(block(text, m.end())):
            rank[unquote(n.group(1))] = m.group(1)
    flat = {}
    out = []
    for m in EDGE.finditer(text):
        a, b, attrs = unquote(m.group(1)), unquote(m.group(2)), m.group(3) or ''
        if a == b or a not in rank or rank[a] != rank.get(b):
            continue
        if re.search(r'(^|[\[,\s])label=', attrs):
            out.append(f"labelled flat edge {a} -> {b}")
        flat.setdefault(a, set()).add(b)
    state, path = {}, []

    def cycle(u):
        state[u] = 1
        path.append(u)
        for v in sorted(flat.get(u, ())):
            if state.get(v) == 1:
                return path[path.index(v):] + [v]
            found = v not in state and cycle(v)
            if found:
                return found
        state[u] = 2
        path.pop()
        return None
    for u in sorted(flat):
        found = u not in state and cycle(u)
        if found:
            out.append("a cycle of flat edges: " + " -> ".join(found))
            break
    return out


bad = files = 0
for d in sys.argv[1:]:
    for path in sorted(glob.glob(os.path.join(d, '**', '*.dot'), recursive=True)):
        files += 1
        f = faults(open(path, encoding='utf-8').read())
        if f:
            bad += 1
            print(f"FAIL {path}: {'; '.join(f)}")
print(f"{files} DOT files, {bad} with flat edges dot cannot lay out")
sys.exit(1 if bad or not files else 0)
