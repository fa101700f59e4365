# tests/azure.sh - the Azure edge (ARM): every resource validated against
# the official schemas in ../shared/data/arm; sourced by tests/run.sh.
AZ=$TMP/azure
mkdir -p "$AZ"
"$TOPOC" build "$ROOT/specs" -o "$AZ/example" -q 2>"$AZ/example.notes"
"$TOPOC" build "$ROOT/tests/gateway/spec" -o "$AZ/fixture" -q 2>/dev/null
"$TOPOC" build "$ROOT/tests/gateway/hostile" -o "$AZ/hostile" -q 2>/dev/null
start=$(date +%s)
for t in "$AZ"/example/*/gateway/azure/edge.json "$AZ"/fixture/*/gateway/azure/edge.json \
         "$AZ"/hostile/*/gateway/azure/edge.json; do
    name=${t#"$AZ"/}
    if out=$(/usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" "$t"); then
        ok "azure arm-schemas $name ($(echo "$out" | grep -c '^ok') resources)"
    else
        bad "azure arm-schemas $name" "$(echo "$out" | grep FAIL | head -5)"
    fi
done
echo "azure: schema validation took $(( $(date +%s) - start )) s"
# the validator can fail: a wrong enum is caught
sed 's/"mode": "Prevention"/"mode": "Block"/' "$AZ/example/production/gateway/azure/edge.json" >"$AZ/mutated.json"
if ! /usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" "$AZ/mutated.json" >/dev/null; then
    ok "azure validator-rejects-a-bad-mode"; else bad "azure validator-rejects-a-bad-mode"; fi
for env in integration production; do
    if /usr/bin/python3 - "$AZ/example/$env/gateway/azure/edge.json" "$AZ/example/$env/gateway/routes.json" "$AZ/$env" <<'PY'
import json, subprocess, sys
t = json.load(open(sys.argv[1]))
routes = [r for r in json.load(open(sys.argv[2]))["routes"] if not r["internal"]]
res = t["resources"]
ops = [r for r in res if r["type"].endswith("/apis/operations")]
pols = [r for r in res if r["type"].endswith("/operations/policies")]
assert len(ops) == sum(len(r["methods"]) for r in routes) == len(pols), (len(ops), len(pols))
got = sorted((o["properties"]["method"], o["properties"]["urlTemplate"].replace("/*", "/**")) for o in ops)
want = sorted((m, r["path"]) for r in routes for m in r["methods"])
assert got == want
for i, p in enumerate(pols):  # every policy is well-formed XML naming a backend
    x = p["properties"]["value"]
    assert "<set-backend-service backend-id=" in x
    open(f"{sys.argv[3]}-{i}.xml", "w").write(x)
subprocess.run(["xmllint", "--noout"] + [f"{sys.argv[3]}-{i}.xml" for i in range(len(pols))], check=True)
agw = next(r for r in res if r["type"] == "Microsoft.Network/applicationGateways")["properties"]
assert agw["sku"]["name"] == "WAF_v2"
for m in agw["urlPathMaps"]:
    paths = [r["properties"]["paths"][0] for r in m["properties"]["pathRules"]]
    assert all("*" not in p[:-1] and (p == "/" or not p.endswith("/")) for p in paths), paths
    # first match in listed order: no wildcard before a path it covers
    for i, p in enumerate(paths):
        for q in paths[i + 1:]:
            assert not (p.endswith("/*") and q.startswith(p[:-1])), (p, q)
waf = next(r for r in res if r["type"].endswith("WebApplicationFirewallPolicies"))["properties"]
names = [c["name"] for c in waf["customRules"]]
assert "DenyListedClients" in names and "BlockInternalPaths" in names and "PerClient" in names, names
assert len({c["priority"] for c in waf["customRules"]}) == len(names)
PY
    then ok "azure content-$env"; else bad "azure content-$env"; fi
done
if grep -q "note: App Gateway cannot route /companies/{companyId}/accessToken by its template: it becomes '/companies/\*'" "$AZ/example.notes" &&
   grep -q "^  /apiKeys  *-> /apiKeys  *-> api-keys$" "$AZ/example/production/gateway/azure/appgw-paths.txt"; then
    ok "azure appgw-path-notes"; else bad "azure appgw-path-notes" "$(head -3 "$AZ/example.notes")"; fi
