#!/usr/bin/python3
"""keys.py TEMPLATE... - every object key of the Azure manifests, one per
line, sorted: compared in the tests with tests/manifests/azure-keys.txt, a
reviewed closed list, because several Azure schemas accept unknown keys."""
import json, sys
keys = set()
def walk(v, path):
    if isinstance(v, dict):
        for k, x in v.items():
            # user-named maps: their keys are data, not Azure's vocabulary
            if path and path[-1] in ("tags", "parameters", "userAssignedIdentities"):
                continue
            keys.add(k)
            walk(x, path + [k])
    elif isinstance(v, list):
        for x in v:
            walk(x, path)
for f in sys.argv[1:]:
    walk(json.load(open(f)), [])
print("\n".join(sorted(keys)))
