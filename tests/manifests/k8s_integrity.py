#!/usr/bin/python3
"""k8s_integrity.py OUT ENV [--mutate NAME] - reads ENV's Kubernetes
documents as the API server and a NetworkPolicy plugin would, and checks
them against the spec in OUT/model.json.  Independent of topoc's emitters.

Assertions:
  refs-exist         every ServiceAccount, ConfigMap, Secret (made by a
                     SecretProviderClass's secretObjects) and
                     SecretProviderClass a workload names exists in its
                     namespace, with the keys it reads
  selectors-match    every NetworkPolicy's podSelector, and every pod peer,
                     selects at least one workload
  graph-exact        the service -> service connections the policies admit
                     (egress of the caller AND ingress of the callee, both
                     needed) are exactly the spec's dependencies
  default-deny       the namespace denies ingress and egress by default
  internet-connectors  only connectors may reach addresses outside the
                     cluster and the VNet's private endpoints
  stores-as-config   every store a service uses reaches it as configuration
  hpa-matches-rules  an autoscaled service has one HPA whose bounds, metric
                     targets (`above`) and behavior policies (`step` pods per
                     `cooldown`, up and down; scale-in stabilised for the
                     longest cooldown) are its scaling rules'; a service
                     that does not autoscale has none

--mutate NAME breaks the documents in memory first (see MUTATIONS); the
test runs each one and expects its assertion to fail.
"""
import glob
import ipaddress
import json
import sys

import yaml

failures = []


def fail(a, what):
    failures.append((a, what))


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).get("matchLabels", {}).items())


def load(out, env):
    docs = []
    base = f"{out}/{env}/manifests/kubernetes"
    for p in [f"{base}/namespace.yaml"] + sorted(glob.glob(f"{base}/services/*.yaml")):
        docs += [d for d in yaml.safe_load_all(open(p)) if d]
    return docs


def check(docs, model, env):
    em = model["environments"][env]
    by = {}
    for d in docs:
        by.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
    deps = by.get("Deployment", {})
    pods = {n: d["spec"]["template"]["metadata"]["labels"] for n, d in deps.items()}
    # refs-exist
    synced = {}
    for spc in by.get("SecretProviderClass", {}).values():
        objs = yaml.safe_load(spc["spec"]["parameters"]["objects"])["array"]
        aliases = {yaml.safe_load(o).get("objectAlias") or yaml.safe_load(o)["objectName"] for o in objs}
        for so in spc["spec"].get("secretObjects", []):
            keys = {x["key"] for x in so["data"] if x["objectName"] in aliases}
            synced[so["secretName"]] = (spc["metadata"]["name"], keys)
    for n, d in deps.items():
        ps = d["spec"]["template"]["spec"]
        if ps.get("serviceAccountName") not in by.get("ServiceAccount", {}):
            fail("refs-exist", f"{n}: ServiceAccount {ps.get('serviceAccountName')} missing")
        spcs = [v["csi"]["volumeAttributes"]["secretProviderClass"] for v in ps.get("volumes", []) if "csi" in v]
        for s in spcs:
            if s not in by.get("SecretProviderClass", {}):
                fail("refs-exist", f"{n}: SecretProviderClass {s} missing")
        for c in ps["containers"]:
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    src = synced.get(ref["name"])
                    if not src or ref["key"] not in src[1] or src[0] not in spcs:
                        fail("refs-exist", f"{n}: Secret {ref['name']}/{ref['key']} is made by no mounted SecretProviderClass")
            for ef in c.get("envFrom", []):
                cm = ef.get("configMapRef", {}).get("name")
                if cm and cm not in by.get("ConfigMap", {}):
                    fail("refs-exist", f"{n}: ConfigMap {cm} missing")
    # stores-as-config
    for n, s in em["services"].items():
        d = deps.get(n)
        if not d:
            fail("graph-exact", f"service {n} has no Deployment")
            continue
        data = {}
        for c in d["spec"]["template"]["spec"]["containers"]:
            for ef in c.get("envFrom", []):
                data.update(by.get("ConfigMap", {}).get(ef.get("configMapRef", {}).get("name"), {}).get("data", {}))
        for u in s["stores"]:
            key = "STORE_" + u["store"].upper().replace("-", "_") + "_HOST"
            if not data.get(key):
                fail("stores-as-config", f"{n}: store {u['store']} is not in its configuration")
    check_hpa(by, em)
    # policies
    pols = list(by.get("NetworkPolicy", {}).values())
    deny_in = any(p["spec"]["podSelector"] == {} and "Ingress" in p["spec"]["policyTypes"] and not p["spec"].get("ingress") for p in pols)
    deny_out = any(p["spec"]["podSelector"] == {} and "Egress" in p["spec"]["policyTypes"] for p in pols)
    if not (deny_in and deny_out):
        fail("default-deny", f"default deny: ingress {deny_in}, egress {deny_out}")
    # pods by label, so a selector is an intersection of sets, not a scan
    # of every workload (1,000 services, a few thousand peers)
    by_label = {}
    for n, ls in pods.items():
        for kv in ls.items():
            by_label.setdefault(kv, set()).add(n)

    def selected(selector):
        items = list((selector or {}).get("matchLabels", {}).items())
        if not items:
            return set(pods)
        return set.intersection(*(by_label.get(kv, set()) for kv in items))

    for p in pols:
        sel = p["spec"]["podSelector"]
        if sel and not selected(sel):
            fail("selectors-match", f"NetworkPolicy {p['metadata']['name']} selects no workload")
        for r in p["spec"].get("ingress", []) + p["spec"].get("egress", []):
            for peer in r.get("from", []) + r.get("to", []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    ls = peer["podSelector"].get("matchLabels", {})
                    if ls.get("app.kubernetes.io/component") == "gateway":
                        continue  # the gateway's pods live with the edge
                    if not selected(peer["podSelector"]):
                        fail("selectors-match", f"NetworkPolicy {p['metadata']['name']}: peer {ls} selects no workload")

    port = {b: d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
            for b, d in deps.items()}

    def peers(rules, key, callee_port):
        """The pods RULES admit as KEY peers on the callee's port."""
        out = set()
        for r in rules:
            ports = [x.get("port") for x in r.get("ports", [])]
            for peer in r.get(key, []):
                if "podSelector" in peer and "namespaceSelector" not in peer:
                    for n in selected(peer["podSelector"]):
                        if not ports or "http" in ports or (callee_port or port[n]) in ports:
                            out.add(n)
        return out
    # a -> b is admitted when an Egress policy selecting a lets it reach b
    # on b's port AND an Ingress policy selecting b lets a in on that port
    egress_ok, ingress_ok, selecting_of = {}, {}, {}
    for p in pols:
        sel = selected(p["spec"]["podSelector"])
        for kind in p["spec"]["policyTypes"]:
            for n in sel:
                selecting_of.setdefault((n, kind), []).append(p)
        if "Egress" in p["spec"]["policyTypes"]:
            to = peers(p["spec"].get("egress", []), "to", None)
            for a in sel:
                egress_ok.setdefault(a, set()).update(to)
        if "Ingress" in p["spec"]["policyTypes"]:
            for b in sel:
                ingress_ok.setdefault(b, set()).update(
                    peers(p["spec"].get("ingress", []), "from", port[b]))
    admitted = {(a, b) for a, bs in egress_ok.items() for b in bs
                if a != b and a in ingress_ok.get(b, ())}

    def selecting(name, kind):
        return selecting_of.get((name, kind), [])
    want = {(n, d) for n, s in em["services"].items() for d in s["depends-on"] if d in em["services"]}
    for e in sorted(want - admitted):
        fail("graph-exact", f"{e[0]} depends on {e[1]} but the policies do not admit it")
    for e in sorted(admitted - want):
        fail("graph-exact", f"the policies admit {e[0]} -> {e[1]}, which the spec does not")
    # internet-connectors
    private = [ipaddress.ip_network(x) for x in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
    for n in deps:
        for p in selecting(n, "Egress"):
            for r in p["spec"].get("egress", []):
                for peer in r.get("to", []):
                    ip = peer.get("ipBlock")
                    if not ip:
                        continue
                    net = ipaddress.ip_network(ip["cidr"])
                    public = not any(net.subnet_of(pn) for pn in private)
                    if public and em["services"][n]["kind"] != "connector":
                        fail("internet-connectors", f"{n} may reach {ip['cidr']} but is no connector")


def check_hpa(by, em):
    hpas = by.get("HorizontalPodAutoscaler", {})
    for n, s in em["services"].items():
        sc, h = s["scaling"], hpas.get(n)
        if not sc["rules"] or sc["min"] == sc["max"]:
            if h:
                fail("hpa-matches-rules", f"{n} does not autoscale but has an HPA")
            continue
        if not h:
            fail("hpa-matches-rules", f"{n} autoscales but has no HPA")
            continue
        spec = h["spec"]
        if spec["scaleTargetRef"] != {"apiVersion": "apps/v1", "kind": "Deployment", "name": n}:
            fail("hpa-matches-rules", f"{n}: the HPA scales {spec['scaleTargetRef']}")
        if (spec["minReplicas"], spec["maxReplicas"]) != (sc["min"], sc["max"]):
            fail("hpa-matches-rules", f"{n}: replicas {spec['minReplicas']}..{spec['maxReplicas']}, spec {sc['min']}..{sc['max']}")
        targets = []
        for m in spec["metrics"]:
            t = (m.get("resource") or m.get("pods"))["target"]
            targets.append(int(t.get("averageUtilization", t.get("averageValue", -1))))
        if targets != [r["above"] for r in sc["rules"]]:
            fail("hpa-matches-rules", f"{n}: metric targets {targets}, rules above {[r['above'] for r in sc['rules']]}")
        want = {("Pods", r["step"], r["cooldown"]) for r in sc["rules"]}
        b = spec.get("behavior", {})
        for way in ("scaleUp", "scaleDown"):
            got = {(p["type"], p["value"], p["periodSeconds"]) for p in b.get(way, {}).get("policies", [])}
            if got != want:
                fail("hpa-matches-rules", f"{n}: {way} policies {sorted(got)}, rules say {sorted(want)}")
        window = b.get("scaleDown", {}).get("stabilizationWindowSeconds")
        if window != max(r["cooldown"] for r in sc["rules"]):
            fail("hpa-matches-rules", f"{n}: scale-in stabilised for {window} s, not the longest cooldown")


def mutate(docs, name):
    def first(kind, pred=lambda d: True):
        return next(d for d in docs if d["kind"] == kind and
                    not d["metadata"]["name"].startswith("default-deny") and pred(d))
    if name == "drop-service-account":
        docs.remove(first("ServiceAccount"))
    elif name == "drop-provider":
        docs.remove(first("SecretProviderClass"))
    elif name == "stray-selector":
        first("NetworkPolicy", lambda d: d["metadata"]["name"].endswith("-egress"))["spec"]["podSelector"] = \
            {"matchLabels": {"app.kubernetes.io/name": "nobody"}}
    elif name == "drop-egress-rule":
        p = first("NetworkPolicy", lambda d: d["metadata"]["name"].endswith("-egress") and
                  any("podSelector" in x for r in d["spec"]["egress"] for x in r["to"]))
        p["spec"]["egress"] = [r for r in p["spec"]["egress"] if not any("podSelector" in x for x in r["to"])]
    elif name == "extra-ingress":
        # callee X lets in anyone, caller Y may call anyone: Y -> X is new
        p = first("NetworkPolicy", lambda d: d["metadata"]["name"].endswith("-ingress") and d["spec"].get("ingress"))
        x = p["metadata"]["name"][:-len("-ingress")]
        p["spec"]["ingress"][0]["from"].append({"podSelector": {}})
        e = first("NetworkPolicy", lambda d: d["metadata"]["name"].endswith("-egress") and
                  d["metadata"]["name"] != f"{x}-egress" and
                  not any(x == peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
                          for r in d["spec"]["egress"] for peer in r["to"]))
        e["spec"]["egress"].append({"to": [{"podSelector": {}}]})
    elif name == "no-default-deny":
        docs.remove(next(d for d in docs if d["metadata"]["name"] == "default-deny-egress"))
    elif name == "internet-for-all":
        p = first("NetworkPolicy", lambda d: d["metadata"]["name"].endswith("-egress") and
                  d["metadata"]["labels"]["topoc.io/kind"] != "connector")
        p["spec"]["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]})
    elif name == "hpa-step-dropped":
        first("HorizontalPodAutoscaler")["spec"]["behavior"]["scaleUp"]["policies"][0]["value"] += 1
    elif name == "hpa-no-scale-down":
        del first("HorizontalPodAutoscaler")["spec"]["behavior"]["scaleDown"]
    elif name == "hpa-target":
        m = first("HorizontalPodAutoscaler")["spec"]["metrics"][0]
        t = (m.get("resource") or m.get("pods"))["target"]
        if "averageUtilization" in t:
            t["averageUtilization"] += 1
        else:
            t["averageValue"] = str(int(t["averageValue"]) + 1)
    elif name == "drop-stores-config":
        docs.remove(first("ConfigMap"))
    else:
        raise SystemExit(f"unknown mutation {name}")


MUTATIONS = {"drop-service-account": "refs-exist", "drop-provider": "refs-exist",
             "stray-selector": "selectors-match", "drop-egress-rule": "graph-exact",
             "extra-ingress": "graph-exact", "no-default-deny": "default-deny",
             "internet-for-all": "internet-connectors", "drop-stores-config": "stores-as-config",
             "hpa-step-dropped": "hpa-matches-rules", "hpa-no-scale-down": "hpa-matches-rules",
             "hpa-target": "hpa-matches-rules"}


def main():
    out, env = sys.argv[1], sys.argv[2]
    model = json.load(open(f"{out}/model.json"))
    docs = load(out, env)
    if len(sys.argv) > 4 and sys.argv[3] == "--mutate":
        mutate(docs, sys.argv[4])
    if len(sys.argv) > 3 and sys.argv[3] == "--mutations":
        print(" ".join(f"{k}:{v}" for k, v in MUTATIONS.items()))
        return 0
    check(docs, model, env)
    for a, w in failures:
        print(f"FAIL {a}: {w}")
    print(f"{env}: {len(docs)} documents, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
