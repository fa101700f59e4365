#!/usr/bin/python3
"""allkeys.py TOPOC SPEC OUT - every spec key that reaches a manifest is in it.

`topoc schema` lists every key of the language.  KEYS below says, for each,
where its value lands: in the Azure templates (main.json, the environment's
and the services' templates), in the Kubernetes documents, both, or neither
(with the reason: the gateway's, the docs', the checker's...).  The test
fails when
  - a key of the schema is not in KEYS (a new key must say where it goes),
  - a key that reaches a manifest is not set in SPEC (tests/manifests/allkeys
    sets every one of them to a value found nowhere else),
  - its value, as the resolved model holds it per environment
    (OUT/model.json), is not found in the documents it must reach.
A value is looked for as a (key, value) pair of the parsed documents, or
with '~' as a key that contains the text: a key silently dropped on the way
(the HPA without its rule's step, say) fails here.
"""
import glob
import json
import os
import subprocess
import sys

import yaml

AZ, K8S = "azure", "kubernetes"
failures = []


def pairs(doc, out):
    """(key, scalar) for every scalar in DOC, and (key, '*') for every key."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.add((k, "*"))
            if isinstance(v, (dict, list)):
                pairs(v, out)
                if isinstance(v, list):
                    for x in v:
                        if not isinstance(x, (dict, list)):
                            out.add((k, json.dumps(x)))
                        if isinstance(x, str) and "\n" in x:  # embedded YAML
                            pairs(yaml.safe_load(x), out)
            else:
                out.add((k, json.dumps(v)))
                if isinstance(v, str) and "\n" in v:  # embedded YAML
                    try:
                        pairs(yaml.safe_load(v), out)
                    except yaml.YAMLError:
                        pass
    elif isinstance(doc, list):
        for x in doc:
            pairs(x, out)
    return out


class Docs:
    """One environment's documents, whole and per service."""

    def __init__(self, out, env):
        base = f"{out}/{env}"
        self.az, self.k8s, self.svc = set(), set(), {}
        for f in [f"{base}/main.json", f"{base}/manifests/azure/environment.json"] + \
                sorted(glob.glob(f"{base}/manifests/azure/stores-*.json")) + \
                sorted(glob.glob(f"{base}/manifests/azure/teams-*.json")):
            pairs(json.load(open(f)), self.az)
        for f in glob.glob(f"{base}/manifests/azure/services/*.json"):
            n = os.path.basename(f)[:-5]
            self.svc.setdefault(n, {AZ: set(), K8S: set()})
            pairs(json.load(open(f)), self.svc[n][AZ])
            self.az |= self.svc[n][AZ]
        for f in [f"{base}/manifests/kubernetes/namespace.yaml"] + \
                glob.glob(f"{base}/manifests/kubernetes/services/*.yaml"):
            n = os.path.basename(f)[:-5]
            got = set()
            for d in yaml.safe_load_all(open(f)):
                pairs(d, got)
            self.svc.setdefault(n, {AZ: set(), K8S: set()})[K8S] |= got
            self.k8s |= got

    def has(self, family, needle, service=None):
        got = (self.svc[service][family] if service else
               (self.az if family == AZ else self.k8s))
        k, v = needle
        if k.endswith("~"):  # V, or any of a tuple of spellings
            vs = v if isinstance(v, tuple) else (v,)
            return any(a == k[:-1] and any(str(x) in b for x in vs) for a, b in got)
        return (k, "*" if v == "*" else json.dumps(v)) in got


def iso(s):
    return f"PT{s // 3600}H" if s % 3600 == 0 else f"PT{s // 60}M" if s % 60 == 0 else f"PT{s}S"


SCALE_METRIC = {"cpu": "CpuPercentage", "memory": "MemoryPercentage", "requests-per-second": "Requests",
                "http-queue-length": "HttpQueueLength", "queue-length": "HttpQueueLength"}
ALERT_METRIC = {"requests": "Requests", "http-5xx": "Http5xx", "response-time": "HttpResponseTime",
                "memory": "MemoryPercentage", "queue-length": "HttpQueueLength", "cpu": "CpuPercentage"}
STORE_TYPE = {"sql": "Microsoft.Sql/servers", "blob": "Microsoft.Storage/storageAccounts",
              "queue": "Microsoft.Storage/storageAccounts", "key-vault": "Microsoft.KeyVault/vaults",
              "cache": "Microsoft.Cache/redis"}


def up(name):
    return name.upper().replace("-", "_")


def rule_needles(r):
    per = 60 if r["metric"] == "requests-per-second" else 1
    k8s_metric = ("name", r["metric"]) if r["metric"] in ("cpu", "memory") else \
        ("name", r["metric"].replace("-", "_"))
    target = ("averageUtilization", r["above"]) if r["metric"] in ("cpu", "memory") else \
        ("averageValue", str(r["above"]))
    return {
        "metric": {AZ: [("metricName", SCALE_METRIC[r["metric"]])], K8S: [k8s_metric]},
        "above": {AZ: [("threshold", r["above"] * per)], K8S: [target]},
        "below": {AZ: [("threshold", r.get("below", r["above"] // 2) * per)]},
        "step": {AZ: [("value", str(r["step"]))], K8S: [("value", r["step"])]},
        "cooldown": {AZ: [("cooldown", iso(r["cooldown"]))], K8S: [("periodSeconds", r["cooldown"])]},
    }


def alert_needles(a):
    n = {"name": {AZ: [("name", a["name"])]},
         "metric": {AZ: [("metricName", ALERT_METRIC[a["metric"]])]},
         "window": {AZ: [("windowSize", iso(a["window"]))]},
         "severity": {AZ: [("severity", a["severity"])]},
         "notify": {AZ: [("actionGroupId~", f"'{a['notify']}'")]}}
    if "dynamic" in a:
        n["dynamic"] = {AZ: [("alertSensitivity", a["dynamic"].capitalize())]}
    if "above" in a:
        n["above"] = {AZ: [("threshold", a["above"])]}
    return n


def service_needles(plat, env, s, em):
    """key (below the service) -> {family: [needles]} for service S."""
    rt, sc = s["runtime"], s["scaling"]
    auto = bool(sc["rules"]) and sc["min"] != sc["max"]
    n = {
        "service": {AZ: [("name", f"{plat}-{env}-{s['name']}")], K8S: [("app.kubernetes.io/name", s["name"])]},
        "kind": {K8S: [("topoc.io/kind", s["kind"])]},
        "team": {AZ: [("team", s["team"])], K8S: [("topoc.io/team", s["team"])]},
        "runtime.image": {AZ: [("linuxFxVersion", f"DOCKER|{rt['image']}")], K8S: [("image", rt["image"])]},
        "runtime.port": {AZ: [("WEBSITES_PORT", str(rt["port"]))], K8S: [("containerPort", rt["port"])]},
        "runtime.cpu": {K8S: [("cpu", f"{rt['cpu']}m")]},
        "runtime.memory": {K8S: [("memory", f"{rt['memory'] >> 20}Mi")]},
        "runtime.health-path": {AZ: [("healthCheckPath", rt["health-path"])], K8S: [("path", rt["health-path"])]},
        "scaling.min": {AZ: [("minimum", str(sc["min"]))] if auto else [],
                        K8S: [("minReplicas", sc["min"])] if auto else [("replicas", sc["min"])]},
        "scaling.max": {AZ: [("maximum", str(sc["max"]))] if auto else [],
                        K8S: [("maxReplicas", sc["max"])] if auto else []},
        "depends-on": {K8S: [("app.kubernetes.io/name", d) for d in s["depends-on"]]},
        "stores[].store": {AZ: [(f"STORE_{up(u['store'])}_HOST", "*") for u in s["stores"]],
                           K8S: [(f"STORE_{up(u['store'])}_HOST", "*") for u in s["stores"]]},
        "stores[].access": {AZ: [(f"STORE_{up(u['store'])}_ACCESS", u["access"]) for u in s["stores"]]},
        "secrets[].name": {AZ: [(x["name"], "*") for x in s["secrets"]], K8S: [("key", x["name"]) for x in s["secrets"]]},
        "secrets[].key-vault-secret": {AZ: [(x["name"] + "~", x["key-vault-secret"]) for x in s["secrets"]],
                                       K8S: [("objectName", x["key-vault-secret"]) for x in s["secrets"]]},
        "settings": {AZ: [(k, v) for k, v in s["settings"].items()], K8S: [("value", v) for v in s["settings"].values()]},
    }
    if not auto:  # min == max: the plan's workers, or its own plan's size
        n["scaling.min"][AZ] = [("capacity", sc["min"])] if not em["plan"]["shared"] else [("numberOfWorkers", sc["min"])]
    for r in sc["rules"] if auto else []:
        for k, v in rule_needles(r).items():
            for fam, ns in v.items():
                n.setdefault(f"scaling.rules[].{k}", {}).setdefault(fam, []).extend(ns)
    for a in s["alerts"]:
        for k, v in alert_needles(a).items():
            for fam, ns in v.items():
                n.setdefault(f"alerts[].{k}", {}).setdefault(fam, []).extend(ns)
    return n


def store_needles(st, named):
    red = {"lrs": "Standard_LRS", "grs": "Standard_GRS", "zrs": "Standard_ZRS", "gzrs": "Standard_GZRS"}
    n = {"kind": {AZ: [("type", STORE_TYPE[st["kind"]])]},
         "region": {AZ: [("location", st["region"])]}}
    if st["kind"] in ("blob", "queue"):
        n["redundancy"] = {AZ: [("name", red.get(st["redundancy"], st["redundancy"]))]}
    elif st["kind"] == "sql":
        n["redundancy"] = {AZ: [("zoneRedundant", "zrs" in st["redundancy"] or "z" in st["redundancy"])]}
    elif st["kind"] == "cache" and "z" in st["redundancy"]:
        n["redundancy"] = {AZ: [("zones", "1")]}
    if st.get("resource-name") and named:  # the spec's, not topoc's default
        rn = st["resource-name"]
        n["resource-name"] = {AZ: [("name~", (rn, rn.replace("-", "")))]}
    if st.get("sku"):
        n["sku"] = {AZ: [("name", st["sku"])]}
    if st.get("failover-region"):
        n["failover-region"] = {AZ: [("location", st["failover-region"]), ("type", "Microsoft.Sql/servers/failoverGroups")]}
    if st.get("backup-region"):
        n["backup-region"] = {AZ: [("requestedBackupStorageRedundancy~", "Geo")]}
    return n


# Where each key of the language goes: "manifest" (looked for), or why not.
NOT = {
    "description": "docs", "topoc": "the language version", "group": "docs and diagrams",
    "ingress": "the gateway (routes.json, nginx, the Azure edge)", "routes": "the gateway",
    "openapi": "the checker and the gateway's tests", "connector": "the checker (responsibilities)",
    "egress": "the checker (egress-not-connector); a connector's internet egress follows its kind",
    "single-environment": "which environments hold the service (the files it has)",
    "environments": "overrides: each overridden value is looked for as resolved",
    "waivers": "the checker", "policy": "the checker", "edge": "the gateway",
    "sources": "the checker and the docs (connectors reach the internet by kind)",
    "residency.geography": "narrows the regions, whose list main.json carries (allowed-regions)",
    "residency.global-services": "the checker", "domain": "the gateway's hosts",
    "peered-with": "refused at build: no peering is created",
    "teams": "a map of teams: their emails are looked for", "stores.NAME.environments": "overrides",
    "platform": "every resource name carries it (looked for through the service names)",
}


def classify(path):
    """'manifest' or the reason it reaches none."""
    doc, _, key = path.partition(":")
    if doc == "waivers":
        return NOT["waivers"]
    for last in ("domain", "peered-with"):
        if key.endswith("." + last):
            return NOT[last]
    if key == "stores" or key == "stores.NAME.environments" or \
            key.startswith("stores.NAME.environments."):
        return "a map or list: its keys are looked for"
    for prefix, why in NOT.items():
        if key == prefix or key.startswith(prefix + ".") or key.startswith(prefix + "["):
            if prefix == "environments" and doc == "platform":
                break
            if prefix == "teams" and key.endswith(".email"):
                break
            return why
    if key in ("runtime", "scaling", "scaling.rules", "alerts", "stores", "secrets", "environments",
               "environments.NAME.plan", "residency", "teams", "stores.NAME", "settings"):
        return "manifest" if key in ("stores", "settings") else "a map or list: its keys are looked for"
    return "manifest"


def schema_paths(topoc):
    out, doc = [], None
    for line in subprocess.run([topoc, "schema"], capture_output=True, text=True, check=True).stdout.splitlines():
        if line.startswith("# "):
            doc = line.split()[1]
        elif line.strip():
            out.append(f"{doc}:{line.split(chr(9))[0]}")
    return out


def main():
    topoc, spec, out = sys.argv[1:4]
    model = json.load(open(f"{out}/model.json"))
    plat = model["platform"]["name"]
    paths = schema_paths(topoc)
    written, renamed = set(), set()
    for f in glob.glob(f"{spec}/**/*.yaml", recursive=True):
        for d in yaml.safe_load_all(open(f)):
            doc = "platform" if "platform" in d else "service"
            for n, st in (d.get("stores") or {}).items() if doc == "platform" else []:
                if "resource-name" in json.dumps(st):
                    renamed.add(n)
            stack = [(d, "")]
            while stack:
                v, p = stack.pop()
                if isinstance(v, dict):
                    for k, x in v.items():
                        parent = p.rsplit(".", 1)[-1]
                        named = parent in ("environments", "stores", "teams", "sources") and \
                            (doc == "platform" and p.count(".") == 0 or p.endswith("stores.NAME.environments"))
                        key = "NAME" if named else k
                        q = f"{p}.{key}" if p else key
                        written.add(f"{doc}:{q}")
                        stack.append((x, q))
                elif isinstance(v, list):
                    for x in v:
                        stack.append((x, p + "[]"))
    wanted = []
    for p in paths:
        why = classify(p)
        if why == "manifest":
            wanted.append(p)
            doc, key = p.split(":", 1)
            where = "stores.NAME.environments.NAME." + key[len("stores.NAME."):] \
                if key.startswith("stores.NAME.") else "environments.NAME." + key
            if p not in written and f"{doc}:{where}" not in written:
                failures.append(f"{p} reaches a manifest but {spec} does not set it")
    found = {}
    for env, em in model["environments"].items():
        docs = Docs(out, env)
        for name, s in em["services"].items():
            for key, fams in service_needles(plat, env, s, em).items():
                for fam, needles in fams.items():
                    for nd in needles:
                        ok = docs.has(fam, nd, name)
                        found.setdefault(f"service:{key}", []).append(ok)
                        if not ok:
                            failures.append(f"{env}: service {name}'s {key} ({nd[0]}: {nd[1]}) is not in its {fam} documents")
        for name, st in em["stores"].items():
            for key, fams in store_needles(st, name in renamed).items():
                for fam, needles in fams.items():
                    for nd in needles:
                        ok = docs.has(fam, nd)
                        found.setdefault(f"platform:stores.NAME.{key}", []).append(ok)
                        if not ok:
                            failures.append(f"{env}: store {name}'s {key} ({nd[0]}: {nd[1]}) is not in the {fam} documents")
        plan = em["plan"]
        env_needles = {
            "platform:environments.NAME.region": [(AZ, ("defaultValue", em["region"]))],
            "platform:environments.NAME.address-space": [(AZ, ("addressPrefixes", em["address-space"]))],
            "platform:environments.NAME.plan.sku": [(AZ, ("name", plan["sku"]))],
            "platform:environments.NAME.plan.shared": [(AZ, ("perSiteScaling", True))] if plan["shared"] else [],
            "platform:environments.NAME.plan.instances": [(AZ, ("capacity", plan["instances"]))] if plan["shared"] else [],
            "platform:environments.NAME.failover-region": [(AZ, ("location", em["failover-region"]))]
            if em.get("failover-region") else [],
            "platform:teams.NAME.email": [(AZ, ("emailAddress", e)) for t in model["platform"]["teams"].values()
                                          for e in t["email"]],
            "platform:residency.allowed-regions": [(AZ, ("allowedValues", r))
                                                   for r in model["platform"]["residency"].get("allowed-regions", [])],
        }
        for key, needles in env_needles.items():
            for fam, nd in needles:
                ok = docs.has(fam, nd)
                found.setdefault(key, []).append(ok)
                if not ok:
                    failures.append(f"{env}: {key} ({nd[0]}: {nd[1]}) is not in the {fam} documents")
    for p in wanted:  # a manifest key no needle covers is a hole
        if p not in found:
            failures.append(f"{p} reaches a manifest but the test looks for it nowhere")
    for f in sorted(set(failures)):
        print(f"FAIL {f}")
    print(f"{len(wanted)} keys reach a manifest, {len(paths) - len(wanted)} do not; {len(set(failures))} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
