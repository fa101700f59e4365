# tests/azure.sh - the Azure edge (ARM): every resource validated against
# the official schemas in ../shared/data/arm; sourced by tests/run.sh.
AZ=$TMP/azure
mkdir -p "$AZ"
"$TOPOC" build "$ROOT/specs" -o "$AZ/example" -q 2>"$AZ/example.notes"
"$TOPOC" build "$ROOT/tests/gateway/spec" -o "$AZ/fixture" -q 2>/dev/null
"$TOPOC" build "$ROOT/tests/gateway/hostile" -o "$AZ/hostile" -q 2>/dev/null
start=$(date +%s)
# (edge.json and the parts holding API Management's operations, apis-*.json)
for t in "$AZ"/example/*/gateway/azure/*.json "$AZ"/fixture/*/gateway/azure/*.json \
         "$AZ"/hostile/*/gateway/azure/*.json; do
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
import glob, json, os, subprocess, sys
t = json.load(open(sys.argv[1]))
routes = [r for r in json.load(open(sys.argv[2]))["routes"] if not r["internal"]]
res = t["resources"]
parts = sorted(glob.glob(os.path.join(os.path.dirname(sys.argv[1]), "apis-*.json")))
assert parts and not [r for r in res if r["type"].endswith("/apis/operations")]  # in parts of their own
for p in parts:
    res = res + json.load(open(p))["resources"]
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
   grep -qP "^api\\.[^\t]*\t/apiKeys\t/apiKeys\tapp-gateway\tapi-keys\town-pattern$" "$AZ/example/production/gateway/azure/appgw-paths.txt"; then
    ok "azure appgw-path-notes"; else bad "azure appgw-path-notes" "$(head -3 "$AZ/example.notes")"; fi

# appgw-paths.txt: tab-separated under its header line, whatever a
# template's length (the example's run past 70 characters, the width the
# columns once had); every public route of routes.json is one line; each
# fate it writes is one its comment explains, and routed-by agrees with why
appgw_paths_ok() { # OUT: each environment's appgw-paths.txt
    /usr/bin/python3 - "$1" <<'PY'
import json, re, sys
COLS = ["host", "template", "appgw-path", "routed-by", "service", "why"]
FATES = {"own-pattern": "app-gateway", "shared-pattern": "api-management", "appgw-limits": "api-management"}
longest = 0
for env in ("integration", "production"):
    text = open(f"{sys.argv[1]}/{env}/gateway/azure/appgw-paths.txt").read()
    lines = text.split("\n")
    assert lines[-1] == "", "ends with a newline"
    comment = [l for l in lines if l.startswith("#")]
    rows = [l.split("\t") for l in lines[len(comment):-1]]
    assert rows[0] == COLS, rows[0]
    for c in COLS:  # every column explained
        assert any(re.match(r"#   %s  " % re.escape(c), l) for l in comment), c
    for why, by in FATES.items():  # every fate explained
        assert any(why + ":" in l for l in comment) and any(by + ":" in l for l in comment), why
    got = set()
    for r in rows[1:]:
        assert len(r) == len(COLS), r
        host, tpl, pat, by, svc, why = r
        assert FATES[why] == by, r
        assert pat == tpl or (pat.endswith("/*") and tpl.startswith(pat[:-1])) or (pat == "/" and tpl == "/"), r
        got.add((host, tpl, svc))
        longest = max(longest, len(tpl))
    routes = json.load(open(f"{sys.argv[1]}/{env}/gateway/routes.json"))["routes"]
    want = {(r["host"], r["path"], r["service"]) for r in routes if not r["internal"]}
    assert got == want, (sorted(want - got)[:3], sorted(got - want)[:3])
print(longest)
PY
}
if longest=$(appgw_paths_ok "$AZ/example") && [ "$longest" -gt 70 ]; then
    ok "azure appgw-paths-tab-separated"; else bad "azure appgw-paths-tab-separated" "$longest"; fi

# App Gateway's own limits (100 backend pools, 100 path rules per map):
# 150 services of 3 routes on one host are past both; the rules past them
# go to API Management, one note per environment says so, and the
# deployment checker's appgw-limits assertion holds.  51 host names are
# past the listeners' limit: an error at the 51st host, nothing written.
/usr/bin/python3 "$ROOT/tests/bench/gen.py" 150 "$AZ/many" 3 20 >/dev/null
if "$TOPOC" build "$AZ/many" -o "$AZ/many-out" -q 2>"$AZ/many.notes" &&
   [ "$(grep -c "note: in integration, App Gateway holds at most 100 backend pools and 100 path rules per host name: 351 of its 450 path patterns go to API Management" "$AZ/many.notes")" = 1 ] &&
   [ "$(grep -c "note: in production, App Gateway holds at most 100 backend pools and 100 path rules per host name: 351 of its 450 path patterns go to API Management" "$AZ/many.notes")" = 1 ] &&
   [ "$(grep -c "note: .*App Gateway holds at most" "$AZ/many.notes")" = 2 ] && appgw_paths_ok "$AZ/many-out" >/dev/null &&
   /usr/bin/python3 - "$AZ/many-out" <<'PY'
import json, sys
for env in ("integration", "production"):
    res = json.load(open(f"{sys.argv[1]}/{env}/gateway/azure/edge.json"))["resources"]
    agw = next(r for r in res if r["type"] == "Microsoft.Network/applicationGateways")["properties"]
    pools = {p["name"] for p in agw["backendAddressPools"]}
    assert len(pools) == 100, len(pools)
    for m in agw["urlPathMaps"]:
        rules = m["properties"]["pathRules"]
        assert len(rules) == 100, len(rules)
        assert all(r["properties"]["backendAddressPool"]["id"].split("'")[-2] in pools for r in rules)
    report = open(f"{sys.argv[1]}/{env}/gateway/azure/appgw-paths.txt").read()
    assert report.count("\tappgw-limits\n") == 351, report[:300]
PY
then ok "azure appgw-limits-past-pools-and-rules"; else bad "azure appgw-limits-past-pools-and-rules" "$(tail -5 "$AZ/many.notes")"; fi
for e in integration production; do
    if r=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$AZ/many-out" $e); then ok "azure appgw-limits-integrity-$e"
    else bad "azure appgw-limits-integrity-$e" "$(echo "$r" | grep FAIL | head -3)"; fi
done
cp -r "$AZ/many" "$AZ/hosts"
for f in "$AZ"/hosts/services/svc-000[0-5]?.yaml; do
    n=$(basename "$f" .yaml); sed -i "s/host: api$/host: h${n#svc-}/" "$f"
done
if "$TOPOC" build "$AZ/hosts" -o "$AZ/hosts-out" 2>"$AZ/hosts.err"; then
    bad "azure appgw-limits-hosts" "built 60 host names"
elif grep -q "hosts/services/svc-00049.yaml:[0-9]*:[0-9]*: error: the Azure edge serves at most 50 host names per environment (App Gateway: 100 active listeners, an HTTPS and an HTTP one per host); 'h00049' is one more \[invalid-value\]" "$AZ/hosts.err" &&
     [ "$(grep -c "error: the Azure edge serves at most 50" "$AZ/hosts.err")" = 1 ] && [ ! -e "$AZ/hosts-out" ]; then
    ok "azure appgw-limits-hosts"
else bad "azure appgw-limits-hosts" "$(grep -m3 "error" "$AZ/hosts.err")"; fi

# WAF exclusions hold policy-wide on App Gateway: the same one on three
# routes is one entry; past 200 distinct ones, an error at the 201st.
cp -r "$AZ/many" "$AZ/excl"
excl() { # FILE ARG RULE...: the file's first route excludes ARG from each RULE
    local f=$1 arg=$2 list=
    shift 2
    for r in "$@"; do list="$list\\n        - {rule: $r, variable: \"ARGS:$arg\"}"; done
    sed -i "0,/^    methods: \[GET, POST\]$/s//    methods: [GET, POST]\n    waf:\n      exclusions:$list/" "$f"
}
for n in 001 002 003; do excl "$AZ/excl/services/svc-00$n.yaml" q 942100; done
if "$TOPOC" build "$AZ/excl" -o "$AZ/excl-out" -q 2>/dev/null &&
   [ "$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["resources"]; print([len(x["properties"]["managedRules"]["exclusions"]) for x in r if x["type"].endswith("WebApplicationFirewallPolicies")][0])' "$AZ/excl-out/production/gateway/azure/edge.json")" = 1 ]; then
    ok "azure waf-exclusions-once"; else bad "azure waf-exclusions-once"; fi
for i in $(seq 10 149); do excl "$AZ/excl/services/svc-00$(printf %03d "$i").yaml" "a$i" 942100 942200; done
if ! "$TOPOC" build "$AZ/excl" -o "$AZ/excl-out2" -q 2>"$AZ/excl.err" &&
   [ "$(grep -c "error: the Azure edge's WAF policy holds at most 200 exclusions" "$AZ/excl.err")" = 1 ] &&
   grep -q "excl/services/svc-00109.yaml:[0-9]*:[0-9]*: error: the Azure edge's WAF policy holds at most 200" "$AZ/excl.err"; then
    ok "azure waf-exclusions-limit"; else bad "azure waf-exclusions-limit" "$(grep -m3 error "$AZ/excl.err")"; fi

# The WAF policy keeps every rule of the spec, in the order the other edges
# evaluate them, and names each place where App Gateway cannot do what the
# spec asks (a warning where Azure would let through what nginx refuses).
W=$AZ/waf-differences
cp -r "$ROOT/tests/gateway/spec" "$W"
python3 - "$W" <<'PY'
import sys
p = sys.argv[1] + "/platform.yaml"
s = open(p).read()
limits = "".join(f"      - {{name: limit-{i}, requests: {10 * i}, per: 1m, paths: [/limited]}}\n"
                 for i in range(1, 8))
s = s.replace("    rate-limits:\n", "    rate-limits:\n" + limits +
              "      - {name: per-key, requests: 100, per: 1m, by: api-key}\n", 1)
s = s.replace("        priority: 10\n", "        priority: 100\n", 1)
s = s.replace("    custom-rules:\n", "    custom-rules:\n      - {name: first, priority: 1, action: log, "
              "variable: request-method, operator: equals, values: [TRACE]}\n", 1)
s = s.replace("    mode: prevention\n", "    mode: prevention\n    limits: {max-body-size: 4KB}\n", 1)
open(p, "w").write(s)
p = sys.argv[1] + "/services/orders.yaml"
s = open(p).read()
s = s.replace("          variable: ARGS:q\n", "          variable: ARGS:q\n"
              "        - rule: 942100\n          variable: REQUEST_HEADERS:X-Query\n", 1)
open(p, "w").write(s)
PY
if "$TOPOC" build "$W" -o "$W.out" 2>"$W.err" >/dev/null &&
   python3 - "$W.out/production/gateway/azure/edge.json" "$W.err" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["resources"]
waf = next(r for r in res if r["type"].endswith("WebApplicationFirewallPolicies"))["properties"]
rules = [(c["priority"], c["name"]) for c in waf["customRules"]]
prios = [p for p, _ in rules]
assert prios == list(range(1, len(rules) + 1)), rules      # distinct, 1.., in order
assert [n for _, n in rules] == ["DenyListedClients", "BlockInternalPaths"] + \
    [f"Limit{i}" for i in range(1, 8)] + ["PerKey", "Limited", "First", "BlockScanners"], rules
assert waf["policySettings"]["maxRequestBodySizeInKb"] == 8
ex = waf["managedRules"]["exclusions"]
assert [e["selector"] for e in ex] == ["q"], ex
err = open(sys.argv[2]).read()
for want in ["warning: App Gateway's WAF cannot count requests per API key: the Azure edge counts rate limit 'per-key' per client address [appgw-waf]",
             "warning: App Gateway's WAF inspects bodies of 8 KB to 2048 KB: the Azure edge's body limit is 8 KB [appgw-waf]",
             "warning: App Gateway's exclusions hold for every route: the Azure edge skips rule 942100 on argument 'q' of every route, not only /search [appgw-waf]",
             "note: App Gateway cannot express this exclusion: the Azure edge keeps rule 942100 for /search [appgw-waf]",
             "note: App Gateway counts rate limit 'limited' as 1 request per 5-minute window, not as a bucket of 5 refilled at 5 per 3600s [appgw-waf]"]:
    assert err.count(want) == 1, (want, err)
# HAProxy's three counters hold the first three limits; the rest are named
assert "rate limit 'limit-3': HAProxy" not in err, err
for name in ["limit-4", "limit-7", "per-key", "limited"]:
    assert err.count(f"warning: the HAProxy target does not enforce rate limit '{name}'") == 1, (name, err)
PY
then ok "azure waf-keeps-every-rule-and-names-differences"
else bad "azure waf-keeps-every-rule-and-names-differences" "$(cat "$W.err" | head -20)"; fi
# the same spec with more custom rules than App Gateway holds is refused
python3 - "$W/platform.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
extra = "".join(f"      - {{name: r{i}, priority: 50, action: log, variable: request-uri, operator: contains, values: [x{i}]}}\n"
                for i in range(95))
s = s.replace("    custom-rules:\n", "    custom-rules:\n" + extra, 1)
open(p, "w").write(s)
PY
"$TOPOC" build "$W" -o "$W.out2" 2>"$W.err2" >/dev/null; st=$?
if [ "$st" = 1 ] && [ ! -e "$W.out2" ] &&
   grep -q "error: the Azure edge needs 108 WAF custom rules (IP lists, internal paths, rate limits and custom rules); App Gateway allows at most 100 \[invalid-value\]" "$W.err2"; then
    ok "azure waf-too-many-rules-refused"
else bad "azure waf-too-many-rules-refused" "status $st: $(grep error "$W.err2" | head -3)"; fi

# What App Gateway cannot hold is refused by `topoc check` too, with the
# errors build gives (a CI gate on check stops what build stops), and a
# platform at a limit passes: 50 host names (api and h00000 to h00048).
same_errors() { # SPEC: check's errors are build's, and there are some
    local c b
    c=$("$TOPOC" check --color never "$1" 2>&1 | grep ': error: ' | sort -u)
    b=$("$TOPOC" build --color never "$1" -o "$1.same-out" 2>&1 | grep ': error: ' | sort -u)
    [ -n "$c" ] && [ "$c" = "$b" ] || { echo "check: $c / build: $b" | head -c 600; return 1; }
}
cp -r "$AZ/hosts" "$AZ/hosts50"
for n in $(seq 49 59); do sed -i "s/host: h000$n$/host: api/" "$AZ/hosts50/services/svc-000$n.yaml"; done
why=""
for spec in "$AZ/hosts" "$AZ/excl" "$W"; do why="$why$(same_errors "$spec")"; done
"$TOPOC" check -q "$AZ/hosts50" 2>"$AZ/hosts50.err" || why="$why 50 hosts refused: $(grep -m1 error "$AZ/hosts50.err")"
if [ -z "$why" ]; then ok "azure appgw-limits-found-by-check"
else bad "azure appgw-limits-found-by-check" "$why"; fi
