# tests/review.sh - the review workflow: build --check, route, diff;
# sourced by tests/run.sh (TOPOC, ROOT, TMP, ok, bad).  The golden outputs
# of route and diff are cases in tests/cases/ (route-*, diff-*).

# rexpect NAME STATUS CMD...: CMD exits with STATUS
rexpect() {
    local name=$1 want=$2
    shift 2
    timeout 120 "$@" >"$TMP/review.out" 2>"$TMP/review.err"
    local got=$?
    if [ "$got" = "$want" ]; then ok "review $name"; else
        bad "review $name" "exit status $got, expected $want
$(head -20 "$TMP/review.err")"
    fi
}

# -- build --check: clean, stale, missing, extra; nothing written --
BC=$TMP/build-check
mkdir -p "$BC"
cp -a "$ROOT/specs/tutorial" "$BC/spec"
(cd "$BC" && "$TOPOC" build spec -o out -q 2>/dev/null) || bad "build-check: the tutorial does not build"
(cd "$BC" && "$TOPOC" build --check spec -o out -q >"$TMP/bc.out" 2>&1)
status=$?
if [ "$status" = 0 ] && grep -q "^topoc: out is up to date" "$TMP/bc.out"; then
    ok "build-check clean"; else bad "build-check clean" "status $status; $(cat "$TMP/bc.out")"; fi
# what the next build does with each difference: writes it (missing,
# stale), deletes it (extra: the manifest lists it, the build would not
# write it), or refuses the folder for it (foreign: not written by topoc)
echo "keep me" >"$BC/out/NOTES.md"
echo "# edited by hand" >>"$BC/out/production/gateway/routes.json"
rm "$BC/out/integration/gateway/haproxy/haproxy.cfg"
echo stray >"$BC/out/production/gateway/old-routes.json"
mkdir -p "$BC/out/docs/old" && echo stray >"$BC/out/docs/old/index.html"
snapshot() { (cd "$BC/out" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot >"$TMP/bc.before"
# the report is stdout; stderr holds the spec's notices (k8s-scale-in) only
(cd "$BC" && "$TOPOC" build --check spec -o out -q >"$TMP/bc.out" 2>"$TMP/bc.err")
status=$?
grep -q ": \(error\|warning\): " "$TMP/bc.err" && status="$status, stderr: $(head -3 "$TMP/bc.err")"
{
    printf 'missing integration/gateway/haproxy/haproxy.cfg\nstale   production/gateway/routes.json\n'
    printf 'foreign NOTES.md\nforeign docs/old\nforeign production/gateway/old-routes.json\n'
    printf "topoc: out is out of date: 1 stale, 1 missing, 0 extra, 3 foreign; a build replaces out whole and refuses to delete what topoc did not write: move the foreign entries away, then rebuild it with: topoc build spec -o out\n"
} >"$TMP/bc.want"
if [ "$status" = 1 ] && diff -u "$TMP/bc.want" "$TMP/bc.out" >"$TMP/bc.diff"; then
    ok "build-check stale, missing, foreign"; else bad "build-check stale, missing, foreign" "status $status; $(cat "$TMP/bc.diff")"; fi
snapshot >"$TMP/bc.after"
if cmp -s "$TMP/bc.before" "$TMP/bc.after" && [ -z "$(find "$BC" -name '*.topoc-[0-9]*' -o -name '*.tmp*')" ]; then
    ok "build-check writes nothing"; else bad "build-check writes nothing"; fi
# what check calls foreign is what the build refuses, and its advice works:
# the foreign entries moved away, the command it gives rebuilds the folder
(cd "$BC" && "$TOPOC" build spec -o out -q >/dev/null 2>"$TMP/bc.err")
status=$?
refused=$(sed -n 's/^  \(.*\): not written by topoc$/\1/p' "$TMP/bc.err" | tr '\n' ' ')
if [ "$status" = 2 ] && [ "$refused" = "NOTES.md docs/old production/gateway/old-routes.json " ]; then
    ok "build-check foreign is what build refuses"; else bad "build-check foreign is what build refuses" "status $status; refused: $refused"; fi
rm -r "$BC/out/NOTES.md" "$BC/out/docs/old" "$BC/out/production/gateway/old-routes.json"
advice=$(sed -n "s/.*rebuild it with: topoc //p" "$TMP/bc.out")
(cd "$BC" && eval "\"\$TOPOC\" $advice -q" 2>/dev/null && "$TOPOC" build --check spec -o out -q >/dev/null 2>&1)
status=$?
if [ "$status" = 0 ] && [ "$advice" = "build spec -o out" ]; then
    ok "build-check its advice rebuilds the folder"; else bad "build-check its advice rebuilds the folder" "status $status; advice: $advice"; fi
# extra: written by the last build (its manifest lists it), not by this one;
# the next build deletes it, as the check says
cp -a "$BC/spec" "$BC/spec2" && rm "$BC/spec2/services/orders.yaml"
(cd "$BC" && "$TOPOC" build --check spec2 -o out -q >"$TMP/bc.out" 2>/dev/null)
status=$?
extras=$(grep -c '^extra   ' "$TMP/bc.out")
if [ "$status" = 1 ] && [ "$extras" -gt 0 ] && ! grep -q '^foreign' "$TMP/bc.out" &&
    grep -q "rebuild it (which deletes the extra files) with: topoc build spec2 -o out$" "$TMP/bc.out"; then
    ok "build-check extra"; else bad "build-check extra" "status $status; $(tail -3 "$TMP/bc.out")"; fi
(cd "$BC" && "$TOPOC" build spec2 -o out -q 2>/dev/null && "$TOPOC" build --check spec2 -o out -q >/dev/null 2>&1)
status=$?
left=$(sed -n 's/^extra   //p' "$TMP/bc.out" | while read -r f; do [ -e "$BC/out/$f" ] && echo "$f"; done)
if [ "$status" = 0 ] && [ -z "$left" ]; then ok "build-check extra deleted by the build"; else bad "build-check extra deleted by the build" "status $status; left: $left"; fi
(cd "$BC" && "$TOPOC" build spec -o out -q 2>/dev/null)
# the manifest makes the folder topoc's: without it everything is foreign
# (the build refuses it all), each top-level entry once
rm "$BC/out/.topoc-output"
(cd "$BC" && "$TOPOC" build --check spec -o out -q >"$TMP/bc.out" 2>&1)
status=$?
if [ "$status" = 1 ] && grep -qx "foreign model.json" "$TMP/bc.out" && ! grep -q '^extra\|^foreign .*/' "$TMP/bc.out"; then
    ok "build-check folder without manifest"; else bad "build-check folder without manifest" "status $status; $(cat "$TMP/bc.out")"; fi
cp -a "$BC/spec" "$BC/my spec"
(cd "$BC" && "$TOPOC" build --check "my spec" -o out -q >"$TMP/bc.out" 2>&1)
if grep -q "rebuild it with: topoc build 'my spec' -o out$" "$TMP/bc.out"; then
    ok "build-check advice quotes for the shell"; else bad "build-check advice quotes for the shell" "$(tail -2 "$TMP/bc.out")"; fi
rm -rf "$BC/out" && (cd "$BC" && "$TOPOC" build spec -o out -q 2>/dev/null)
(cd "$BC" && "$TOPOC" build --check spec -o nowhere -q >"$TMP/bc.out" 2>&1)
status=$?
if [ "$status" = 2 ] && [ ! -e "$BC/nowhere" ]; then ok "build-check missing dir is trouble"; else bad "build-check missing dir is trouble" "status $status"; fi
(cd "$BC" && "$TOPOC" build --check "$ROOT/tests/rules/route-shadowed/fail.yaml" -o out -q >"$TMP/bc.out" 2>"$TMP/bc.err")
status=$?
if [ "$status" = 1 ] && grep -q 'route-shadowed' "$TMP/bc.err" && [ ! -s "$TMP/bc.out" ]; then
    ok "build-check spec errors"; else bad "build-check spec errors" "status $status"; fi
rexpect check-flag-only-for-build 2 "$TOPOC" check --check "$ROOT/specs/tutorial"

# -- route: every route of the example answers with itself for its sample
#    URL (routes.json), with the same matcher as the gateways --
RT=$TMP/route
(cd "$ROOT" && "$TOPOC" build specs -o "$RT" -q 2>/dev/null) || bad "route: the example does not build"
if out=$(python3 - "$TOPOC" "$ROOT/specs" "$RT" <<'PY'
import json, subprocess, sys
topoc, spec, out = sys.argv[1:4]
problems, count = [], 0
for env in ["integration", "production"]:
    table = json.load(open("%s/%s/gateway/routes.json" % (out, env)))["routes"]
    args, want = [], []
    for i, r in enumerate(table):
        if "sample" in r:
            args += [r["methods"][0], "https://%s%s" % (r["host"], r["sample"])]
            want.append(i + 1)
    p = subprocess.run([topoc, "route", "--env", env, "--format", "json", "-q", spec] + args,
                       capture_output=True, text=True)
    for w, g in zip(want, json.loads(p.stdout)):
        count += 1
        got = g.get("route", {})
        if got.get("index") != w or got.get("path") != table[w - 1]["path"]:
            problems.append("%s %s: route %d answered by %s" % (env, g["request"]["url"], w, got))
    if len(want) < 100:
        problems.append("%s: only %d samples" % (env, len(want)))
print("%d samples" % count)
print("\n".join(problems[:10]))
sys.exit(1 if problems else 0)
PY
); then ok "route every example route answers its sample ($out)"; else bad "route every example route answers its sample" "$out"; fi
rexpect route-bad-method 2 "$TOPOC" route "$ROOT/specs/tutorial" FETCH https://api.books.example/orders/1
rexpect route-not-a-url 2 "$TOPOC" route "$ROOT/specs/tutorial" GET /orders/1
rexpect route-unknown-env 2 "$TOPOC" route --env staging "$ROOT/specs/tutorial" GET https://api.books.example/orders/1
rexpect route-no-route-404 1 "$TOPOC" route "$ROOT/specs/tutorial" GET https://api.books.example/nothing

# -- diff: golden outputs are tests/cases/diff-*; here what goldens cannot
#    say: byte-identical runs, the JSON parses and agrees with the text,
#    the Markdown's folds are balanced, formats it cannot write --
DC=$ROOT/tests/cases/diff-classes
(cd "$DC" && "$TOPOC" diff --format json old new >"$TMP/diff1.json" 2>/dev/null)
(cd "$DC" && "$TOPOC" diff --format json old new >"$TMP/diff2.json" 2>/dev/null)
if cmp -s "$TMP/diff1.json" "$TMP/diff2.json"; then ok "diff deterministic"; else bad "diff deterministic"; fi
(cd "$DC" && "$TOPOC" diff old new >"$TMP/diff.txt" 2>/dev/null)
(cd "$DC" && "$TOPOC" diff --format markdown old new >"$TMP/diff.md" 2>/dev/null)
if out=$(python3 - "$TMP/diff1.json" "$TMP/diff.txt" "$TMP/diff.md" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
md = open(sys.argv[3]).read()
problems = []
want = {"services", "routes", "traffic", "waf", "rate-limits", "scaling", "alerts",
        "dependencies", "store-uses", "findings", "files"}
if not want <= set(d["summary"]):
    problems.append("classes missing: %s" % sorted(want - set(d["summary"])))
items = [l for l in text if l.startswith("  ")]
if len(items) != len(d["changes"]):
    problems.append("text has %d changes, JSON %d" % (len(items), len(d["changes"])))
for c in d["changes"]:
    if c["class"] == "traffic" and not c["witness"].startswith(("GET ", "POST ", "PUT ")):
        problems.append("traffic move without a witness: %s" % c)
if md.count("<details>") != md.count("</details>") or md.count("<details>") < 4:
    problems.append("markdown folds: %d open, %d closed" % (md.count("<details>"), md.count("</details>")))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
); then ok "diff formats agree"; else bad "diff formats agree" "$out"; fi
rexpect diff-one-side 2 "$TOPOC" diff "$DC/old"
rexpect diff-refuses-sarif 2 "$TOPOC" diff --format sarif "$DC/old" "$DC/new"
# the example against itself: bank-feeds declares a host and path twice
# (one route per method); pairing routes by host and path alone found 6
# changes between identical specs
(cd "$ROOT" && "$TOPOC" diff specs specs >"$TMP/diff-self.out" 2>"$TMP/diff-self.err")
status=$?
if [ "$status" = 0 ] && [ "$(cat "$TMP/diff-self.out")" = "topoc diff: no changes" ]; then
    ok "diff of the example with itself: no changes"
else bad "diff of the example with itself: no changes" "status $status; $(head -5 "$TMP/diff-self.out" "$TMP/diff-self.err")"; fi
