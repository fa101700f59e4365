#!/usr/bin/python3
"""arm_validate.py SCHEMAS TEMPLATE... - validate every resource of ARM
deployment templates against the official schemas in SCHEMAS
(../shared/data/arm): `<apiVersion>/<Provider>*.json#/resourceDefinitions/
<type after the provider, '/' as '_'>`.  Nested `resources` are validated
as their own resources.  Prints "ok NAME" / "FAIL NAME: why" per resource.
Uses Debian's python3-jsonschema (Draft 4, as the schemas declare)."""
import glob, json, os, re, sys
import jsonschema

root = sys.argv[1]
store, files = {}, {}
for path in glob.glob(f"{root}/**/*.json", recursive=True):
    rel = os.path.relpath(path, root)
    doc = json.load(open(path))
    store[f"https://schema.management.azure.com/schemas/{rel}"] = doc
    if doc.get("id"):
        store[doc["id"].rstrip("#")] = doc
    files[rel] = doc

def schema_for(rtype, version):
    provider, rest = rtype.split("/", 1)
    key = rest.replace("/", "_")
    for rel, doc in files.items():
        if rel.startswith(version + "/") and os.path.basename(rel).startswith(provider) \
                and key in doc.get("resourceDefinitions", {}):
            return rel, key
    return None, None

def deepest(err):
    """The innermost error of a oneOf (value or expression) failure."""
    while err.context:
        err = min(err.context, key=lambda e: (len(e.context), -len(e.absolute_path)))
    return err

# Types whose official schema is not among ../shared/data/arm (the reference
# set has no Authorization, OperationalInsights, privateDns, ManagedIdentity,
# Resources, Cache or diagnosticSettings/components schemas): reported as
# skipped, never as valid.  tests/manifests/integrity.py checks their
# meaning; any other type without a schema fails.
NO_SCHEMA = {
    ("Microsoft.Authorization/roleAssignments", "2022-04-01"),
    ("Microsoft.Cache/redis", "2024-11-01"),
    ("Microsoft.Cache/redis/accessPolicyAssignments", "2024-11-01"),
    ("Microsoft.Insights/components", "2020-02-02"),
    ("Microsoft.Insights/diagnosticSettings", "2021-05-01-preview"),
    ("Microsoft.ManagedIdentity/userAssignedIdentities", "2023-01-31"),
    ("Microsoft.Network/privateDnsZones", "2024-06-01"),
    ("Microsoft.Network/privateDnsZones/A", "2024-06-01"),
    ("Microsoft.Network/privateDnsZones/virtualNetworkLinks", "2024-06-01"),
    ("Microsoft.OperationalInsights/workspaces", "2023-09-01"),
    ("Microsoft.Resources/deployments", "2022-09-01"),
}

# A name written as format() of parameters and literals (API Management's
# children, whose service's name a template is fed): Resource Manager
# checks the name it evaluates to, so the schema's form and length checks
# apply to that, each parameter standing for its own name ('apimName').
FORMAT_NAME = re.compile(r"^\[format\('([^']*)'((?:, (?:parameters\('\w+'\)|'(?:[^']|'')*'))+)\)\]$")
FORMAT_ARG = re.compile(r"parameters\('(\w+)'\)|'((?:[^']|'')*)'")

def literal_name(name):
    m = FORMAT_NAME.match(name) if isinstance(name, str) else None
    if not m:
        return name
    args = [p or v.replace("''", "'") for p, v in FORMAT_ARG.findall(m.group(2))]
    return re.sub(r"\{(\d+)\}", lambda k: args[int(k.group(1))], m.group(1))

failed = 0
def validate(res, where):
    global failed
    rel, key = schema_for(res["type"], res["apiVersion"])
    name = f"{where}: {res['type']} {res.get('name')}"
    if not rel and (res["type"], res["apiVersion"]) in NO_SCHEMA:
        print(f"skip {name}: no official schema for {res['apiVersion']} in the reference set")
        return
    if not rel:
        print(f"FAIL {name}: no schema for apiVersion {res['apiVersion']}")
        failed += 1
        return
    uri = f"https://schema.management.azure.com/schemas/{rel}"
    schema = {"$ref": f"{uri}#/resourceDefinitions/{key}"}
    resolver = jsonschema.RefResolver(uri, files[rel], store=store)
    body = {k: v for k, v in res.items() if k not in ("resources", "dependsOn")}
    body["name"] = literal_name(body.get("name"))
    errors = list(jsonschema.Draft4Validator(schema, resolver=resolver).iter_errors(body))
    if errors:
        e = deepest(errors[0])
        print(f"FAIL {name}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        failed += 1
    else:
        print(f"ok {name}")
    for sub in res.get("resources", []):
        validate(sub, where)

for t in sys.argv[2:]:
    doc = json.load(open(t))
    assert doc.get("$schema", "").startswith("https://schema.management.azure.com/schemas/"), t
    assert doc.get("contentVersion") and isinstance(doc.get("resources"), list), t
    for res in doc["resources"]:
        validate(res, os.path.relpath(t))
sys.exit(1 if failed else 0)
