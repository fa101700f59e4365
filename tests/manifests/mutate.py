#!/usr/bin/python3
"""mutate.py OUT ENV - every assertion of integrity.py fails on an output
broken on purpose.  For each mutation: copy OUT's ENV deployment, break one
thing, run the checker, and expect 'FAIL <assertion>'.  Prints
'ok <assertion>: <mutation>' or 'FAIL ...'; exit 1 if any mutation went
unnoticed, or if an assertion has no mutation."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
out, env = sys.argv[1], sys.argv[2]


def load(root, rel):
    return json.load(open(os.path.join(root, env, rel)))


def save(root, rel, doc):
    json.dump(doc, open(os.path.join(root, env, rel), "w"), indent=1)


def services(root):
    return sorted(glob.glob(os.path.join(root, env, "manifests/azure/services/*.json")))


def first(doc, rtype, pred=lambda r: True):
    return next(r for r in doc["resources"] if r["type"] == rtype and pred(r))


def with_secrets(root):
    """A service template with a Key Vault reference."""
    for p in services(root):
        d = json.load(open(p))
        cfg = first(d, "Microsoft.Web/sites/config")
        if any("@Microsoft.KeyVault" in v for v in cfg["properties"].values()):
            return os.path.relpath(p, os.path.join(root, env)), d
    raise SystemExit("no service with secrets in this output")


def with_store(root, kind_pattern):
    for p in services(root):
        d = json.load(open(p))
        if re.search(kind_pattern, json.dumps(d)):
            return os.path.relpath(p, os.path.join(root, env)), d
    raise SystemExit(f"no service matching {kind_pattern}")


# --- the mutations: (assertion, what, function(root)) ---

def m_expr(root):
    d = load(root, "manifests/azure/environment.json")
    first(d, "Microsoft.Network/virtualNetworks")["location"] = "[resourceGroupLocation()]"
    save(root, "manifests/azure/environment.json", d)


def m_id(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    first(d, "Microsoft.Web/sites")["properties"]["serverFarmId"] = \
        "[resourceId('Microsoft.Web/serverfarms', 'no-such-plan')]"
    save(root, rel, d)


def m_depends(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    first(d, "Microsoft.Web/sites")["dependsOn"].append(
        "[resourceId('Microsoft.KeyVault/vaults', 'elsewhere')]")
    save(root, rel, d)


def m_cycle(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    site = first(d, "Microsoft.Web/sites")
    plan = first(d, "Microsoft.Web/serverfarms")
    plan["dependsOn"] = [f"[resourceId('Microsoft.Web/sites', '{site['name']}')]"]
    save(root, rel, d)


def service_part(root):
    """The first part of the services' deployments (linked from main.json)."""
    parts = sorted(glob.glob(os.path.join(root, env, "manifests/azure/services-*.json")))
    return os.path.relpath(parts[0], os.path.join(root, env))


def m_params(root):
    rel = service_part(root)
    d = load(root, rel)
    dep = next(r for r in d["resources"] if r["name"].startswith("service-"))
    del dep["properties"]["parameters"]["stores"]
    save(root, rel, d)


def m_order(root):
    d = load(root, "main.json")
    dep = next(r for r in d["resources"] if r["name"].startswith("services-"))
    del dep["dependsOn"]
    save(root, "main.json", d)


def pad(n):
    return "x" * n


def m_resources(root):
    """A service template of 801 resources (its diagnostic settings
    copied under other names)."""
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    diag = first(d, "Microsoft.Insights/diagnosticSettings")
    while len(d["resources"]) <= 800:
        x = json.loads(json.dumps(diag))
        x["name"] = f"copy-{len(d['resources'])}"
        d["resources"].append(x)
    save(root, rel, d)


def m_resource_bytes(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    first(d, "Microsoft.Web/sites")["tags"]["note"] = pad(1100 * 1024)
    save(root, rel, d)


def m_spec_bytes(root):
    """Services of one part grown to 2.1 MB together, each resource and
    each template within its own limits."""
    rel = service_part(root)
    linked = [r["properties"]["templateLink"]["relativePath"] for r in load(root, rel)["resources"]]
    for link in linked[:3]:
        t = os.path.join(os.path.dirname(rel), link)
        d = load(root, t)
        first(d, "Microsoft.Web/sites")["tags"]["note"] = pad(700 * 1024)
        save(root, t, d)


def m_job_bytes(root):
    d = load(root, "main.json")
    d["metadata"] = {"note": pad(1100 * 1024)}
    save(root, "main.json", d)


def m_role_missing(root):
    rel, d = with_store(root, r"Storage (Blob|Queue) Data")
    d["resources"] = [r for r in d["resources"] if not (
        r["type"] == "Microsoft.Authorization/roleAssignments" and "Storage" in r["properties"]["description"])]
    save(root, rel, d)


def m_role_extra(root):
    rel, d = with_store(root, r"Storage Blob Data Reader")
    ra = first(d, "Microsoft.Authorization/roleAssignments",
               lambda r: r["properties"]["description"] == "Storage Blob Data Reader")
    ra["properties"]["roleDefinitionId"] = ra["properties"]["roleDefinitionId"].replace(
        "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    save(root, rel, d)


def m_kvref(root):
    rel, d = with_secrets(root)
    cfg = first(d, "Microsoft.Web/sites/config")
    k = next(k for k, v in cfg["properties"].items() if "@Microsoft.KeyVault" in v)
    cfg["properties"][k] = cfg["properties"][k].replace("parameters('vaultName')", "'kv-unknown'")
    save(root, rel, d)


def m_store_setting(root):
    rel, d = with_store(root, r"STORE_[A-Z_]*_HOST")
    cfg = first(d, "Microsoft.Web/sites/config")
    k = next(k for k in cfg["properties"] if k.startswith("STORE_") and k.endswith("_HOST"))
    del cfg["properties"][k]
    save(root, rel, d)


def m_private_endpoint(root):
    d = load(root, "manifests/azure/environment.json")
    pe = first(d, "Microsoft.Network/privateEndpoints",
               lambda r: "Microsoft.KeyVault" in json.dumps(r["properties"]))
    d["resources"] = [r for r in d["resources"] if r is not pe and not r["name"].startswith(pe["name"] + "/")]
    save(root, "manifests/azure/environment.json", d)


def m_dns_link(root):
    d = load(root, "manifests/azure/environment.json")
    d["resources"] = [r for r in d["resources"] if not (
        r["type"].endswith("virtualNetworkLinks") and r["name"].startswith("privatelink.vaultcore"))]
    save(root, "manifests/azure/environment.json", d)


def m_region(root):
    d = load(root, "manifests/azure/environment.json")
    first(d, "Microsoft.KeyVault/vaults")["location"] = "westeurope"
    save(root, "manifests/azure/environment.json", d)


def m_diagnostics(root):
    d = load(root, "manifests/azure/environment.json")
    d["resources"] = [r for r in d["resources"] if not (
        r["type"] == "Microsoft.Insights/diagnosticSettings" and "KeyVault" in r.get("scope", ""))]
    save(root, "manifests/azure/environment.json", d)


def m_monitored(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    del first(d, "Microsoft.Web/sites/config")["properties"]["APPLICATIONINSIGHTS_CONNECTION_STRING"]
    save(root, rel, d)


def m_parent(root):
    d = load(root, "manifests/azure/environment.json")
    first(d, "Microsoft.ApiManagement/service")["name"] = "apim-renamed"
    save(root, "manifests/azure/environment.json", d)


def m_escape(root):
    """a spec string left unescaped would be evaluated: the checker sees
    a function no template should call"""
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    first(d, "Microsoft.Web/sites/config")["properties"]["X"] = "[listKeys('x', '2019-06-01')]"
    save(root, rel, d)


def m_plan_sku(root):
    rel = os.path.relpath(services(root)[0], os.path.join(root, env))
    d = load(root, rel)
    first(d, "Microsoft.Web/serverfarms")["sku"]["name"] = "S1"
    save(root, rel, d)


def m_plan_shared(root):
    """two services on one plan where the spec gives each its own"""
    a, b = [os.path.relpath(p, os.path.join(root, env)) for p in services(root)[:2]]
    da, db = load(root, a), load(root, b)
    first(db, "Microsoft.Web/sites")["properties"]["serverFarmId"] = \
        first(da, "Microsoft.Web/sites")["properties"]["serverFarmId"]
    save(root, b, db)


def non_connector(root):
    for p in services(root):
        d = json.load(open(p))
        if first(d, "Microsoft.Web/sites")["properties"]["siteConfig"].get("vnetRouteAllEnabled") and \
                "connector" not in json.dumps(first(d, "Microsoft.Web/sites")["tags"]):
            return os.path.relpath(p, os.path.join(root, env)), d
    raise SystemExit("no service that is not a connector")


def m_route_all(root):
    """a Web App whose internet traffic bypasses the VNet"""
    rel, d = non_connector(root)
    first(d, "Microsoft.Web/sites")["properties"]["siteConfig"]["vnetRouteAllEnabled"] = False
    save(root, rel, d)


def nsg_of(d, word):
    return first(d, "Microsoft.Network/networkSecurityGroups", lambda r: f"-{word}-" in r["name"])


def m_apps_internet(root):
    """the apps subnet's NSG lets everyone out on 443"""
    d = load(root, "manifests/azure/environment.json")
    rules = nsg_of(d, "apps")["properties"]["securityRules"]
    rules.append({"name": "everyone-out", "properties": {
        "priority": 90, "direction": "Outbound", "access": "Allow", "protocol": "Tcp",
        "sourceAddressPrefix": "*", "sourcePortRange": "*",
        "destinationAddressPrefix": "Internet", "destinationPortRange": "443"}})
    save(root, "manifests/azure/environment.json", d)


def m_sites_open(root):
    """the endpoints' NSG no longer shuts the VNet out of the Web Apps"""
    d = load(root, "manifests/azure/environment.json")
    n = nsg_of(d, "private-endpoints")["properties"]
    n["securityRules"] = [r for r in n["securityRules"] if r["properties"]["access"] != "Deny"]
    save(root, "manifests/azure/environment.json", d)


def m_edge_shut(root):
    """a routed service's endpoint leaves the edge's group"""
    for p in services(root):
        d = json.load(open(p))
        pe = first(d, "Microsoft.Network/privateEndpoints")["properties"]
        groups = pe.get("applicationSecurityGroups", [])
        kept = [g for g in groups if ".edge" not in g["id"]]
        if len(kept) < len(groups):
            pe["applicationSecurityGroups"] = kept
            save(root, os.path.relpath(p, os.path.join(root, env)), d)
            return
    raise SystemExit("no service reached by the edge")


def holding(root, rtype):
    """The stores or teams part holding a resource of RTYPE."""
    for p in sorted(glob.glob(os.path.join(root, env, "manifests/azure/*-*.json"))):
        d = json.load(open(p))
        if any(r["type"] == rtype for r in d.get("resources", [])):
            return os.path.relpath(p, os.path.join(root, env)), d
    raise SystemExit(f"no part holds a {rtype}")


def m_soft_delete(root):
    """a storage account's blob soft delete off"""
    rel, d = holding(root, "Microsoft.Storage/storageAccounts/blobServices")
    first(d, "Microsoft.Storage/storageAccounts/blobServices")["properties"]["deleteRetentionPolicy"]["enabled"] = False
    save(root, rel, d)


def m_agw_zones(root):
    """App Gateway out of the region's zones"""
    d = load(root, "gateway/azure/edge.json")
    first(d, "Microsoft.Network/applicationGateways").pop("zones")
    save(root, "gateway/azure/edge.json", d)


def m_zones_region(root):
    """App Gateway, in zones 1-3, moved to ukwest (no zones)"""
    d = load(root, "gateway/azure/edge.json")
    first(d, "Microsoft.Network/applicationGateways")["location"] = "ukwest"
    save(root, "gateway/azure/edge.json", d)


def m_agw_pools(root):
    """App Gateway with 101 backend pools"""
    d = load(root, "gateway/azure/edge.json")
    pools = first(d, "Microsoft.Network/applicationGateways")["properties"]["backendAddressPools"]
    pools += [dict(pools[0], name=f"pool-extra-{i}") for i in range(101 - len(pools))]
    save(root, "gateway/azure/edge.json", d)


def m_literal_apim(root):
    """an API Management part naming the environment's service literally"""
    rel = sorted(os.path.relpath(p, os.path.join(root, env))
                 for p in glob.glob(os.path.join(root, env, "gateway/azure/apis-*.json")))[0]
    d = load(root, rel)
    b = first(d, "Microsoft.ApiManagement/service/backends")
    b["name"] = "apim-" + json.load(open(os.path.join(root, "model.json")))["platform"]["name"] + \
        f"-{env}/" + b["properties"]["description"]
    save(root, rel, d)


MUTATIONS = [
    ("expr-evaluates", "an unknown function", m_expr),
    ("expr-evaluates", "an unescaped spec string", m_escape),
    ("id-resolves", "a Web App on a plan no template declares", m_id),
    ("depends-resolves", "a dependsOn outside the template", m_depends),
    ("depends-acyclic", "plan and site depend on each other", m_cycle),
    ("params-fed", "a service deployment without its stores", m_params),
    ("reference-ordered", "a service deployment not after the environment", m_order),
    ("roles-match-spec", "a storage data role removed", m_role_missing),
    ("roles-match-spec", "a reader made contributor", m_role_extra),
    ("kv-refs-backed", "a Key Vault reference to a vault nobody granted", m_kvref),
    ("stores-configured", "a store's app setting removed", m_store_setting),
    ("private-endpoints", "a vault's private endpoint removed", m_private_endpoint),
    ("private-endpoints", "a private DNS zone not linked to the VNet", m_dns_link),
    ("regions", "a vault in westeurope", m_region),
    ("diagnostics", "a vault's diagnostic settings removed", m_diagnostics),
    ("apps-monitored", "a Web App without Application Insights", m_monitored),
    ("children-have-parents", "APIM's APIs without their service", m_parent),
    ("plan-matches-spec", "a plan of another SKU", m_plan_sku),
    ("plan-matches-spec", "two services on one plan", m_plan_shared),
    ("egress-connectors", "a Web App bypassing the VNet", m_route_all),
    ("egress-connectors", "the apps subnet open to the internet", m_apps_internet),
    ("callers-admitted", "the Web Apps' endpoints open to the VNet", m_sites_open),
    ("callers-admitted", "a routed service shut off from the edge", m_edge_shut),
    ("baseline-gaps", "blob soft delete off", m_soft_delete),
    ("baseline-gaps", "App Gateway without zones", m_agw_zones),
    ("zones-exist", "a zonal App Gateway in ukwest", m_zones_region),
    ("appgw-limits", "101 backend pools", m_agw_pools),
    ("names-fed", "an API Management part naming its service literally", m_literal_apim),
    ("arm-limits", "a template of 801 resources", m_resources),
    ("arm-limits", "a resource definition over 1 MB", m_resource_bytes),
    ("arm-limits", "a part's template spec over 2 MB", m_spec_bytes),
    ("arm-limits", "a deployment job over 1 MB", m_job_bytes),
]


def main():
    doc = open(os.path.join(HERE, "integrity.py")).read()
    declared = set(re.findall(r"^  ([a-z-]+)  +\S", doc.split('"""')[1], re.M))
    bad = 0
    for a in sorted(declared - {m[0] for m in MUTATIONS}):
        print(f"FAIL {a}: no mutation shows it can fail")
        bad += 1
    for assertion, what, fn in MUTATIONS:
        root = tempfile.mkdtemp()
        try:
            shutil.copy(os.path.join(out, "model.json"), root)
            shutil.copytree(os.path.join(out, env), os.path.join(root, env),
                            ignore=shutil.ignore_patterns("diagrams", "nginx", "haproxy", "kubernetes"))
            fn(root)
            r = subprocess.run([sys.executable, os.path.join(HERE, "integrity.py"), root, env],
                               capture_output=True, text=True)
            if r.returncode == 1 and f"FAIL {assertion}:" in r.stdout:
                print(f"ok {assertion}: {what}")
            else:
                print(f"FAIL {assertion}: '{what}' went unnoticed\n{r.stdout[-600:]}{r.stderr[-600:]}")
                bad += 1
        finally:
            shutil.rmtree(root)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
