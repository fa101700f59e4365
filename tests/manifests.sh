# tests/manifests.sh - deployment manifests: Azure App Service templates
# against the ARM schemas and a closed key list, Kubernetes documents
# against the strict v1.32 schemas, and their consistency with the routing
# table and the resolved model; sourced by tests/run.sh.
MF=$TMP/manifests
mkdir -p "$MF"
"$TOPOC" build "$ROOT/specs" -o "$MF/out" -q 2>/dev/null
start=$(date +%s)
for env in integration production; do
    A="$MF/out/$env/manifests/azure"
    if out=$(/usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" "$MF/out/$env/main.json" "$A/environment.json" "$A"/stores-*.json "$A"/teams-*.json "$A/directory.json" "$A"/services-*.json "$A"/services/*.json); then
        ok "manifests azure-arm-schemas $env ($(echo "$out" | grep -c '^ok') resources valid, $(echo "$out" | grep -c '^skip') of types with no schema in the reference set)"
    else
        bad "manifests azure-arm-schemas $env" "$(echo "$out" | grep FAIL | head -5)"
    fi
    K="$MF/out/$env/manifests/kubernetes"
    if out=$(/usr/bin/python3 "$ROOT/tests/manifests/k8s_validate.py" "$ROOT/../shared/data/k8s/v1.32.2-standalone-strict" "$K/namespace.yaml" "$K"/services/*.yaml); then
        ok "manifests kubernetes-schemas $env ($(echo "$out" | grep -c '^ok') documents valid, $(echo "$out" | grep -c '^skip') CRDs with no schema in the reference set)"
    else
        bad "manifests kubernetes-schemas $env" "$(echo "$out" | grep FAIL | head -5)"
    fi
done
echo "manifests: schema validation took $(( $(date +%s) - start )) s"
/usr/bin/python3 "$ROOT/tests/manifests/keys.py" "$MF"/out/*/main.json "$MF"/out/*/main.parameters.json \
    "$MF"/out/*/manifests/azure/environment.json "$MF"/out/*/manifests/azure/stores-*.json \
    "$MF"/out/*/manifests/azure/teams-*.json "$MF"/out/*/manifests/azure/directory.json "$MF"/out/*/manifests/azure/services-*.json "$MF"/out/*/manifests/azure/services/*.json >"$MF/keys.txt"
if extra=$(comm -23 "$MF/keys.txt" "$ROOT/tests/manifests/azure-keys.txt") && [ -z "$extra" ]; then
    ok "manifests azure-keys-in-closed-list"; else bad "manifests azure-keys-in-closed-list" "not in tests/manifests/azure-keys.txt: $extra"; fi

# the manifests, the routing table and the model speak of the same instances
if /usr/bin/python3 - "$MF/out" <<'PY'
import json, sys, yaml
out = sys.argv[1]
model = json.load(open(f"{out}/model.json"))
for env, em in model["environments"].items():
    svcs = em["services"]
    docs = {}
    for name in svcs:
        for d in yaml.safe_load_all(open(f"{out}/{env}/manifests/kubernetes/services/{name}.yaml")):
            docs[(d["kind"], d["metadata"]["name"])] = d
            assert d["metadata"]["namespace"] == f"{model['platform']['name']}-{env}"
    azure = {n: json.load(open(f"{out}/{env}/manifests/azure/services/{n}.json")) for n in svcs}
    # every routed backend has a deployment and an App Service in this environment
    for r in json.load(open(f"{out}/{env}/gateway/routes.json"))["routes"]:
        assert ("Deployment", r["service"]) in docs, r
        sites = [x["name"] for x in azure[r["service"]]["resources"] if x["type"] == "Microsoft.Web/sites"]
        assert sites == [r["backend"]["instance"]], (sites, r["backend"])
    # every dependency edge is let in by the callee's NetworkPolicy, and no
    # policy reaches into another namespace
    for (kind, name), d in docs.items():
        if kind == "NetworkPolicy":
            for rule in d["spec"].get("ingress", []):
                assert all("namespaceSelector" not in p for p in rule["from"]), name
    for caller, s in svcs.items():
        for callee in s["depends-on"]:
            pol = docs[("NetworkPolicy", f"{callee}-ingress")]
            allowed = [p["podSelector"]["matchLabels"].get("app.kubernetes.io/name")
                       for rule in pol["spec"]["ingress"] for p in rule["from"]]
            assert caller in allowed, (env, caller, callee)
    # scaling numbers are the resolved model's, overrides included
    for name, s in svcs.items():
        sc = s["scaling"]
        hpa = docs.get(("HorizontalPodAutoscaler", name))
        if sc["rules"] and sc["min"] != sc["max"]:
            assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (max(1, sc["min"]), sc["max"]), name
            auto = next(x for x in azure[name]["resources"] if x["type"] == "Microsoft.Insights/autoscalesettings")
            cap = auto["properties"]["profiles"][0]["capacity"]
            assert (cap["minimum"], cap["maximum"]) == (str(max(1, sc["min"])), str(sc["max"])), name
            rules = auto["properties"]["profiles"][0]["rules"]
            assert [r["scaleAction"]["direction"] for r in rules] == ["Increase", "Decrease"] * len(sc["rules"])
            for up, down, want in zip(rules[::2], rules[1::2], sc["rules"]):
                per = 60 if want["metric"] == "requests-per-second" else 1  # per minute
                below = want.get("below", want["above"] // 2)
                assert (up["metricTrigger"]["threshold"], down["metricTrigger"]["threshold"]) == \
                    (want["above"] * per, below * per), (name, want)
                for x in (up, down):  # step and cooldown both ways
                    assert x["scaleAction"]["value"] == str(want["step"]), (name, want)
                    assert x["scaleAction"]["cooldown"] in (f"PT{want['cooldown'] // 60}M", f"PT{want['cooldown']}S",
                                                            f"PT{want['cooldown'] // 3600}H"), (name, want)
        else:
            assert hpa is None and docs[("Deployment", name)]["spec"]["replicas"] == sc["min"], name
        pdb = ("PodDisruptionBudget", name) in docs
        assert pdb == (env == "production" and sc["min"] >= 2), name
        alerts = [x for x in azure[name]["resources"] if x["type"] == "Microsoft.Insights/metricAlerts"]
        assert len(alerts) == len(s["alerts"]), name
        for a in alerts:  # to the owning team's action group
            assert a["properties"]["actions"][0]["actionGroupId"] in \
                [f"[parameters('actionGroups')['{x['notify']}']]" for x in s["alerts"]], a
    int_min = model["environments"]["integration"]["services"]["companies"]["scaling"]["min"]
    assert int_min == 1 and docs  # the example's override reached the manifests
PY
then ok "manifests consistent-with-routes-and-model"; else bad "manifests consistent-with-routes-and-model"; fi

# the deployment of each environment works as a whole: integrity.py reads
# it as Resource Manager would (tests/manifests/integrity.py says what it
# asserts), and mutate.py breaks each assertion once to see it fail
for env in integration production; do
    if out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/out" "$env"); then
        ok "manifests azure-integrity $env ($(echo "$out" | tail -1))"
    else bad "manifests azure-integrity $env" "$(echo "$out" | head -10)"; fi
done
if out=$(/usr/bin/python3 "$ROOT/tests/manifests/mutate.py" "$MF/out" production); then
    ok "manifests integrity-assertions-each-fail-on-a-mutation ($(echo "$out" | grep -c '^ok') mutations)"
else bad "manifests integrity-assertions-each-fail-on-a-mutation" "$(echo "$out" | grep -v '^ok' | head -10)"; fi
# Kubernetes: references, selectors, the dependency graph both ways
for env in integration production; do
    if out=$(/usr/bin/python3 "$ROOT/tests/manifests/k8s_integrity.py" "$MF/out" "$env"); then
        ok "manifests kubernetes-integrity $env ($(echo "$out" | tail -1))"
    else bad "manifests kubernetes-integrity $env" "$(echo "$out" | head -10)"; fi
done
for m in $(/usr/bin/python3 "$ROOT/tests/manifests/k8s_integrity.py" "$MF/out" production --mutations); do
    out=$(/usr/bin/python3 "$ROOT/tests/manifests/k8s_integrity.py" "$MF/out" production --mutate "${m%%:*}")
    if echo "$out" | grep -q "^FAIL ${m#*:}:"; then ok "manifests kubernetes-integrity fails on mutation ${m%%:*}"
    else bad "manifests kubernetes-integrity fails on mutation ${m%%:*}" "$out"; fi
done
# the synthetic platforms of make bench (every service uses a SQL store),
# in both of its shapes: one domain, and domains of a few services (make
# bench runs the same checkers on its 1,000-service builds)
for domain in 0 5; do
    python3 "$ROOT/tests/bench/gen.py" 20 "$MF/bench$domain" 3 $domain >/dev/null
    if "$TOPOC" build "$MF/bench$domain" -o "$MF/bench$domain-out" -q 2>/dev/null; then
        for env in integration production; do
            if out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/bench$domain-out" "$env") &&
               out=$(/usr/bin/python3 "$ROOT/tests/manifests/k8s_integrity.py" "$MF/bench$domain-out" "$env"); then
                ok "manifests azure-and-kubernetes-integrity bench-20 domains-of-$domain $env"
            else bad "manifests azure-integrity bench-20 domains-of-$domain $env" "$(echo "$out" | head -10)"; fi
        done
    else bad "manifests azure-integrity bench-20 domains-of-$domain" "the synthetic platform does not build"; fi
done

# every spec key that reaches a manifest is set in tests/manifests/allkeys
# and found in the output (tests/manifests/allkeys.py says how); the
# platform deploys whole, valid, with its shared plan split for connectors;
# a key dropped on the way (the HPA's step) is noticed
if "$TOPOC" build "$ROOT/tests/manifests/allkeys" -o "$MF/allkeys" -q 2>/dev/null; then
    if out=$(/usr/bin/python3 "$ROOT/tests/manifests/allkeys.py" "$TOPOC" "$ROOT/tests/manifests/allkeys" "$MF/allkeys"); then
        ok "manifests every-key-reaches-its-manifests ($(echo "$out" | tail -1))"
    else bad "manifests every-key-reaches-its-manifests" "$(echo "$out" | head -10)"; fi
    for env in integration production; do
        A="$MF/allkeys/$env/manifests/azure"
        if out=$(/usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" \
                "$MF/allkeys/$env/main.json" "$A/environment.json" "$A"/services/*.json 2>/dev/null) &&
           out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/allkeys" "$env") &&
           out=$(/usr/bin/python3 "$ROOT/tests/manifests/k8s_integrity.py" "$MF/allkeys" "$env"); then
            ok "manifests allkeys-valid-and-whole $env"
        else bad "manifests allkeys-valid-and-whole $env" "$(echo "$out" | grep FAIL | head -5)"; fi
    done
    sed -i '/policies:/,/selectPolicy/{/value:/d}' "$MF/allkeys/production/manifests/kubernetes/services/keyapi.yaml"
    if /usr/bin/python3 "$ROOT/tests/manifests/allkeys.py" "$TOPOC" "$ROOT/tests/manifests/allkeys" "$MF/allkeys" |
            grep "^FAIL production: service keyapi's scaling.rules\[\].step" >/dev/null; then
        ok "manifests every-key fails on a dropped HPA step"
    else bad "manifests every-key fails on a dropped HPA step"; fi
else bad "manifests every-key-reaches-its-manifests" "tests/manifests/allkeys does not build"; fi

# a scaling rule's `below`, which a Kubernetes HPA cannot hold, is one
# notice at the first the spec writes, counting them; none without one
cp -r "$ROOT/specs/tutorial" "$MF/below"
"$TOPOC" build "$MF/below" -o "$MF/below.out" >/dev/null 2>"$MF/below.err"
sed -i '/below:/d' "$MF/below/services/orders.yaml"
"$TOPOC" build "$MF/below" -o "$MF/below.out" >/dev/null 2>"$MF/below2.err"
if [ "$(grep -c 'k8s-scale-in' "$MF/below.err")" = 1 ] &&
   grep -q "below/services/orders.yaml:13:14: note: .*'below' holds on App Service only (1 value in the spec) \[k8s-scale-in\]" "$MF/below.err" &&
   ! grep -q 'k8s-scale-in' "$MF/below2.err"; then
    ok "manifests below-is-one-notice"; else bad "manifests below-is-one-notice" "$(cat "$MF/below.err" "$MF/below2.err" | head -8)"; fi

# environments.NAME.plan: a shared plan (integration) and the default
# per-service plans (production) both deploy, valid and whole; a shared
# plan's app on the wrong number of workers is noticed
mkdir -p "$MF/shared"
cp "$ROOT/tests/rules/plan-shared-autoscale/pass.yaml" "$MF/shared/platform.yaml"
if "$TOPOC" build "$MF/shared" -o "$MF/shared-out" -q 2>/dev/null; then
    A="$MF/shared-out/integration/manifests/azure"
    if out=$(/usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" \
            "$MF/shared-out/integration/main.json" "$A/environment.json" "$A"/services/*.json 2>/dev/null) &&
       grep -q '"perSiteScaling": true' "$A/environment.json" &&
       out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/shared-out" integration) &&
       out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/shared-out" production); then
        ok "manifests shared-plan-valid-and-whole"
    else bad "manifests shared-plan-valid-and-whole" "$(echo "$out" | grep FAIL | head -5)"; fi
    sed -i 's/"numberOfWorkers": 2/"numberOfWorkers": 3/' "$A/services/web.json"
    if /usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/shared-out" integration | grep '^FAIL plan-matches-spec: Web App' >/dev/null; then
        ok "manifests integrity fails on a shared plan's app on the wrong workers"
    else bad "manifests integrity fails on a shared plan's app on the wrong workers"; fi
else bad "manifests shared-plan-valid-and-whole" "the shared-plan platform does not build"; fi

# adding a service changes only its own files and the part of the
# services' deployments it joins (manifests/azure/services-FIRST.json: one
# per environment, or two when it starts a part of its own, and then
# main.json and deploy.sh name the new part); every other part is as it was
mkdir -p "$MF/added"
cp -r "$ROOT/specs/." "$MF/added/"
sed -e 's/^service: accounting-mapper$/service: added-worker/' -e '/^depends-on:/,/^[a-z]/{/^depends-on:/d;/^  - /d}' \
    "$ROOT/specs/services/accounting-mapper.yaml" >"$MF/added/services/added-worker.yaml"
"$TOPOC" build "$MF/added" -o "$MF/out3" -q 2>/dev/null
changed=$(diff -rq "$MF/out" "$MF/out3" | sed -e "s|$MF/out3\?/||g" -e 's/^Only in \([^:]*\): /\1\//' | awk '{print ($1=="Files") ? $2 : $0}' | sort)
others=$(echo "$changed" | grep -v -e '^model.json$' -e '^\.topoc-output$' -e '/services/added-worker\.[a-z]*$' \
    -e '^[a-z]*/manifests/azure/services-[a-z0-9-]*\.json$' -e '^[a-z]*/main.json$' -e '^[a-z]*/deploy.sh$' \
    -e '^docs/' -e '^diagrams/' -e '^[a-z]*/diagrams/' -e '^[a-z]*/gateway/')  # its routes
parts=$(echo "$changed" | grep -c '^production/manifests/azure/services-')
toplevel=$(echo "$changed" | grep -c '^production/\(main.json\|deploy.sh\)$')
apis=$(echo "$changed" | grep -c '^production/gateway/azure/apis-')
if [ -z "$others" ] && [ "$apis" -le 2 ] &&
   { { [ "$parts" = 1 ] && [ "$toplevel" = 0 ]; } || { [ "$parts" = 2 ] && [ "$toplevel" = 2 ]; }; } &&
   echo "$changed" | grep -q '^production/manifests/azure/services/added-worker.json$'; then
    ok "manifests adding-a-service-touches-only-its-files-and-its-part"
else bad "manifests adding-a-service-touches-only-its-files-and-its-part" "$changed"; fi

# the class: at 300 services (bench's shape) every part is within ARM's
# limits, there are several of each kind, and a service added in the
# middle of the names changes at most two parts of each kind (the one it
# joins, or that one split in two) and leaves every other as it was
python3 "$ROOT/tests/bench/gen.py" 300 "$MF/g300" 3 20 >/dev/null
cp -r "$MF/g300" "$MF/g301"
sed -e 's/svc-00150/svc-00150x/g' -e '/^depends-on:/,/^[a-z]/{/^depends-on:/d;/^  - /d}' \
    "$MF/g300/services/svc-00150.yaml" >"$MF/g301/services/svc-00150x.yaml"
if "$TOPOC" build "$MF/g300" -o "$MF/g300.out" -q 2>/dev/null &&
   "$TOPOC" build "$MF/g301" -o "$MF/g301.out" -q 2>/dev/null &&
   out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/g301.out" production); then
    sparts=$(ls "$MF/g300.out/production/manifests/azure/" | grep -c '^services-')
    aparts=$(ls "$MF/g300.out/production/gateway/azure/" | grep -c '^apis-')
    changed=$(diff -rq "$MF/g300.out/production" "$MF/g301.out/production" | sed -e "s|$MF/g30[01].out/production/||g" -e 's/^Only in \([^:]*\): /\1\//' |
              awk '{print ($1=="Files") ? $2 : $0}')
    sch=$(echo "$changed" | grep -c 'manifests/azure/services-')
    ach=$(echo "$changed" | grep -c 'gateway/azure/apis-')
    if [ "$sparts" -ge 4 ] && [ "$aparts" -ge 4 ] && [ "$sch" -ge 1 ] && [ "$sch" -le 2 ] && [ "$ach" -ge 1 ] && [ "$ach" -le 2 ]; then
        ok "manifests parts-within-limits-and-stable bench-300 ($sparts service parts, $aparts API parts; $sch and $ach changed)"
    else bad "manifests parts-within-limits-and-stable bench-300" "$sparts service parts, $aparts API parts; changed: $changed"; fi
else bad "manifests parts-within-limits-and-stable bench-300" "$(echo "$out" | grep FAIL | head -5)"; fi

# the stores and the teams grow with the platform and are parts of their
# own (manifests/azure/stores-FIRST.json, teams-FIRST.json): 300 more
# stores build in several parts, each within ARM's limits, whole
# (integrity.py), environment.json as small as without them; a store
# added in the middle of the names changes one stores part (or splits it:
# then main.json and deploy.sh name the new part) and nothing else of the
# Azure deployment
cp -r "$ROOT/specs/tutorial" "$MF/stores"
python3 - "$MF/stores/platform.yaml" 300 <<'PY'
import sys
p, n = sys.argv[1], int(sys.argv[2])
s = open(p).read()
kinds = ("blob", "queue", "key-vault", "cache", "sql")
s = s.replace("stores:\n", "stores:\n" + "".join(f"  bulk-{i:04d}:\n    kind: {kinds[i % 5]}\n" for i in range(n)), 1)
open(p, "w").write(s)
PY
cp -r "$MF/stores" "$MF/stores2"
sed -i 's/^stores:$/stores:\n  bulk-0150x:\n    kind: blob/' "$MF/stores2/platform.yaml"
"$TOPOC" build "$MF/stores" -o "$MF/stores.out" -q 2>"$MF/stores.err"; st=$?
"$TOPOC" build -q "$MF/stores2" -o "$MF/stores2.out" 2>/dev/null
A="$MF/stores.out/production/manifests/azure"
if [ "$st" = 0 ] && out=$(/usr/bin/python3 "$ROOT/tests/manifests/integrity.py" "$MF/stores.out" production) &&
   out=$(/usr/bin/python3 "$ROOT/tests/azure/arm_validate.py" "$ROOT/../shared/data/arm" "$A"/stores-*.json "$A"/teams-*.json "$A/directory.json" 2>&1); then
    sparts=$(ls "$A" | grep -c '^stores-')
    envres=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["resources"]))' "$A/environment.json")
    changed=$(diff -rq "$MF/stores.out/production" "$MF/stores2.out/production" | sed -e "s|$MF/stores2\?.out/production/||g" -e 's/^Only in \([^:]*\): /\1\//' |
              awk '{print ($1=="Files") ? $2 : $0}' | grep -v -e '^diagrams/' -e '^docs/')
    sch=$(echo "$changed" | grep -c '^manifests/azure/stores-')
    others=$(echo "$changed" | grep -v -e '^manifests/azure/stores-' -e '^main.json$' -e '^deploy.sh$')
    top=$(echo "$changed" | grep -c -e '^main.json$' -e '^deploy.sh$')
    if [ "$sparts" -ge 3 ] && [ "$envres" -lt 80 ] && [ -z "$others" ] &&
       { { [ "$sch" = 1 ] && [ "$top" = 0 ]; } || { [ "$sch" = 2 ] && [ "$top" = 2 ]; }; }; then
        ok "manifests stores-in-parts-within-limits-and-stable ($sparts stores parts, environment.json $envres resources; $sch changed)"
    else bad "manifests stores-in-parts-within-limits-and-stable" "$sparts parts, environment.json $envres resources; changed: $changed"; fi
else bad "manifests stores-in-parts-within-limits-and-stable" "status $st: $(echo "$out" | grep FAIL | head -5; head -5 "$MF/stores.err")"; fi

# what no split helps is an error, never a template Azure refuses: one
# service's own template (services/NAME.json) using 820 stores is 820 role
# assignments and more; one error per environment at the service's name,
# exit 1, nothing written
cp -r "$ROOT/specs/tutorial" "$MF/huge"
python3 - "$MF/huge" 820 <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
p = d + "/platform.yaml"
s = open(p).read()
s = s.replace("stores:\n", "stores:\n" + "".join(f"  bulk-{i:04d}:\n    kind: blob\n" for i in range(n)), 1)
open(p, "w").write(s)
p = d + "/services/orders.yaml"
s = open(p).read()
s = s.replace("stores:\n", "stores:\n" + "".join(f"  - store: bulk-{i:04d}\n" for i in range(n)), 1)
open(p, "w").write(s)
PY
"$TOPOC" build "$MF/huge" -o "$MF/huge.out" >/dev/null 2>"$MF/huge.err"; st=$?
if [ "$st" = 1 ] && [ ! -e "$MF/huge.out" ] && [ "$(grep -c '\[arm-limit\]' "$MF/huge.err")" = 2 ] &&
   grep -q "huge/services/orders.yaml:[0-9]*:[0-9]*: error: the production environment's manifests/azure/services/orders.json would hold [0-9]* resources in [0-9]* bytes: Resource Manager refuses more than 800 resources" "$MF/huge.err" &&
   grep -q "help: one service's resources are one template" "$MF/huge.err"; then
    ok "manifests one-service-too-large-is-an-error"
else bad "manifests one-service-too-large-is-an-error" "status $st: $(grep -B1 -A3 arm-limit "$MF/huge.err" | head -12)"; fi

# deploy.sh in order, with a fake az on PATH that records each call and
# keeps the template specs made: a first deployment creates every template
# spec (at the templates' digest), deploys everything but
# the edge (deployEdge=false), finds no certificate in the vault the
# environment made (looked up through Resource Manager: the vault takes
# no public traffic) and stops, exit 3, saying which vault and secret and
# the command to import it; once the secret is there, a run deploys
# everything at once, creating no template spec again
DZ="$MF/fakeaz"
mkdir -p "$DZ/bin"
cat >"$DZ/bin/az" <<'SH'
#!/bin/sh
echo "$*" >>"$FAKEAZ/log"
ts=$(echo "$*" | sed -n 's/.*--name \([^ ]*\) --version \([^ ]*\).*/\1@\2/p')
case "$1 $2 $3" in
"ts show --resource-group") [ -e "$FAKEAZ/ts/$ts" ] || exit 3 ;;
"ts create --resource-group") mkdir -p "$FAKEAZ/ts" && touch "$FAKEAZ/ts/$ts" ;;
"deployment group create") touch "$FAKEAZ/deployed" ;;
"deployment group show")
    [ -e "$FAKEAZ/deployed" ] || { echo "ERROR: DeploymentNotFound" >&2; exit 3; }
    case "$*" in
    *outputs.vaultName.value*) echo kv-fake-vault ;;
    *outputs.certificateName.value*) echo edge-tls ;;
    *) exit 1 ;;
    esac ;;
"resource show --resource-group")
    [ -e "$FAKEAZ/secret" ] || { echo "ERROR: (SecretNotFound)" >&2; exit 3; } ;;
esac
exit 0
SH
chmod +x "$DZ/bin/az"
D="$MF/out/production"
nspec=$(grep -c '^spec ' "$D/deploy.sh")
FAKEAZ=$DZ PATH="$DZ/bin:$PATH" sh "$D/deploy.sh" my-rg >"$DZ/out1" 2>"$DZ/err1"; st1=$?
cp "$DZ/log" "$DZ/log1"; : >"$DZ/log"; touch "$DZ/secret"
FAKEAZ=$DZ PATH="$DZ/bin:$PATH" sh "$D/deploy.sh" my-rg >"$DZ/out2" 2>"$DZ/err2"; st2=$?
order1=$(grep -v '^ts ' "$DZ/log1" | awk '{print $1, $2, $3}' | uniq | tr '\n' ',')
order2=$(grep -v '^ts ' "$DZ/log" | awk '{print $1, $2, $3}' | uniq | tr '\n' ',')
if [ "$st1" = 3 ] && [ "$(grep -c '^ts create' "$DZ/log1")" = "$nspec" ] && [ "$nspec" -ge 10 ] &&
   [ "$(grep -c '^ts ' "$DZ/log1")" = "$((2 * nspec))" ] &&
   [ "$(sed -n "$((2 * nspec + 1)),\$p" "$DZ/log1" | grep -c '^ts ')" = 0 ] &&
   [ "$(ls "$DZ/ts" | sed 's/.*@//' | sort -u | wc -l)" = 1 ] &&
   [ "$(grep -c '^ts create' "$DZ/log")" = 0 ] && [ "$(grep -c '^ts show' "$DZ/log")" = "$nspec" ] &&
   [ "$order1" = "deployment group show,deployment group create,deployment group show,resource show --resource-group," ] &&
   grep -q 'deployEdge=false' "$DZ/log1" && ! grep -q 'deployEdge=true' "$DZ/log1" &&
   grep -q -- '--parent vaults/kv-fake-vault --resource-type secrets --name edge-tls' "$DZ/log1" &&
   grep -q 'az keyvault certificate import --vault-name kv-fake-vault --name edge-tls --file CERT.pfx' "$DZ/err1" &&
   grep -q 'run deploy.sh again' "$DZ/err1" &&
   [ "$st2" = 0 ] && [ ! -s "$DZ/err2" ] &&
   [ "$order2" = "deployment group show,resource show --resource-group,deployment group create," ] &&
   grep -q 'deployEdge=true' "$DZ/log" && ! grep -q 'deployEdge=false' "$DZ/log"; then
    ok "manifests deploy-sh-stops-for-the-certificate-then-deploys-the-edge"
else bad "manifests deploy-sh-stops-for-the-certificate-then-deploys-the-edge" "status $st1 then $st2; $order1 | $order2; $(cat "$DZ/err1" "$DZ/err2" | head -12)"; fi
# a deployment without the outputs deploy.sh reads (an older main.json,
# say) stops with a message that says so, not with the shell's complaint
# about an unset variable
rm -f "$DZ/secret" "$DZ/deployed"; : >"$DZ/log"
sed 's/\*outputs.certificateName.value\*) echo edge-tls ;;/*outputs.certificateName.value*) exit 1 ;;/' "$DZ/bin/az" >"$DZ/bin/az2"
mv "$DZ/bin/az2" "$DZ/bin/az" && chmod +x "$DZ/bin/az"
FAKEAZ=$DZ PATH="$DZ/bin:$PATH" sh "$D/deploy.sh" my-rg >"$DZ/out3" 2>"$DZ/err3"; st3=$?
if [ "$st3" = 1 ] && grep -q '^deploy.sh: deployment topoc-production has no vaultName or certificateName output to read$' "$DZ/err3" &&
    ! grep -q 'parameter not set' "$DZ/err3"; then
    ok "manifests deploy-sh-without-outputs-says-so"
else bad "manifests deploy-sh-without-outputs-says-so" "status $st3: $(cat "$DZ/err3")"; fi

# apply.sh fills in the installation values and nothing else: a '$' in a
# spec's setting reaches the cluster as written, whatever the deployer's
# environment holds (a plain envsubst copied CI's secrets into it)
mkdir -p "$MF/dollar" "$MF/kubectl/bin"
cp -r "$ROOT/specs/tutorial/." "$MF/dollar/"
printf 'settings:\n  GREETING: "hello ${GH_TOKEN} $HOME"\n' >>"$MF/dollar/services/orders.yaml"
cat >"$MF/kubectl/bin/kubectl" <<'SH'
#!/bin/sh
if [ "$2" = - ]; then cat >>"$KUBE_LOG"; else cat "$3" >>"$KUBE_LOG"; fi
SH
chmod +x "$MF/kubectl/bin/kubectl"
: >"$MF/kubectl/log"
if "$TOPOC" build "$MF/dollar" -o "$MF/dollar.out" -q 2>/dev/null &&
   KUBE_LOG="$MF/kubectl/log" PATH="$MF/kubectl/bin:$PATH" GH_TOKEN=ghp_secret \
       AZURE_TENANT_ID=tenant-1 AZURE_CLIENT_ID_ORDERS=client-orders \
       sh "$MF/dollar.out/production/manifests/kubernetes/apply.sh" &&
   grep -q 'hello ${GH_TOKEN} $HOME' "$MF/kubectl/log" && ! grep -q ghp_secret "$MF/kubectl/log" &&
   grep -q 'client-orders' "$MF/kubectl/log" && ! grep -q 'AZURE_CLIENT_ID_ORDERS' "$MF/kubectl/log" &&
   grep -q 'kind: "Namespace"' "$MF/kubectl/log"; then
    ok "manifests kube-apply-fills-only-its-values"
else bad "manifests kube-apply-fills-only-its-values" "$(grep -n 'GREETING\|hello\|client-id' -A1 "$MF/kubectl/log" | head -8)"; fi

# changing one service's scaling changes only that service's files
mkdir -p "$MF/changed"
cp -r "$ROOT/specs/." "$MF/changed/"
sed -i 's/^  max: 10$/  max: 12/' "$MF/changed/services/files.yaml"
"$TOPOC" build "$MF/changed" -o "$MF/out2" -q 2>/dev/null
changed=$(diff -rq "$MF/out" "$MF/out2" | sed "s|$MF/out2\?/||g" | awk '{print $2}' | sort)
# (pictures and docs show the scaling too: tests/diagrams.sh has their own)
others=$(echo "$changed" | grep -v -e '^model.json$' -e '/manifests/[a-z]*/services/files\.[a-z]*$' \
    -e '^docs/' -e '^diagrams/' -e '^[a-z]*/diagrams/' -e '^[a-z]*/gateway/')  # its routes
if [ -z "$others" ] && echo "$changed" | grep -q '^production/manifests/kubernetes/services/files.yaml$' &&
   ! echo "$changed" | grep -q '^integration/'; then  # integration overrides max
    ok "manifests scaling-change-touches-only-its-files"
else bad "manifests scaling-change-touches-only-its-files" "$changed"; fi
# the changed build's templates are another version: deploy.sh makes every
# template spec again at it (the fake az keeps the first build's specs)
sed 's/\*outputs.certificateName.value\*) exit 1 ;;/*outputs.certificateName.value*) echo edge-tls ;;/' "$DZ/bin/az" >"$DZ/bin/az2"
mv "$DZ/bin/az2" "$DZ/bin/az" && chmod +x "$DZ/bin/az"
touch "$DZ/secret" "$DZ/deployed"; : >"$DZ/log"
FAKEAZ=$DZ PATH="$DZ/bin:$PATH" sh "$MF/out2/production/deploy.sh" my-rg >"$DZ/out4" 2>"$DZ/err4"; st4=$?
if [ "$st4" = 0 ] && [ "$(grep -c '^ts create' "$DZ/log")" = "$nspec" ] &&
   [ "$(ls "$DZ/ts" | sed 's/.*@//' | sort -u | wc -l)" = 2 ]; then
    ok "manifests deploy-sh-versions-by-content"
else bad "manifests deploy-sh-versions-by-content" "status $st4: $(grep -c '^ts create' "$DZ/log") made; $(cat "$DZ/err4" | head -3)"; fi

# spec text is data in every ARM template: each hostile '[...]' string of
# tests/manifests/hostile comes out escaped ('[[') and reads back as
# written; every expression left is one topoc builds (no list*(), no
# deployment(), nothing from the spec)
"$TOPOC" build "$ROOT/tests/manifests/hostile" -o "$MF/hostile" -q 2>/dev/null
if /usr/bin/python3 - "$ROOT/tests/manifests/hostile" "$MF/hostile" <<'PY'
import glob, json, re, sys, yaml
spec, out = sys.argv[1], sys.argv[2]
hostile = set()
def collect(v):
    if isinstance(v, dict): [collect(x) for x in v.values()]
    elif isinstance(v, list): [collect(x) for x in v]
    elif isinstance(v, str) and v.startswith("["): hostile.add(v)
for f in glob.glob(f"{spec}/**/*.yaml", recursive=True):
    collect(yaml.safe_load(open(f)))
assert len(hostile) >= 6, hostile
seen, exprs = set(), []
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(k); walk(x)
    elif isinstance(v, list): [walk(x) for x in v]
    elif isinstance(v, str) and v.startswith("[") and v.endswith("]"):
        if v.startswith("[["): seen.add(v[1:])       # what ARM makes of it
        else: exprs.append(v)
files = glob.glob(f"{out}/*/gateway/azure/*.json") + glob.glob(f"{out}/*/manifests/azure/**/*.json", recursive=True)
assert files
for f in files: walk(json.load(open(f)))
# every hostile string that reaches a template arrives escaped, as written
reached = {h for h in hostile if h in seen}
assert {"[listKeys('x', '2019-06-01')]", "[[already]",
        "[listSecrets(resourceId('Microsoft.Web/sites', 'x'), '2024-04-01')]"} <= reached, reached
for e in exprs:
    fns = set(re.findall(r"([A-Za-z]+)\(", re.sub(r"'(?:[^']|'')*'", "''", e)))
    assert not any(f.startswith("list") or f == "deployment" for f in fns), e
    assert e not in hostile, e
PY
then ok "manifests arm-spec-strings-escaped"; else bad "manifests arm-spec-strings-escaped"; fi

# every redundancy a store's kind takes, as Azure is asked for it: storage
# by its SKU, SQL by zone redundancy and where its backups go (gzrs once
# lost its geo backups: its letters were tested one by one), a cache by
# its tier and zones; the expectations are Azure's meanings, written here
# by hand, not read from topoc
rm -rf "$MF/red" && mkdir -p "$MF/red" && cp -r "$ROOT/specs/tutorial" "$MF/red/spec"
/usr/bin/python3 - "$MF/red/spec/platform.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s += "".join(f"  sql-{r}:\n    kind: sql\n    redundancy: {r}\n" for r in ("lrs", "zrs", "grs", "gzrs"))
s += "".join(f"  blob-{r}:\n    kind: blob\n    redundancy: {r}\n" for r in ("lrs", "zrs", "grs", "gzrs", "ra-grs", "ra-gzrs"))
s += "".join(f"  cache-{r}:\n    kind: cache\n    redundancy: {r}\n" for r in ("lrs", "zrs"))
open(p, "w").write(s)
PY
"$TOPOC" build -q "$MF/red/spec" -o "$MF/red/out" >/dev/null 2>&1
if out=$(/usr/bin/python3 - "$MF/red/out/production/manifests/azure" <<'PY'
import glob, json, sys
want = {
    "sql-lrs": (False, "Local"), "sql-zrs": (True, "Zone"),
    "sql-grs": (False, "Geo"), "sql-gzrs": (True, "GeoZone"),
    "blob-lrs": "Standard_LRS", "blob-zrs": "Standard_ZRS", "blob-grs": "Standard_GRS",
    "blob-gzrs": "Standard_GZRS", "blob-ra-grs": "Standard_RAGRS", "blob-ra-gzrs": "Standard_RAGZRS",
    "cache-lrs": ("Standard", None), "cache-zrs": ("Premium", ["1", "2"]),
}
got = {}
def walk(rs):
    for r in rs:
        t, name, p = r.get("type"), str(r.get("name")), r.get("properties", {})
        tags = r.get("tags", {})
        if t == "Microsoft.Sql/servers/databases":
            got[name.split("/")[-1]] = (p.get("zoneRedundant"), p.get("requestedBackupStorageRedundancy"))
        elif t == "Microsoft.Storage/storageAccounts":
            got[tags.get("store", name)] = r["sku"]["name"]
        elif t == "Microsoft.Cache/redis":
            got[name.rsplit("production-", 1)[-1]] = (p["sku"]["name"], r.get("zones"))
        walk(r.get("resources", []))
for f in glob.glob(sys.argv[1] + "/stores-*.json"):
    walk(json.load(open(f))["resources"])
bad = [f"{k}: {got.get(k)} not {v}" for k, v in want.items() if got.get(k) != v]
print("; ".join(bad) or f"{len(want)} stores as asked")
sys.exit(1 if bad else 0)
PY
); then ok "manifests every-redundancy-as-azure-means-it ($out)"; else bad "manifests every-redundancy-as-azure-means-it" "$out"; fi
