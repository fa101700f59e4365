# tests/diagrams.sh - the pictures and the docs catalogue: every view is
# there and well-formed, the layout reads left to right (from the SVG's
# geometry), adding a service changes only what is about it, --highlight
# draws findings red, and the docs page opens in headless Chromium with
# every image loaded and every link resolving; sourced by tests/run.sh.
DG=$TMP/diagrams
mkdir -p "$DG"
PY=/usr/bin/python3
"$TOPOC" build "$ROOT/specs" -o "$DG/a" -q 2>/dev/null

# every view of every environment, domain and service
if missing=$($PY - "$DG/a" <<'PY'
import json, os, sys
out = sys.argv[1]
m = json.load(open(f"{out}/model.json"))
want = ["diagrams/overview.dot", "diagrams/overview.svg", "diagrams/overview.png", "docs/index.html"]
for env, em in m["environments"].items():
    want += [f"{env}/diagrams/network.{x}" for x in ("dot", "svg", "png")]
    for g in {s["group"] for s in em["services"].values()}:
        want += [f"{env}/diagrams/domains/{g}.{x}" for x in ("dot", "svg")]
    want += [f"{env}/diagrams/services/{n}.{x}" for n in em["services"] for x in ("dot", "svg")]
print(" ".join(w for w in want if not os.path.isfile(f"{out}/{w}")))
PY
) && [ -z "$missing" ]; then ok "diagrams every-view-written"; else bad "diagrams every-view-written" "missing: $missing"; fi
# PNG only for the pictures one pastes where SVG is not shown (the overview
# and each environment's network): a constant number, whatever the platform
pngs=$(cd "$DG/a" && find . -name '*.png' | sort | tr '\n' ' ')
if [ "$pngs" = "./diagrams/overview.png ./integration/diagrams/network.png ./production/diagrams/network.png " ]; then
    ok "diagrams png-only-for-the-overview-and-networks"; else bad "diagrams png-only-for-the-overview-and-networks" "$pngs"; fi
if out=$(find "$DG/a" -name '*.svg' -print0 | xargs -0 xmllint --noout 2>&1) && [ -z "$out" ]; then
    ok "diagrams svg-well-formed ($(find "$DG/a" -name '*.svg' | wc -l) files)"; else bad "diagrams svg-well-formed" "$out"; fi
if out=$(find "$DG/a" -name '*.png' -print0 | xargs -0 $PY "$ROOT/tests/diagrams/png_check.py"); then
    ok "diagrams png-whole ($(echo "$out" | grep -c '^ok') files)"; else bad "diagrams png-whole" "$(echo "$out" | grep FAIL)"; fi
if out=$($PY "$ROOT/tests/diagrams/svg_layout.py" "$DG/a"); then
    ok "diagrams layout ($(echo "$out" | grep -c '^ok') checks)"; else bad "diagrams layout" "$(echo "$out" | grep FAIL)"; fi
# the checker sees a picture that breaks the rules: a source drawn far left
cp -r "$DG/a" "$DG/m"
sed 's/<title>sources:accounting<\/title>/&<polygon points="0,0 1,1 0,1"\/>/' \
    "$DG/a/integration/diagrams/network.svg" >"$DG/m/integration/diagrams/network.svg"
out=$($PY "$ROOT/tests/diagrams/svg_layout.py" "$DG/m")
if echo "$out" | grep -q "^FAIL integration network: left to right" &&
    echo "$out" | grep -q "^ok   production network: left to right"; then
    ok "diagrams layout-check-catches-a-bad-picture"; else bad "diagrams layout-check-catches-a-bad-picture" "$out"; fi

# the checker sees a store edge drawn from where the data is not used (its
# start moved into the gateway) and a legend without a sample the picture
# uses (the data store's)
$PY - "$DG/a" "$DG/w" <<'PY'
import re, shutil, sys
a, w = sys.argv[1:3]
shutil.copytree(a, w)
net = f"{w}/integration/diagrams/network.svg"
svg = open(net).read()
svg = re.sub(r'(<title>svc:[^<]*&#45;&gt;store:[^<]*</title>.*?<path [^>]* d=")M[0-9.]+,-?[0-9.]+',
             r"\1M531.41,-100", svg, count=1, flags=re.S)
svg = svg.replace(">data store</text>", ">?</text>", 1)
open(net, "w").write(svg)
PY
out=$($PY "$ROOT/tests/diagrams/svg_layout.py" "$DG/w")
if echo "$out" | grep -q "^FAIL integration network: .* store uses drawn" &&
    echo "$out" | grep -q "^FAIL legends show .*integration/diagrams/network.svg', 'data store'" &&
    echo "$out" | grep -q "^ok   production network: .* store uses drawn"; then
    ok "diagrams store-edge-and-legend-checks-catch-a-bad-picture"
else bad "diagrams store-edge-and-legend-checks-catch-a-bad-picture" "$(echo "$out" | grep -v '^ok')"; fi
rm -rf "$DG/w"
# the checker sees an edge label on an environment's title (as dot once drew
# the overview's "1 call" under it) and a legend's words outside its box
$PY - "$DG/a" "$DG/o" <<'PY'
import re, shutil, sys
a, o = sys.argv[1:3]
shutil.copytree(a, o)
path = f"{o}/diagrams/overview.svg"
svg = open(path).read()
x, y = re.search(r'<title>cluster_production</title>\s*<path [^>]*/>\s*'
                 r'<text text-anchor="middle" x="([-0-9.]+)" y="([-0-9.]+)"', svg).groups()
svg = re.sub(r'(<title>production:[^<]*&#45;&gt;[^<]*</title>\s*<path [^>]*/>\s*<polygon [^>]*/>\s*'
             r'<text text-anchor="middle" )x="[-0-9.]+" y="[-0-9.]+"', rf'\1x="{x}" y="{y}"', svg, count=1)
svg = re.sub(r'(<title>legend_[0-9_]+</title>(?:\s*<(?:polygon|ellipse|path|polyline) [^>]*/>)*\s*'
             r'<text text-anchor="\w+" x="[-0-9.]+" y=")([-0-9.]+)',
             lambda m: m.group(1) + str(float(m.group(2)) + 500), svg, count=1)
open(path, "w").write(svg)
PY
out=$($PY "$ROOT/tests/diagrams/svg_layout.py" "$DG/o")
if echo "$out" | grep -q "^FAIL no edge label covers a cluster's title .*'diagrams/overview.svg', '[0-9]* [a-z]*', 'production" &&
    echo "$out" | grep -q "^FAIL the legend's words inside its box .*'diagrams/overview.svg'" &&
    echo "$out" | grep -q "^ok   a legend in each"; then
    ok "diagrams label-and-legend-checks-catch-a-bad-picture"
else bad "diagrams label-and-legend-checks-catch-a-bad-picture" "$(echo "$out" | grep -v '^ok')"; fi
rm -rf "$DG/o"
# a platform small enough to draw its calls between services: each one an
# edge (the example platform's are too many: its caption says where they are)
"$TOPOC" build "$ROOT/specs/tutorial" -o "$DG/t" -q 2>/dev/null
if out=$($PY "$ROOT/tests/diagrams/svg_layout.py" "$DG/t") && echo "$out" | grep -q "^ok   production network: 1 calls between services drawn"; then
    ok "diagrams tutorial-layout ($(echo "$out" | grep -c '^ok') checks)"; else bad "diagrams tutorial-layout" "$(echo "$out" | grep -v '^ok')"; fi

# a domain's route labels: at most 4 routes per edge, the rest counted on a
# line of their own
more=$(cat "$DG"/a/*/diagrams/domains/*.dot | grep -c '^(+[0-9]* more)')
if [ "$more" -gt 0 ] && ! grep -q '.(+[0-9]* more)' "$DG"/a/*/diagrams/domains/*.dot; then
    ok "diagrams route-labels-count-the-rest ($more edges)"
else bad "diagrams route-labels-count-the-rest" "$(grep -h '(+[0-9]* more)' "$DG"/a/*/diagrams/domains/*.dot | head -3)"; fi

# a DOT file is the graph before layout: no coordinates, and no GVC needed
if grep -l 'pos=\|bb=' "$DG"/a/*/diagrams/network.dot >/dev/null; then
    bad "diagrams dot-has-no-layout"; else ok "diagrams dot-has-no-layout"; fi

# adding one service changes the pictures about it and nothing else, and
# the rest of the network DOT keeps its order
mkdir -p "$DG/s2/services"
cp "$ROOT/specs/platform.yaml" "$ROOT/specs/waivers.yaml" "$DG/s2/" && cp "$ROOT"/specs/services/*.yaml "$DG/s2/services/"
cp -r "$ROOT/specs/openapi" "$DG/s2/"
sed 's/^service: billing$/service: billing-export/; s/billing:4.3.2/billing-export:1.0.0/' \
    "$ROOT/specs/services/billing.yaml" >"$DG/s2/services/billing-export.yaml"
"$TOPOC" build "$DG/s2" -o "$DG/b" -q 2>/dev/null
changed=$(cd "$DG" && diff -rq a b 2>&1 | grep -v 'gateway\|manifests\|model.json\|main.json\|haproxy\|\.topoc-output\|[ab]/docs' |
    sed -E 's#^Files a/([^ ]+) and b/[^ ]+ differ#\1#; s#^Only in b/([^:]+): (.*)#\1/\2 (new)#' | sort | tr '\n' ' ')
want=""
for env in integration production; do
    want="$want$env/diagrams/domains/platform-core.dot $env/diagrams/domains/platform-core.svg "
    want="$want$env/diagrams/network.dot $env/diagrams/network.png $env/diagrams/network.svg "
    want="$want$env/diagrams/services/billing-export.dot (new) $env/diagrams/services/billing-export.svg (new) "
    want="$want$env/diagrams/services/usage-metering.dot $env/diagrams/services/usage-metering.svg "
done
want=$(echo "$want diagrams/overview.dot diagrams/overview.png diagrams/overview.svg" | tr ' ' '\n' |
    sed 's/^(new)$//' | grep . | sort | tr '\n' ' ')
changed_names=$(echo "$changed" | sed 's/ (new)//g' | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
if [ "$changed_names" = "$want" ]; then ok "diagrams add-service-changes-only-its-pictures"
else bad "diagrams add-service-changes-only-its-pictures" "changed: $changed_names
wanted:  $want"; fi
if $PY - "$DG/a" "$DG/b" <<'PY'
import json, sys
a, b = sys.argv[1:3]
m = json.load(open(f"{b}/model.json"))
for env, em in m["environments"].items():
    group = {n for n, s in em["services"].items() if s["group"] == "platform-core"} | {"platform-core"}
    def rest(path):  # the statements not about the new service's domain
        return [st for st in open(path).read().split(";\n")
                if not any(f"svc:{n}\"" in st or f"{n} (" in st for n in group)]
    old, new = rest(f"{a}/{env}/diagrams/network.dot"), rest(f"{b}/{env}/diagrams/network.dot")
    assert old == new, (env, [l for l in old if l not in new][:3], [l for l in new if l not in old][:3])
    assert "svc:billing-export" in open(f"{b}/{env}/diagrams/network.dot").read()
PY
then ok "diagrams add-service-keeps-dot-order"; else bad "diagrams add-service-keeps-dot-order"; fi

# --highlight: the findings of check, in red, in the views
"$TOPOC" check --highlight -o "$DG/h" --today 2026-01-01 "$ROOT/specs/broken" >/dev/null 2>&1
st=$?
"$TOPOC" check --today 2026-01-01 --format json "$ROOT/specs/broken" >"$DG/h.json" 2>/dev/null
if [ "$st" = 1 ] && out=$($PY - "$DG/h" "$DG/h.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
out, findings = sys.argv[1], json.load(open(sys.argv[2]))
S = "{http://www.w3.org/2000/svg}"

def drawn(path):
    """The titles of the nodes and edges in a picture, and those in red
    (the legend's samples left out)."""
    every, reds = set(), set()
    for g in ET.parse(path).getroot().iter(S + "g"):
        t = g.find(S + "title")
        if t is None or g.get("class") not in ("node", "edge") or t.text.startswith("legend_"):
            continue
        every.add(t.text)
        if any(el.get("stroke") == "#cc0000" for el in g.iter()):
            reds.add(t.text)
    return every, reds

targets = [d["target"] for d in findings["diagnostics"]
           if d["target"] and d["severity"] != "note" and not d["suppressed"]]
for env in ("integration", "production"):
    every, reds = drawn(f"{out}/{env}/diagrams/network.svg")
    want = set()
    for t in targets:
        t = t[len(env) + 1:] if t.startswith(env + "/") else t
        kind, _, rest = t.partition("/")
        if kind in ("service", "store"):
            want.add(("svc:" if kind == "service" else "store:") + rest.split("/")[0])
        elif t in ("edge/gateway", "edge/waf"):
            want.add("edge:" + t[5:])
    nodes = {n for n in reds if "->" not in n}
    assert nodes == want & every, (env, "red without a finding", nodes - want,
                                   "finding not red", (want & every) - nodes)
    assert nodes, env
    print(env, len(nodes), "red nodes")
every, reds = drawn(f"{out}/integration/diagrams/network.svg")
assert any(e.startswith("edge:gateway->") for e in reds), "the gateway's edge to routes with findings"
assert not any(e.startswith("edge:gateway->") for e in drawn(f"{out}/production/diagrams/network.svg")[1]), \
    "no route finding in production"
every, reds = drawn(f"{out}/integration/diagrams/services/web.svg")
assert "svc:web" in reds and "edge:gateway->svc:web" in reds, reds
PY
); then ok "diagrams highlight-draws-findings-red"; else bad "diagrams highlight-draws-findings-red" "status $st; $out"; fi
# on top of a build it replaces only the views
"$TOPOC" build "$ROOT/specs/tutorial" -o "$DG/k" -q 2>/dev/null
"$TOPOC" check --highlight -o "$DG/k" -q "$ROOT/specs/tutorial" 2>/dev/null
if [ -f "$DG/k/production/gateway/routes.json" ] && [ -f "$DG/k/production/diagrams/network.svg" ] &&
    [ -f "$DG/k/docs/index.html" ] && ! ls -a "$DG" | grep -q '^\.k\.topoc-'; then
    ok "diagrams highlight-keeps-the-build"; else bad "diagrams highlight-keeps-the-build" "$(ls -aR "$DG/k" | head)"; fi
"$TOPOC" build --highlight "$ROOT/specs/tutorial" -o "$DG/x" >/dev/null 2>"$DG/x.err"
if [ $? = 2 ] && grep -q "topoc check --highlight" "$DG/x.err" && [ ! -e "$DG/x" ]; then
    ok "diagrams highlight-only-with-check"; else bad "diagrams highlight-only-with-check" "$(cat "$DG/x.err")"; fi
"$TOPOC" check --highlight -o "$DG/y" "$ROOT/tests/cases/missing-key/spec" >/dev/null 2>&1
if [ $? = 1 ] && [ ! -e "$DG/y" ]; then ok "diagrams highlight-nothing-without-a-model"
else bad "diagrams highlight-nothing-without-a-model"; fi

# a platform too large to draw service by service: 1,000 services with one
# domain holding 900 of them (where dot once ran for hours) builds within a
# generous bound (a guard against the cliff, not a benchmark: make bench
# measures), and its pictures are aggregated, say so, and account for every
# service; so is an overview of 24 domains of 20.  Under the sanitizers
# (ten times slower) 300 services, which still aggregate every view.
HUGE=1000
case "$TOPOC" in */asan/*) HUGE=300 ;; esac
$PY "$ROOT/tests/bench/gen.py" $HUGE "$DG/huge" >/dev/null
$PY "$ROOT/tests/bench/gen.py" 480 "$DG/many" 3 20 >/dev/null
t0=$(date +%s)
# (its peak resident memory, from the children's rusage, in KB)
$PY -c 'import resource, subprocess, sys
st = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(st)' "$DG/huge.peak" timeout 900 "$TOPOC" build -q --stats -o "$DG/huge.out" "$DG/huge" 2>"$DG/huge.err"
st=$? secs=$(($(date +%s) - t0))
slowest=$(grep -o 'layout .* s (' "$DG/huge.err" | awk '{print $(NF-2)}' | sort -g | tail -1)
if [ $st = 0 ] && [ "$secs" -le 600 ]; then
    ok "diagrams huge-domain-builds ($HUGE services, $secs s, slowest layout ${slowest:-?} s)"
else bad "diagrams huge-domain-builds" "status $st after $secs s; $(tail -3 "$DG/huge.err")"; fi
# ... and does not hold what it writes: a build that kept its outputs in
# memory until the end peaks above the bytes it wrote (the sanitizers'
# shadow memory says nothing about this)
written=$(du -sk --apparent-size "$DG/huge.out" | cut -f1) peak=$(cat "$DG/huge.peak")
case "$TOPOC" in
*/asan/*) ;;
*) if [ "$st" = 0 ] && [ "$peak" -lt "$written" ]; then
       ok "diagrams huge-build-streams-its-outputs (peak $((peak / 1024)) MB, wrote $((written / 1024)) MB)"
   else bad "diagrams huge-build-streams-its-outputs" "peak $peak KB, wrote $written KB"; fi
   # build --check makes the same files into a scratch folder and compares
   # them one by one: it holds no more than the build did (it once held
   # every file's content, 2 GB at 10,000 services), and leaves nothing
   scratch=$(mktemp -d)
   TMPDIR=$scratch $PY -c 'import resource, subprocess, sys
st = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(st)' "$DG/huge.cpeak" timeout 900 "$TOPOC" build -q --check -o "$DG/huge.out" "$DG/huge" 2>/dev/null
   cst=$? cpeak=$(cat "$DG/huge.cpeak")
   if [ "$cst" = 0 ] && [ "$cpeak" -lt "$written" ] && [ -z "$(ls -A "$scratch")" ]; then
       ok "diagrams huge-build-check-streams (peak $((cpeak / 1024)) MB, compared $((written / 1024)) MB)"
   else bad "diagrams huge-build-check-streams" "status $cst, peak $cpeak KB, compared $written KB; left: $(ls "$scratch")"; fi
   rm -rf "$scratch" ;;
esac
timeout 900 "$TOPOC" build -q -o "$DG/many.out" "$DG/many" 2>/dev/null
if out=$($PY "$ROOT/tests/diagrams/svg_aggregated.py" "$DG/huge.out") &&
    out2=$($PY "$ROOT/tests/diagrams/svg_aggregated.py" "$DG/many.out") &&
    echo "$out2" | grep -q '^ok   overview'; then
    ok "diagrams aggregated-views ($(echo "$out$out2" | grep -c '^ok') checks)"
else bad "diagrams aggregated-views" "$(echo "$out"; echo "${out2:-}" | grep -v '^ok')"; fi
# the checker sees an aggregated picture that loses services: the largest
# domain's count, one less
big=$(grep -o '>[0-9]* services<' "$DG/huge.out/integration/diagrams/network.svg" | tr -dc '0-9\n' | sort -n | tail -1)
sed "s/>$big services</>$((big - 1)) services</" "$DG/huge.out/integration/diagrams/network.svg" >"$DG/bad-network.svg"
cp -r "$DG/huge.out" "$DG/huge.bad" && cp "$DG/bad-network.svg" "$DG/huge.bad/integration/diagrams/network.svg"
out=$($PY "$ROOT/tests/diagrams/svg_aggregated.py" "$DG/huge.bad")
if echo "$out" | grep -q "^FAIL integration network: .* account for $((HUGE - 1))"; then
    ok "diagrams aggregated-check-catches-a-lost-service"; else bad "diagrams aggregated-check-catches-a-lost-service" "$out"; fi
rm -rf "$DG/huge.bad" "$DG/huge.out" "$DG/many.out"

# platforms the bench generator makes at sizes and domain shapes between the
# example and the aggregated views build in bounded time (a guard against a
# cliff, not a benchmark): the generator's 40 services in domains of 20 once
# sent Graphviz 2.43's mincross into an endless loop, on two services in one
# column calling each other.  No DOT file holds a cycle of edges inside one
# rank, or a labelled edge inside one, whatever the view.
hung=""
for shape in "40 20" "25 0" "45 7" "60 20"; do
    set -- $shape
    rm -rf "$DG/gen" "$DG/gen.out"
    $PY "$ROOT/tests/bench/gen.py" "$1" "$DG/gen" 3 "$2" >/dev/null
    if ! timeout 300 "$TOPOC" build -q -o "$DG/gen.out" "$DG/gen" >/dev/null 2>&1; then
        hung="$hung $1/$2:status-$?"
    elif ! out=$($PY "$ROOT/tests/diagrams/dot_ranks.py" "$DG/gen.out"); then
        hung="$hung $1/$2:$(echo "$out" | head -2)"
    fi
done
if [ -z "$hung" ] && out=$($PY "$ROOT/tests/diagrams/dot_ranks.py" "$DG/a" "$DG/t"); then
    ok "diagrams generated-sizes-lay-out ($out)"
else bad "diagrams generated-sizes-lay-out" "$hung ${out:-}"; fi

# a domain of many data flows draws them from its box, one per store, and
# the caption says so: 108 services of one domain drew some 110 dashed
# loops around it into the stores' column (the connectors' 12 stay each)
rm -rf "$DG/gen" "$DG/gen.out"
$PY "$ROOT/tests/bench/gen.py" 120 "$DG/gen" >/dev/null
if out=$("$TOPOC" build -q -o "$DG/gen.out" "$DG/gen" >/dev/null 2>"$DG/gen.err" && $PY - "$DG/gen.out/production/diagrams" <<'PY'
import re, sys
d = sys.argv[1]
dot = open(f"{d}/network.dot").read()
edges = re.findall(r'"([^"]+)" -> "(store:[^"]+)"\s*(\[[^\]]*\])?', dot)
boxed = [e for e in edges if "ltail=" in e[2]]
each = [e for e in edges if "ltail=" not in e[2] and "invis" not in e[2]]
assert len(boxed) == 4 and len({e[1] for e in boxed}) == 4, boxed
assert 0 < len(each) <= 24, len(each)
assert "data flows (its own picture)" in open(f"{d}/network.svg").read()
print(f"{len(boxed)} from the box, {len(each)} each")
PY
2>&1); then ok "diagrams domain-data-flows-from-its-box ($out)"
else bad "diagrams domain-data-flows-from-its-box" "$out"; fi
rm -rf "$DG/gen" "$DG/gen.out"
rm -rf "$DG/gen" "$DG/gen.out"
# the checker sees what dot cannot lay out: a cycle inside a rank (here
# across two clusters) and a labelled edge inside one
mkdir -p "$DG/flat"
cat >"$DG/flat/cycle.dot" <<'DOT'
digraph view {
	subgraph "cluster_grp:a" {
		"svc:a"	[label="a
1"];
	}
	subgraph "cluster_grp:b" {
		"svc:b";
	}
	subgraph rank_col0 {
		graph [rank=same];
		"svc:a";
		"svc:b";
	}
	"svc:a" -> "svc:b";
	"svc:b" -> "svc:a"	[tooltip="b calls a"];
}
DOT
sed 's/^\t"svc:b" -> "svc:a".*/\t"svc:a" -> "svc:b"\t[label="GET \/x",\n\t\ttooltip=x];/' "$DG/flat/cycle.dot" >"$DG/flat/label.dot"
out=$($PY "$ROOT/tests/diagrams/dot_ranks.py" "$DG/flat")
if echo "$out" | grep -q '^FAIL .*cycle.dot: a cycle of flat edges: svc:a -> svc:b -> svc:a' &&
    echo "$out" | grep -q '^FAIL .*label.dot: labelled flat edge svc:a -> svc:b' &&
    ! echo "$out" | grep -q 'label.dot: .*cycle'; then
    ok "diagrams flat-edge-check-catches-a-bad-graph"
else bad "diagrams flat-edge-check-catches-a-bad-graph" "$out"; fi
rm -rf "$DG/flat"
# a layout that does not finish within the time limit (here 1 ms) is
# killed with its worker and the picture packed instead: the build goes
# on, and says so on stderr and in the caption of each picture packed;
# every other picture is as before
rm -rf "$DG/slow"
err=$(TOPOC_LAYOUT_SECONDS=0.001 timeout 600 "$TOPOC" build -q -o "$DG/slow" "$ROOT/specs" 2>&1 >/dev/null); st=$?
out=$($PY - "$DG/a" "$DG/slow" "$err" <<'PY'
import filecmp, os, re, sys
a, slow, err = sys.argv[1:4]
packed = set(re.findall(r"^topoc: warning: (\S+): Graphviz did not finish within 0.001 s; drawn packed by group instead$", err, re.M))
print(f"packed {len(packed)}")
for base in sorted(packed):
    svg = open(f"{slow}/{base}.svg").read()
    if "packed by group: Graphviz did not finish within 0.001 s" not in svg:
        print(f"FAIL {base}: no caption")
same = 0
for root, _, files in os.walk(f"{a}"):
    for f in files:
        if not f.endswith(".svg") or "/diagrams/" not in f"{root}/":
            continue
        rel = os.path.relpath(f"{root}/{f}", a)
        if rel.startswith("docs/") or rel[:-4] in packed:
            continue
        if not filecmp.cmp(f"{root}/{f}", f"{slow}/{rel}", shallow=False):
            print(f"FAIL {rel}: changed though not packed")
        same += 1
print(f"same {same}")
PY
)
if [ "$st" = 0 ] && echo "$out" | grep -q '^packed [1-9]' && ! echo "$out" | grep -q FAIL &&
    echo "$err" | grep -q '^topoc: warning: integration/diagrams/network: Graphviz did not finish within 0.001 s; drawn packed by group instead$' &&
    xmllint --noout "$DG/slow/integration/diagrams/network.svg"; then
    ok "diagrams layout-time-limit-packs ($(echo "$out" | tr '\n' ' '))"
else bad "diagrams layout-time-limit-packs" "status $st: $out $(echo "$err" | grep -v '^ \|note:\|help:' | head -3)"; fi
rm -rf "$DG/slow"
