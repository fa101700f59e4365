#!/usr/bin/python3
"""integrity.py OUT ENV - reads ENV's Azure deployment (OUT/ENV/main.json and
every template it links) as Resource Manager would, and checks that the
result is a working system for the spec in OUT/model.json.  Written
independently of topoc's emitters: it knows ARM's rules and the spec's
meaning, not how topoc builds its files.

Each failure is printed as 'FAIL <assertion>: what'; the exit status is 1
when any failed.  tests/manifests/mutate.py shows that every assertion
fails on an output broken on purpose.

Assertions:
  expr-evaluates     every expression evaluates (known functions, declared
                     parameters and variables, deployments that have run)
  id-resolves        every resource id a resource reads (properties, scope,
                     reference()) is a resource of the deployment, or a
                     built-in role definition
  depends-resolves   every dependsOn is a resource of the same template
  depends-acyclic    no dependsOn cycle, in any template
  params-fed         each linked template exists; every parameter without a
                     default is fed and nothing undeclared is
  reference-ordered  a deployment reading another's outputs depends on it
  roles-match-spec   the role assignments are exactly those the spec
                     implies: Key Vault Secrets User on the vault for a
                     service with secrets and for the edge's certificate, a
                     data role per store use by access; nothing more
  kv-refs-backed     every @Microsoft.KeyVault reference names a vault the
                     app's identity may read
  stores-configured  every store a service uses is in its app settings (and
                     a contained SQL user is scripted for SQL stores)
  private-endpoints  every resource with public access off has a private
                     endpoint in the environment's VNet, registered in a
                     private DNS zone linked to that VNet
  regions            every located resource is in an allowed region
  diagnostics        every resource of a type with diagnostic settings
                     sends them to a workspace of the deployment
  apps-monitored     every Web App is connected to Application Insights
  children-have-parents  every child resource's parent is declared
  plan-matches-spec  the App Service plans are the spec's
                     (environments.NAME.plan): its SKU and tier; one plan per
                     service sized by scaling.min, or one shared plan of
                     plan.instances with per-app scaling on scaling.min
                     workers and no autoscale (and one more for the
                     connectors, which alone leave by their subnet); no
                     autoscale maximum above the tier's limit
  egress-connectors  every Web App sends all its traffic through its VNet
                     integration (vnetRouteAllEnabled), and the NSG of its
                     integration subnet lets it reach the internet exactly
                     when it is a connector
  callers-admitted   the NSG of each Web App's private endpoint, read as
                     Azure evaluates it (priority order, application
                     security groups, default rules), admits on 443 exactly
                     the integration subnets of the services that depend on
                     it, and App Gateway's and APIM's subnets exactly when
                     it has a public route: both directions, at the
                     granularity of the integration subnets
  arm-limits         every template and each unit deploy.sh deploys (a spec
                     and what it packs, the job) within arm_limits.py's limits
  names-fed          no template names a resource another template declares
                     (a literal child name, a resourceId() of literals): it
                     is fed it (arm_names.py)
  baseline-gaps      PSRule for Azure rules the templates meet stay met:
                     blob and container soft delete on every storage
                     account (Storage.SoftDelete, ContainerSoftDelete);
                     APIM with legacy protocols and the CBC and non-PFS
                     suites off (APIM.Protocols, APIM.Ciphers) and every API
                     described (APIM.APIDescriptors); App Gateway and its
                     public IP in zones 1-3 where the region has zones
                     (AppGw.AvailabilityZone, PublicIP.AvailabilityZone)
  appgw-limits       the App Gateway within Microsoft's per-gateway limits
                     (WAF_v2, CRS 3.2 or DRS): 100 backend pools, 100 path
                     rules per URL path map, 200 listeners, 400 routing
                     rules, 100 redirects, 400 rewrite rule sets, 100 HTTP
                     settings; its WAF policy 100 custom rules and 200
                     exclusions
  zones-exist        nothing asks for availability zones (zones, a
                     zone-redundant plan or database, a ZRS or GZRS
                     storage SKU) in a region that has none: Azure refuses
                     such a deployment (spec rule zones-unavailable)
"""
import ipaddress
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm_eval import Context, EvalError, Sym, SymObj, RG, resource_id, strings, cycles  # noqa: E402
import arm_limits  # noqa: E402
import arm_names  # noqa: E402

ROLES = {  # built-in role GUIDs (Azure's published list)
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
    "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "8a0f0c08-91a1-4084-bc3d-661d67233fed": "Storage Queue Data Message Processor",
    "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a": "Storage Queue Data Message Sender",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
}
# what a store use implies, by kind and access (the spec's meaning)
IMPLIED = {
    ("key-vault", "read"): "Key Vault Secrets User",
    ("key-vault", "write"): "Key Vault Secrets Officer",
    ("key-vault", "read-write"): "Key Vault Secrets Officer",
    ("blob", "read"): "Storage Blob Data Reader",
    ("blob", "write"): "Storage Blob Data Contributor",
    ("blob", "read-write"): "Storage Blob Data Contributor",
    ("queue", "read"): "Storage Queue Data Message Processor",
    ("queue", "write"): "Storage Queue Data Message Sender",
    ("queue", "read-write"): "Storage Queue Data Contributor",
    ("cache", "read"): "redis:Data Reader",
    ("cache", "write"): "redis:Data Contributor",
    ("cache", "read-write"): "redis:Data Contributor",
}
# resource types that support diagnostic settings (Azure Monitor's
# supported-logs/metrics lists), and the global ones
DIAGNOSABLE = {
    "microsoft.keyvault/vaults", "microsoft.sql/servers/databases",
    "microsoft.storage/storageaccounts", "microsoft.web/sites",
    "microsoft.web/serverfarms", "microsoft.network/applicationgateways",
    "microsoft.apimanagement/service", "microsoft.network/virtualnetworks",
    "microsoft.network/networksecuritygroups",
    "microsoft.network/publicipaddresses", "microsoft.insights/autoscalesettings",
    "microsoft.operationalinsights/workspaces", "microsoft.cache/redis",
}
GLOBAL_TYPES = {"microsoft.insights/actiongroups", "microsoft.insights/metricalerts",
                "microsoft.network/privatednszones",
                "microsoft.network/privatednszones/virtualnetworklinks"}

failures = []


def fail(assertion, what):
    failures.append((assertion, what))


def acyclic(edges, where):
    for path in cycles(edges):
        fail("depends-acyclic", f"{where}: cycle {' -> '.join(path)}")


def lower(s):
    return s.lower() if isinstance(s, str) else s


class Res:
    def __init__(self, tmpl, raw, ctx):
        self.tmpl, self.raw = tmpl, raw
        self.type = raw["type"]
        self.name = ev(ctx, raw["name"], f"{tmpl}: name") or "?"
        self.scope = ev(ctx, raw["scope"], f"{tmpl}: scope") if "scope" in raw else None
        if self.scope:
            segs = self.type.split("/")
            self.id = resource_id(self.scope, self.type, [self.name]) if len(segs) == 2 else None
        else:
            try:
                self.id = resource_id(RG, self.type, self.name.split("/"))
            except EvalError as e:
                fail("expr-evaluates", f"{tmpl}: {self.type} {self.name}: {e}")
                self.id = None
        where = f"{tmpl}: {self.type} {self.name}"
        self.props = ev(ctx, raw.get("properties", {}), where) or {}
        self.location = ev(ctx, raw.get("location"), where)
        self.identity = ev(ctx, raw.get("identity"), where)
        self.tags = raw.get("tags", {})
        self.deps = [ev(ctx, d, where) for d in raw.get("dependsOn", [])]
        self.sku = raw.get("sku")


def ev(ctx, value, where):
    try:
        return ctx.evaluate(value)
    except EvalError as e:
        fail("expr-evaluates", f"{where}: {e}")
        return None


class Deployment:
    def __init__(self, root):
        self.root = root
        self.resources = []      # every Res, all templates
        self.outputs = {}        # deployment name -> outputs
        self.templates = {}      # path -> raw
        self.specs = {}          # template spec name -> path (deploy.sh's)

    def load(self, rel):
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            return None
        raw = json.load(open(path))
        if rel not in self.templates:
            arm_limits.check_template(rel, path, raw, lambda what: fail("arm-limits", what))
        self.templates[rel] = raw
        return raw

    def run(self, rel, params_in, name):
        """Evaluate template REL with fed parameter values."""
        raw = self.load(rel)
        declared = raw.get("parameters", {})
        params = {}
        for p, d in declared.items():
            if p in params_in:
                params[p] = params_in[p]
            elif "defaultValue" in d:
                params[p] = d["defaultValue"]
            else:
                fail("params-fed", f"{name}: parameter '{p}' of {rel} is not fed")
            if p in params and "allowedValues" in d and params[p] not in d["allowedValues"]:
                fail("params-fed", f"{name}: {p}={params[p]!r} not allowed")
        for p in params_in:
            if p not in declared:
                fail("params-fed", f"{name}: {rel} declares no parameter '{p}'")
        ctx = Context(params, raw.get("variables", {}), self.outputs)
        mine = []
        deployments = [r for r in raw["resources"] if r["type"] == "Microsoft.Resources/deployments"]
        # (the linked deployments first: this template's own resources may
        # read their outputs, and none of theirs reads these)
        self.run_deployments(rel, deployments, ctx, mine)
        for r in raw["resources"]:
            if r["type"] != "Microsoft.Resources/deployments":
                mine.append(Res(rel, r, ctx))
        self.resources += [r for r in mine if not isinstance(r, DeployRes)]
        self.check_depends(rel, mine)
        outs = {}
        for k, o in raw.get("outputs", {}).items():
            outs[k] = {"value": ev(ctx, o["value"], f"{rel}: output {k}")}
        return outs

    def run_deployments(self, rel, deployments, ctx, mine):
        order, done = [], set()
        names = {d["name"] for d in deployments}
        deps = {}
        for d in deployments:
            ds = set()
            for x in d.get("dependsOn", []):
                v = ev(ctx, x, f"{rel}: {d['name']}")
                if isinstance(v, str):
                    ds.add(v.rsplit("/", 1)[-1])
            deps[d["name"]] = ds
            reads = set(re.findall(r"deployments', '([^']+)'", json.dumps(d.get("properties", {}))))
            for r in reads - ds - {d["name"]}:
                fail("reference-ordered", f"{rel}: {d['name']} reads {r}'s outputs without depending on it")
            for x in ds - names:
                fail("depends-resolves", f"{rel}: {d['name']} depends on unknown deployment {x}")
        acyclic({k: sorted(v & names) for k, v in deps.items()}, rel)
        while len(order) < len(deployments):
            ready = [d for d in deployments if d["name"] not in done and deps[d["name"]] & names <= done]
            if not ready:
                return
            for d in ready:
                done.add(d["name"])
                order.append(d)
                props = d["properties"]
                link, target = self.link(rel, d, ctx)
                if not link or not os.path.isfile(os.path.join(self.root, target)):
                    fail("params-fed", f"{rel}: {d['name']} links a missing template {link}")
                    continue
                fed = {k: ev(ctx, v.get("value"), f"{rel}: {d['name']}.{k}")
                       for k, v in props.get("parameters", {}).items()}
                self.outputs[d["name"]] = self.run(target, fed, d["name"])
                mine.append(DeployRes(d["name"]))

    def link(self, rel, d, ctx):
        """A deployment's template: relative to REL's, or by the id of a
        template spec deploy.sh creates (.../templateSpecs/NAME/versions/V)."""
        tl = d["properties"].get("templateLink", {})
        if "relativePath" in tl:
            link = tl["relativePath"]
            return link, os.path.normpath(os.path.join(os.path.dirname(rel), link))
        sid = ev(ctx, tl.get("id"), f"{rel}: {d['name']}")
        link = self.specs.get(arm_limits.spec_name(sid, RG))
        return link or sid, link or ""

    def check_depends(self, rel, mine):
        ids = {lower(r.id) for r in mine if r.id}
        edges = {}
        for r in mine:
            if isinstance(r, DeployRes):
                continue
            for d in r.deps:
                if lower(d) not in ids:
                    fail("depends-resolves", f"{rel}: {r.type} {r.name} depends on {d}, not in this template")
            edges[lower(r.id)] = [lower(d) for d in r.deps]
        acyclic(edges, rel)


class DeployRes:
    def __init__(self, name):
        self.name, self.type = name, "Microsoft.Resources/deployments"
        self.id = resource_id(RG, self.type, [name])
        self.deps, self.props, self.tags, self.location = [], {}, {}, None
        self.tmpl, self.scope, self.identity = "main.json", None, None


def declared_ids(dep):
    """Resources, and the child resources ARM creates from a parent's
    inline collections (a VNet's subnets)."""
    ids = {lower(r.id) for r in dep.resources if r.id}
    for r in dep.resources:
        if r.type == "Microsoft.Network/virtualNetworks":
            for sn in r.props.get("subnets", []):
                ids.add(lower(f"{r.id}/subnets/{sn['name']}"))
    return ids


def check_ids(dep):
    ids = declared_ids(dep)
    for r in dep.resources:
        if isinstance(r, DeployRes):
            continue
        vals = list(strings(r.props)) + ([r.scope] if r.scope else []) + \
            [k for k in (r.identity or {}).get("userAssignedIdentities", {})]
        for s in vals:
            rid = s.rid if isinstance(s, SymObj) else s
            if not isinstance(rid, str) or not rid.startswith("/subscriptions/"):
                continue
            if "/providers/Microsoft.Authorization/roleDefinitions/" in rid and "/resourceGroups/" not in rid:
                if rid.rsplit("/", 1)[-1] not in ROLES:
                    fail("id-resolves", f"{r.tmpl}: {r.name}: unknown role definition {rid}")
                continue
            if r.id and lower(rid).startswith(lower(r.id) + "/"):
                # a part of this resource: its collection must hold the name
                coll, _, part = rid[len(r.id) + 1:].partition("/")
                if not any(x.get("name") == part for x in r.props.get(coll, []) if isinstance(x, dict)):
                    fail("id-resolves", f"{r.tmpl}: {r.type} {r.name} reads its own {coll}/{part}, which it lacks")
                continue
            if lower(rid) not in ids:
                fail("id-resolves", f"{r.tmpl}: {r.type} {r.name} reads {rid}, which no template declares")


def principal_of(v):
    """The resource whose identity a principalId expression reads."""
    if isinstance(v, SymObj) and re.search(r"\)\.(identity\.)?principalId$", v):
        return lower(v.rid)
    return None


def grants(dep):
    out = set()
    for r in dep.resources:
        if r.type == "Microsoft.Authorization/roleAssignments":
            role = ROLES.get(str(r.props.get("roleDefinitionId", "")).rsplit("/", 1)[-1], "?")
            out.add((principal_of(r.props.get("principalId")), role, lower(r.scope)))
        elif r.type == "Microsoft.Cache/redis/accessPolicyAssignments":
            parent = lower(resource_id(RG, "Microsoft.Cache/redis", [r.name.split("/")[0]]))
            out.add((principal_of(r.props.get("objectId")), "redis:" + r.props.get("accessPolicyName", "?"), parent))
    return out


def indexed(dep):
    """Resources by (type, tag, value) and app settings by name, built once:
    a lookup per service must not scan every resource (1,000 services make
    23,000 resources)."""
    if getattr(dep, "index", None) is None:
        dep.index, dep.configs = {}, {}
        for r in dep.resources:
            for k, v in r.tags.items():
                if isinstance(v, str):
                    dep.index.setdefault((r.type.lower(), k, v), []).append(r)
                    dep.index.setdefault(("*/*", k, v), []).append(r)
            if r.type == "Microsoft.Web/sites/config":
                dep.configs.setdefault(r.name, r)
    return dep


def by_tag(dep, rtype, key, value):
    """Resources of RTYPE ('*/*': any top-level type) tagged KEY=VALUE."""
    found = indexed(dep).index.get((rtype.lower(), key, value), [])
    return [r for r in found if rtype != "*/*" or r.type.count("/") == 1]


def app_settings(dep, site):
    cfg = indexed(dep).configs.get(f"{site.name}/appsettings")
    if cfg:
        return cfg.props
    return (site.props.get("siteConfig") or {}).get("appSettings") or {}


def check_roles(dep, model, env, out_dir):
    em = model["environments"][env]
    have = grants(dep)
    want = set()
    vault_by_name = {r.name: lower(r.id) for r in dep.resources if r.type == "Microsoft.KeyVault/vaults"}
    for name, s in em["services"].items():
        sites = by_tag(dep, "Microsoft.Web/sites", "service", name)
        if len(sites) != 1:
            fail("roles-match-spec", f"service {name}: {len(sites)} Web Apps")
            continue
        site = sites[0]
        if (site.identity or {}).get("type") not in ("SystemAssigned", "SystemAssigned, UserAssigned"):
            fail("roles-match-spec", f"service {name}: no system-assigned identity")
        sid = lower(site.id)
        settings = app_settings(dep, site)
        refs = [v for v in settings.values() if isinstance(v, str) and v.startswith("@Microsoft.KeyVault(")]
        if len(refs) != len(s["secrets"]):
            fail("kv-refs-backed", f"service {name}: {len(s['secrets'])} secrets, {len(refs)} Key Vault references")
        for v in refs:
            m = re.match(r"@Microsoft\.KeyVault\(VaultName=([^;]+);SecretName=([^)]+)\)$", v)
            vid = vault_by_name.get(m.group(1)) if m else None
            if not vid:
                fail("kv-refs-backed", f"service {name}: {v} names no vault of the deployment")
                continue
            want.add((sid, "Key Vault Secrets User", vid))
            if (sid, "Key Vault Secrets User", vid) not in have:
                fail("kv-refs-backed", f"service {name}: {v} but no Key Vault Secrets User on that vault")
        sql = ""
        for u in s["stores"]:
            st = em["stores"][u["store"]]
            targets = by_tag(dep, "*/*", "store", u["store"])
            if len(targets) != 1:
                fail("stores-configured", f"{name}: store {u['store']} is {len(targets)} resources")
                continue
            tid = lower(targets[0].id)
            hosts = [v for v in settings.values() if isinstance(v, SymObj) and lower(v.rid) == tid]
            if not hosts:
                fail("stores-configured", f"service {name}: no app setting locates store {u['store']}")
            role = IMPLIED.get((st["kind"], u["access"]))
            if role:
                want.add((sid, role, tid))
            elif st["kind"] == "sql":
                if not sql:
                    p = f"{out_dir}/{env}/manifests/azure/services/{name}.sql"
                    sql = open(p).read() if os.path.exists(p) else ""
                if f"CREATE USER [{site.name}] FROM EXTERNAL PROVIDER" not in sql or \
                        f"-- {name} in {env}: server {targets[0].name}." not in sql:
                    fail("stores-configured", f"service {name}: no contained user scripted in {targets[0].name}")
    # the edge reads its certificate with its user-assigned identity
    for agw in (r for r in dep.resources if r.type == "Microsoft.Network/applicationGateways"):
        uais = [lower(k) for k in (agw.identity or {}).get("userAssignedIdentities", {})]
        for c in agw.props.get("sslCertificates", []):
            sec = c.get("properties", {}).get("keyVaultSecretId")
            m = re.match(r"ref\(([^)]*)\)\.vaultUri", str(sec))
            if not m or len(uais) != 1:
                fail("roles-match-spec", f"App Gateway certificate {sec!r} is not read from a vault of the deployment")
                continue
            want.add((uais[0], "Key Vault Secrets User", lower(m.group(1))))
    for g in sorted(have - want, key=str):
        fail("roles-match-spec", f"a role the spec does not imply: {g}")
    for g in sorted(want - have, key=str):
        fail("roles-match-spec", f"a role the spec implies is missing: {g}")


def check_network(dep, model, env):
    vnets = [r for r in dep.resources if r.type == "Microsoft.Network/virtualNetworks"]
    if len(vnets) != 1:
        fail("private-endpoints", f"{len(vnets)} virtual networks")
        return
    vnet = vnets[0]
    subnets = {lower(resource_id(RG, "Microsoft.Network/virtualNetworks/subnets", [vnet.name, s["name"]]))
               for s in vnet.props.get("subnets", [])}
    links = {}
    for r in dep.resources:
        if r.type == "Microsoft.Network/privateDnsZones/virtualNetworkLinks":
            if lower(r.props.get("virtualNetwork", {}).get("id")) == lower(vnet.id):
                links[r.name.split("/")[0]] = True
    zone_groups = {}
    for r in dep.resources:
        if r.type == "Microsoft.Network/privateEndpoints/privateDnsZoneGroups":
            zs = [c["properties"]["privateDnsZoneId"] for c in r.props.get("privateDnsZoneConfigs", [])]
            zone_groups[r.name.split("/")[0]] = [str(z).rsplit("/", 1)[-1] for z in zs]
    pes = {}
    for r in dep.resources:
        if r.type == "Microsoft.Network/privateEndpoints":
            for c in r.props.get("privateLinkServiceConnections", []):
                pes.setdefault(lower(c["properties"]["privateLinkServiceId"]), []).append(r)
    for r in dep.resources:
        if r.props.get("publicNetworkAccess") != "Disabled":
            continue
        ok = False
        for pe in pes.get(lower(r.id), []):
            if lower(pe.props.get("subnet", {}).get("id")) not in subnets:
                continue
            if any(links.get(z) for z in zone_groups.get(pe.name, [])):
                ok = True
        if not ok:
            fail("private-endpoints", f"{r.type} {r.name}: public access off and no private endpoint "
                                      f"in {vnet.name} registered in a linked private DNS zone")


def check_regions(dep, model):
    # (none listed: the default geography, the United Kingdom)
    allowed = set(model["platform"]["residency"]["allowed-regions"]) or {"uksouth", "ukwest"}
    for r in dep.resources:
        if r.location is None or isinstance(r, DeployRes):
            continue
        if r.type.lower() in GLOBAL_TYPES:
            if str(r.location).lower() != "global":
                fail("regions", f"{r.type} {r.name} in {r.location}, expected global")
        elif r.location not in allowed:
            fail("regions", f"{r.type} {r.name} in {r.location}, not in {sorted(allowed)}")


def check_diagnostics(dep):
    workspaces = {lower(r.id) for r in dep.resources if r.type == "Microsoft.OperationalInsights/workspaces"}
    covered = {}
    for r in dep.resources:
        if r.type == "Microsoft.Insights/diagnosticSettings":
            if lower(r.props.get("workspaceId")) not in workspaces:
                fail("diagnostics", f"diagnostic setting on {r.scope} sends to no workspace of the deployment")
            if not r.props.get("logs") and not r.props.get("metrics"):
                fail("diagnostics", f"diagnostic setting on {r.scope} sends nothing")
            covered[lower(r.scope)] = True
    for r in dep.resources:
        if r.type.lower() in DIAGNOSABLE and not covered.get(lower(r.id)):
            fail("diagnostics", f"{r.type} {r.name} has no diagnostic settings")


def check_monitored(dep):
    comps = {lower(r.id) for r in dep.resources if r.type == "Microsoft.Insights/components"}
    for site in (r for r in dep.resources if r.type == "Microsoft.Web/sites"):
        v = app_settings(dep, site).get("APPLICATIONINSIGHTS_CONNECTION_STRING")
        if not (isinstance(v, SymObj) and lower(v.rid) in comps and v.endswith(".ConnectionString")):
            fail("apps-monitored", f"Web App {site.name} is not connected to Application Insights")


def check_parents(dep):
    ids = {lower(r.id) for r in dep.resources if r.id}
    for r in dep.resources:
        segs = r.type.split("/")
        if r.scope or len(segs) <= 2 or not r.id:
            continue
        parent = resource_id(RG, "/".join(segs[:-1]), r.name.split("/")[:-1])
        if lower(parent) not in ids:
            fail("children-have-parents", f"{r.type} {r.name}: parent {parent} is not declared")


# App Service plan tiers: the tier ARM expects for a SKU, and the most
# instances a plan of it runs (Azure's App Service limits)
def tier_of(sku):
    if re.fullmatch(r"B[1-3]", sku):
        return "Basic", 3
    if re.fullmatch(r"S[1-3]", sku):
        return "Standard", 10
    if re.fullmatch(r"P[0-3]v3", sku):
        return "PremiumV3", 30
    if re.fullmatch(r"P[1-5]mv3", sku):
        return "PremiumMV3", 30
    return None, 0


def check_plans(dep, model, env):
    spec = model["environments"][env]["plan"]
    plans = {lower(r.id): r for r in dep.resources if r.type == "Microsoft.Web/serverfarms"}
    tier, most = tier_of(spec["sku"])
    for p in plans.values():
        sku = p.sku or {}
        if sku.get("name") != spec["sku"] or sku.get("tier") != tier:
            fail("plan-matches-spec", f"plan {p.name} is {sku.get('name')}/{sku.get('tier')}, "
                                      f"the spec says {spec['sku']}/{tier}")
    on = {}
    for name, s in model["environments"][env]["services"].items():
        for site in by_tag(dep, "Microsoft.Web/sites", "service", name):
            pid = lower(site.props.get("serverFarmId"))
            if pid not in plans:
                fail("plan-matches-spec", f"Web App {site.name} runs on no plan of the deployment")
                continue
            on.setdefault(pid, []).append((site, s))
    for pid, sites in on.items():
        plan = plans[pid]
        cap = (plan.sku or {}).get("capacity")
        if spec["shared"]:
            # one for the services, one for the connectors (a plan leaves by
            # one subnet, and only theirs reaches the internet)
            kinds = {s["kind"] == "connector" for _, s in sites}
            conns = any(s["kind"] == "connector" for s in model["environments"][env]["services"].values())
            if len(plans) != 1 + conns or len(kinds) != 1 or \
                    plan.props.get("perSiteScaling") is not True or cap != spec["instances"]:
                fail("plan-matches-spec", f"plan {plan.name}: not one shared per-app-scaling plan of "
                                          f"{spec['instances']} instances (and one for the connectors)")
            for site, s in sites:
                w = (site.props.get("siteConfig") or {}).get("numberOfWorkers")
                if w != s["scaling"]["min"]:
                    fail("plan-matches-spec", f"Web App {site.name} on {w} workers, scaling.min is "
                                              f"{s['scaling']['min']}")
        elif len(sites) != 1 or cap != sites[0][1]["scaling"]["min"]:
            fail("plan-matches-spec", f"plan {plan.name} holds {len(sites)} Web Apps at capacity {cap}: "
                                      "the spec gives each service its own plan of scaling.min")
    for r in dep.resources:
        if r.type != "Microsoft.Insights/autoscalesettings":
            continue
        target = lower(r.props.get("targetResourceUri"))
        if spec["shared"] and target in plans:
            fail("plan-matches-spec", f"{r.name} autoscales the shared plan")
        for prof in r.props.get("profiles", []):
            if int(prof["capacity"]["maximum"]) > most:
                fail("plan-matches-spec", f"{r.name} scales to {prof['capacity']['maximum']}, "
                                          f"a {tier} plan to {most}")


def nsg_allows(rules, inbound, src, dst_asgs, dst, port):
    """Does an NSG let traffic from SRC (a prefix, or 'Internet') to DST (a
    prefix or 'Internet', its ASGs DST_ASGS) on PORT?  Rules in priority
    order, then Azure's defaults (the VNet and, out, the internet)."""
    vnet = ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("172.16.0.0/12"), \
        ipaddress.ip_network("192.168.0.0/16")

    def addr_in(a, rule_prefix):
        if rule_prefix == "*":
            return True
        if a == "Internet":
            return rule_prefix == "Internet"
        if rule_prefix == "VirtualNetwork":
            return any(ipaddress.ip_network(a).subnet_of(n) for n in vnet)
        try:
            return ipaddress.ip_network(a).subnet_of(ipaddress.ip_network(rule_prefix))
        except ValueError:   # a service tag other than these
            return False

    def matches(p, side, a, asgs):
        groups = p.get(f"{side}ApplicationSecurityGroups")
        if groups is not None:
            return bool({lower(g["id"]) for g in groups} & asgs)
        prefixes = p.get(f"{side}AddressPrefixes") or [p.get(f"{side}AddressPrefix")]
        return any(addr_in(a, x) for x in prefixes if x)

    def port_in(p):
        ranges = p.get("destinationPortRanges") or [p.get("destinationPortRange", "*")]
        for x in ranges:
            lo, _, hi = str(x).partition("-")
            if x == "*" or (lo.isdigit() and int(lo) <= port <= int(hi or lo)):
                return True
        return False
    direction = "Inbound" if inbound else "Outbound"
    for r in sorted(rules, key=lambda r: r["properties"]["priority"]):
        p = r["properties"]
        if p["direction"] != direction or p.get("protocol") not in ("Tcp", "*") or not port_in(p):
            continue
        if matches(p, "source", src, set()) and matches(p, "destination", dst, dst_asgs):
            return p["access"] == "Allow"
    if inbound:   # AllowVnetInBound, DenyAllInBound
        return src != "Internet" and dst != "Internet"
    return True   # AllowVnetOutBound, AllowInternetOutBound


def check_access(dep, model, env):
    em = model["environments"][env]
    vnets = [r for r in dep.resources if r.type == "Microsoft.Network/virtualNetworks"]
    if len(vnets) != 1:
        return
    vnet = vnets[0]
    subnets = {lower(resource_id(RG, "Microsoft.Network/virtualNetworks/subnets", [vnet.name, x["name"]])):
               x.get("properties", {}) for x in vnet.props.get("subnets", [])}
    nsgs = {lower(r.id): r.props.get("securityRules", []) for r in dep.resources
            if r.type == "Microsoft.Network/networkSecurityGroups"}

    def rules_of(subnet_id):
        sp = subnets.get(lower(subnet_id))
        if sp is None:
            return None
        return nsgs.get(lower((sp.get("networkSecurityGroup") or {}).get("id")), [])
    # the edge's subnets, read off App Gateway and APIM themselves
    edge = set()
    for r in dep.resources:
        if r.type == "Microsoft.Network/applicationGateways":
            for c in r.props.get("gatewayIPConfigurations", []):
                edge.add(lower(c["properties"]["subnet"]["id"]))
        elif r.type == "Microsoft.ApiManagement/service":
            edge.add(lower((r.props.get("virtualNetworkConfiguration") or {}).get("subnetResourceId")))
    site_of, out_subnet = {}, {}
    for name, s in em["services"].items():
        sites = by_tag(dep, "Microsoft.Web/sites", "service", name)
        if len(sites) != 1:
            continue
        site = sites[0]
        site_of[name] = site
        sn = lower(site.props.get("virtualNetworkSubnetId"))
        out_subnet[name] = sn
        rules = rules_of(sn)
        if rules is None:
            fail("egress-connectors", f"{site.name}: integration subnet {sn} is not in the VNet")
            continue
        if (site.props.get("siteConfig") or {}).get("vnetRouteAllEnabled") is not True:
            fail("egress-connectors", f"{site.name}: traffic to the internet bypasses the VNet (vnetRouteAllEnabled)")
        prefix = subnets[sn]["addressPrefix"]
        out = nsg_allows(rules, False, prefix, set(), "Internet", 443)
        if out != (s["kind"] == "connector"):
            fail("egress-connectors", f"{site.name} ({s['kind']}) {'may' if out else 'may not'} reach the internet")
    pes = {}
    for r in dep.resources:
        if r.type == "Microsoft.Network/privateEndpoints":
            for c in r.props.get("privateLinkServiceConnections", []):
                pes.setdefault(lower(c["properties"]["privateLinkServiceId"]), []).append(r)
    callers = {n: set() for n in em["services"]}
    for n, s in em["services"].items():
        for d in s["depends-on"]:
            if d in callers:
                callers[d].add(n)
    sources = {sn: subnets[sn]["addressPrefix"] for sn in set(out_subnet.values()) | edge if sn in subnets}
    for name, site in site_of.items():
        s = em["services"][name]
        want = {out_subnet[c] for c in callers[name] if c in out_subnet}
        if any(not r.get("internal") for r in s.get("routes", [])):
            want |= edge
        for pe in pes.get(lower(site.id), []):
            sn = lower(pe.props.get("subnet", {}).get("id"))
            policies = subnets.get(sn, {}).get("privateEndpointNetworkPolicies")
            rules = rules_of(sn) if policies in ("Enabled", "NetworkSecurityGroupEnabled") else []
            asgs = {lower(g["id"]) for g in pe.props.get("applicationSecurityGroups", [])}
            dst = subnets.get(sn, {}).get("addressPrefix", "10.0.0.0/32")
            got = {x for x, prefix in sources.items() if nsg_allows(rules or [], True, prefix, asgs, dst, 443)}
            for x in sorted(got - want):
                fail("callers-admitted", f"{site.name}'s endpoint admits {x.rsplit('/', 1)[-1]}, "
                                         "which holds none of its callers")
            for x in sorted(want - got):
                fail("callers-admitted", f"{site.name}'s endpoint shuts out {x.rsplit('/', 1)[-1]}, "
                                         "where a caller (or the edge) is")


ZONAL = {"uksouth", "northeurope", "westeurope", "francecentral", "germanywestcentral",
         "switzerlandnorth", "norwayeast", "swedencentral", "polandcentral", "italynorth",
         "spaincentral", "eastus", "eastus2", "centralus", "southcentralus", "westus2",
         "westus3", "canadacentral", "brazilsouth", "australiaeast", "eastasia",
         "southeastasia", "japaneast", "koreacentral", "centralindia", "uaenorth",
         "southafricanorth", "qatarcentral", "israelcentral"}  # Azure's AZ regions
APIM_OFF = ["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30", "Backend.Protocols.Tls10",
            "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30", "Ciphers.TripleDes168"] + \
    [f"Ciphers.TLS_{x}" for x in (
        "ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "RSA_WITH_AES_256_GCM_SHA384", "RSA_WITH_AES_128_GCM_SHA256", "RSA_WITH_AES_256_CBC_SHA256",
        "RSA_WITH_AES_128_CBC_SHA256", "RSA_WITH_AES_256_CBC_SHA", "RSA_WITH_AES_128_CBC_SHA")]


def check_baseline(dep, model, env):
    region = model["environments"][env]["region"]
    blob = {r.name.split("/")[0]: r.props for r in dep.resources
            if r.type == "Microsoft.Storage/storageAccounts/blobServices" and r.name.endswith("/default")}
    pips = {lower(r.id): r for r in dep.resources if r.type == "Microsoft.Network/publicIPAddresses"}
    for r in dep.resources:
        if r.type == "Microsoft.Storage/storageAccounts":
            b = blob.get(r.name, {})
            for k in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy"):
                if not (b.get(k) or {}).get("enabled"):
                    fail("baseline-gaps", f"storage account {r.name}: no {k}")
        elif r.type == "Microsoft.ApiManagement/service":
            cp = {k.rsplit("Gateway.Security.", 1)[-1]: str(v).lower()
                  for k, v in (r.props.get("customProperties") or {}).items()}
            for k in APIM_OFF:
                if cp.get(k) != "false":
                    fail("baseline-gaps", f"APIM {r.name}: {k} is not off")
        elif r.type == "Microsoft.ApiManagement/service/apis":
            if not r.props.get("displayName") or not r.props.get("description"):
                fail("baseline-gaps", f"API {r.name}: no display name and description")
        elif r.type == "Microsoft.Network/applicationGateways" and region in ZONAL:
            ip_ids = [lower(c["properties"]["publicIPAddress"]["id"])
                      for c in r.props.get("frontendIPConfigurations", []) if "publicIPAddress" in c["properties"]]
            for x in [r] + [pips[i] for i in ip_ids if i in pips]:
                if sorted(x.raw.get("zones") or []) != ["1", "2", "3"]:
                    fail("baseline-gaps", f"{x.type} {x.name} is not in zones 1-3 of {region}")


def check_zones(dep):
    for r in dep.resources:
        if isinstance(r, DeployRes) or not isinstance(r.location, str):
            continue
        if r.location in ZONAL or r.type.lower() in GLOBAL_TYPES:
            continue
        sku = (r.sku or {}).get("name", "") if isinstance(r.sku, dict) else ""
        asks = [what for what, yes in (
            ("zones", bool(r.raw.get("zones"))),
            ("zoneRedundant", r.props.get("zoneRedundant") is True),
            (f"SKU {sku}", "ZRS" in str(sku).upper()))
            if yes]
        if asks:
            fail("zones-exist", f"{r.type} {r.name} in {r.location} asks for {', '.join(asks)}, "
                                "but the region has no availability zones")


def main():
    out, env = sys.argv[1], sys.argv[2]
    model = json.load(open(f"{out}/model.json"))
    dep = Deployment(f"{out}/{env}")
    if not os.path.isfile(f"{out}/{env}/main.json"):
        fail("params-fed", f"no {env}/main.json")
    else:
        pf = f"{out}/{env}/main.parameters.json"
        fed = {k: v["value"] for k, v in json.load(open(pf))["parameters"].items()} \
            if os.path.isfile(pf) else {}
        if os.path.isfile(f"{out}/{env}/deploy.sh"):  # what deploy.sh adds
            dep.specs = arm_limits.check_units(f"{out}/{env}", lambda what: fail("arm-limits", what))
            fed.update(arm_limits.deploy_parameters(f"{out}/{env}"))
        dep.run("main.json", fed, "main")
        check_roles(dep, model, env, out)
        for check in (check_ids, check_zones, check_diagnostics, check_monitored, check_parents):
            check(dep)
        for check in (check_network, check_plans, check_access, check_baseline):
            check(dep, model, env)
        arm_limits.check_appgw(dep.resources, lambda what: fail("appgw-limits", what))
        arm_names.check_names(dep.resources, lambda what: fail("names-fed", what))
        check_regions(dep, model)
    for a, what in failures:
        print(f"FAIL {a}: {what}")
    n = len(dep.resources)
    print(f"{env}: {n} resources in {len(dep.templates)} templates, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
