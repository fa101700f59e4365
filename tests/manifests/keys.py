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
            # (tags, parameters, identities, app settings, output values)
            if path and path[-1] in ("tags", "parameters", "userAssignedIdentities"):
                continue
            if path and path[-1] == "properties" and path[-2:-1] == ["@appsettings"]:
                continue
            if "outputs" in path and "value" in path:
                continue
            keys.add(k)
            if k == "properties" and v.get("type") == "Microsoft.Web/sites/config":
                walk(x, path + ["@appsettings", k])
                continue
            walk(x, path + [k])
    elif isinstance(v, list):
        for x in v:
            walk(x, path)
for f in sys.argv[1:]:
    walk(json.load(open(f)), [])
print("\n".join(sorted(keys)))
