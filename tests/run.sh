#!/usr/bin/env bash
# tests/run.sh BUILD - every test of topoc; the last line is "N passed, N failed".
#
#   1. unit tests of the base pieces      (BUILD/unit)
#   2. data-driven cases, tests/cases/NAME/:
#        spec/ or setup.sh   the input (setup.sh makes what git cannot hold)
#        cmd                 arguments (default: check spec)
#        expect.err          expected stderr (diagnostics), compared exactly
#        expect.out          expected stdout
#        expect/             expected output tree of a build (diff -r); SVG
#                            and PNG bytes belong to Graphviz and cairo, so
#                            pictures are compared as their DOT and checked
#                            for what they show in tests/diagrams.sh; the
#                            manifest .topoc-output is checked by
#                            tests/hostile.sh against the tree itself
#        status              expected exit status (default: 1 with
#                            expect.err, else 0)
#        as-nobody           run without root's privileges
#      topoc runs inside the case folder so paths in messages stay short.
#      UPDATE=1 rewrites the expectations: review that diff like code.
#   3. behaviour of the whole tool (tests/cli.sh)
#
# tests/run.sh BUILD PART... runs only those parts, for a quick loop while
# working: unit, cases, rules, or a file of tests/ (gateway.sh, cli.sh...).
set -u
BUILD=${1:-build}
shift || true
PARTS=" $* "
want() { [ "$PARTS" = "  " ] || case "$PARTS" in *" $1 "*) true ;; *) false ;; esac; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOPOC=$(cd "$ROOT/$BUILD" 2>/dev/null && pwd)/topoc
[ -x "$TOPOC" ] || { echo "run.sh: no $TOPOC; run make first" >&2; exit 2; }
export TOPOC ROOT NO_COLOR=1
PASS=0 FAIL=0
TMP=$(mktemp -d)
chmod 755 "$TMP" # nginx's workers and the as-nobody cases read below it
trap 'rm -rf "$TMP"' EXIT

ok() { PASS=$((PASS + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -40; return 0; }

# ---- 1. unit tests ----
if ! want unit; then :
elif [ -x "$ROOT/$BUILD/unit" ]; then
    while IFS= read -r line; do
        case "$line" in
        "ok "*) ok "unit: ${line#ok }" ;;
        "FAIL "*) bad "unit: ${line#FAIL }" ;;
        "exit 0") ;;
        "exit "*) bad "unit: the unit binary ended with status ${line#exit }" ;;
        *) echo "$line" ;;
        esac
    done < <("$ROOT/$BUILD/unit" 2>&1; echo "exit $?")
else
    bad "unit: $BUILD/unit missing"
fi

# ---- 1b. the Mustache spec suite (core files) for the template engine ----
SPEC_DIR=$ROOT/../shared/data/mustache-spec
if ! want unit; then :
elif [ -x "$ROOT/$BUILD/mustache-spec" ]; then
    while IFS= read -r line; do
        case "$line" in
        "ok "*) ok "mustache: ${line#ok }" ;;
        "FAIL "*) bad "mustache: ${line#FAIL }" ;;
        esac
    done < <("$ROOT/$BUILD/mustache-spec" "$SPEC_DIR"/{comments,delimiters,interpolation,inverted,partials,sections}.json 2>&1)
else
    bad "mustache: $BUILD/mustache-spec missing"
fi

# ---- 1c. constraints: the checker's automaton against PCRE2 as the
# gateways compile it, on the example's constraints and a generated corpus ----
if ! want unit; then :
elif [ -x "$ROOT/$BUILD/cross-engine" ]; then
    mapfile -t CONSTRAINTS < <(python3 - "$ROOT/specs" <<'PY'
import glob, os, sys, yaml
seen = set()
for f in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.yaml"), recursive=True)):
    if "/broken/" in f:  # breaks route-param-pattern on purpose
        continue
    for doc in yaml.safe_load_all(open(f)):
        for r in (doc or {}).get("routes", []) if isinstance(doc, dict) else []:
            for v in (r.get("params") or {}).values():
                if v not in seen:
                    seen.add(v)
                    print(v)
PY
)
    while IFS= read -r line; do
        case "$line" in
        "ok "*) ok "${line#ok }" ;;
        "FAIL "*) bad "${line#FAIL }" ;;
        esac
    done < <(timeout 300 "$ROOT/$BUILD/cross-engine" "${CONSTRAINTS[@]}" 2>&1)
    [ "${#CONSTRAINTS[@]}" -ge 5 ] || bad "cross-engine: found only ${#CONSTRAINTS[@]} constraints in specs/"
else
    bad "cross-engine: $BUILD/cross-engine missing"
fi

# ---- 2. cases ----
run_case() {
    local src=$1 name work status want args
    name=$(basename "$src")
    work=$TMP/case-$name
    rm -rf "$work"; mkdir -p "$work"; chmod 755 "$TMP" "$work"
    cp -a "$src/." "$work/"
    if [ -f "$work/setup.sh" ] && ! (cd "$work" && bash ./setup.sh) >"$TMP/setup.log" 2>&1; then
        bad "case $name: setup.sh failed" "$(cat "$TMP/setup.log")"
        return
    fi
    args="check spec"
    [ -f "$src/cmd" ] && args=$(cat "$src/cmd")
    local runner=()
    if [ -f "$src/as-nobody" ] && [ "$(id -u)" = 0 ]; then
        runner=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    fi
    # shellcheck disable=SC2086
    (cd "$work" && timeout 60 "${runner[@]}" "$TOPOC" $args >"$TMP/out" 2>"$TMP/err")
    status=$?
    want=0
    [ -f "$src/expect.err" ] && want=1
    [ -f "$src/status" ] && want=$(cat "$src/status")
    # expectations are rewritten only for a run that ended as expected
    if [ -n "${UPDATE:-}" ] && [ "$status" = "$want" ]; then
        [ -f "$src/expect.err" ] || [ "$want" != 0 ] && cp "$TMP/err" "$src/expect.err"
        [ -f "$src/expect.out" ] && cp "$TMP/out" "$src/expect.out"
        if [ -d "$src/expect" ]; then
            rm -rf "$src/expect"; cp -a "$work/out" "$src/expect"
            find "$src/expect" \( -name '*.svg' -o -name '*.png' \) -delete
            find "$src/expect" -mindepth 1 -type d -empty -delete
        fi
    fi
    local why=""
    [ "$status" = "$want" ] || why="exit status $status, expected $want"
    [ "$status" -ge 124 ] && why="crashed or hung (status $status)"
    if [ -z "$why" ] && [ -f "$src/expect.err" ] && ! diff -u "$src/expect.err" "$TMP/err" >"$TMP/diff"; then
        why="stderr differs:
$(cat "$TMP/diff")"
    fi
    if [ -z "$why" ] && [ -f "$src/expect.out" ] && ! diff -u "$src/expect.out" "$TMP/out" >"$TMP/diff"; then
        why="stdout differs:
$(cat "$TMP/diff")"
    fi
    # folders that hold only pictures are not in git: prune them as well
    if [ -d "$src/expect" ] && [ -d "$work/out" ]; then
        find "$work/out" \( -name '*.svg' -o -name '*.png' \) -delete
        find "$work/out" -mindepth 1 -type d -empty -delete
    fi
    if [ -z "$why" ] && [ -d "$src/expect" ] && ! diff -r -x '*.svg' -x '*.png' -x .topoc-output "$src/expect" "$work/out" >"$TMP/diff" 2>&1; then
        why="output tree differs:
$(head -40 "$TMP/diff")"
    fi
    # a failed build writes nothing
    if [ -z "$why" ] && [ "$status" != 0 ] && [ -e "$work/out" ] && [ ! -d "$src/out" ]; then
        why="a failed run created out/"
    fi
    if [ -z "$why" ]; then ok "case $name"; else bad "case $name" "$why"; fi
}
want cases && for c in "$ROOT"/tests/cases/*/; do
    run_case "${c%/}"
done

# ---- 3. rules: every id in `topoc rules` has a failing and a passing case ----
#   tests/rules/ID/fail.yaml   a spec (one multi-document file) that breaks the
#                              rule; fail.err is its exact output
#   tests/rules/ID/pass.yaml   a near miss that must check clean
#   tests/rules/ID/cases       instead: names of tests/cases that fail it
TODAY=2026-11-21   # waivers expire against a fixed date, for stable output
run_rule() {
    local id=$1 dir=$ROOT/tests/rules/$1 want
    if [ -f "$dir/cases" ]; then
        for c in $(cat "$dir/cases"); do
            if grep -q "\[$id\]" "$ROOT/tests/cases/$c/expect.err" 2>/dev/null; then
                ok "rule $id: fails in case $c"
            else
                bad "rule $id: case $c does not report it"
            fi
        done
        return
    fi
    if [ ! -f "$dir/fail.yaml" ] || [ ! -f "$dir/pass.yaml" ]; then
        bad "rule $id: tests/rules/$id needs fail.yaml and pass.yaml"
        return
    fi
    (cd "$dir" && timeout 60 "$TOPOC" check --today "$TODAY" fail.yaml >/dev/null 2>"$TMP/rule.err")
    local status=$?
    [ -n "${UPDATE:-}" ] && [ "$status" -lt 2 ] && cp "$TMP/rule.err" "$dir/fail.err"
    want=0
    grep -q " error: " "$dir/fail.err" 2>/dev/null && want=1
    if ! grep -q "\[$id\]" "$dir/fail.err" 2>/dev/null; then
        bad "rule $id: fail.yaml does not report [$id]" "$(head -20 "$TMP/rule.err")"
    elif [ "$status" != "$want" ]; then
        bad "rule $id: fail.yaml exit status $status, expected $want"
    elif ! diff -u "$dir/fail.err" "$TMP/rule.err" >"$TMP/diff"; then
        bad "rule $id: fail.yaml output differs" "$(cat "$TMP/diff")"
    else
        ok "rule $id: fails"
    fi
    (cd "$dir" && timeout 60 "$TOPOC" check --today "$TODAY" pass.yaml >/dev/null 2>"$TMP/rule.err")
    status=$?
    if [ "$status" = 0 ] && ! grep -q "error:\|warning:" "$TMP/rule.err"; then
        ok "rule $id: passes"
    else
        bad "rule $id: pass.yaml is not clean (status $status)" "$(head -20 "$TMP/rule.err")"
    fi
}
ids=$("$TOPOC" rules | awk '{print $1}')
want rules && for id in $ids; do run_rule "$id"; done
want rules && for dir in "$ROOT"/tests/rules/*/; do
    id=$(basename "$dir")
    if echo "$ids" | grep -qx -- "$id"; then :; else bad "rule $id: tests/rules/$id has no rule in topoc rules"; fi
done

# ---- 4. reports for machines, checked by the real validators ----
# shellcheck source=tests/reports.sh
want reports.sh && . "$ROOT/tests/reports.sh"

# ---- 5. the gateway, for real ----
# shellcheck source=tests/gateway.sh
want gateway.sh && . "$ROOT/tests/gateway.sh"

# ---- 6. the Azure edge against the official ARM schemas ----
# shellcheck source=tests/azure.sh
want azure.sh && . "$ROOT/tests/azure.sh"

# ---- 7. deployment manifests against their schemas, and consistency ----
# shellcheck source=tests/manifests.sh
want manifests.sh && . "$ROOT/tests/manifests.sh"

# ---- 8. diagrams and the docs catalogue ----
# shellcheck source=tests/diagrams.sh
want diagrams.sh && . "$ROOT/tests/diagrams.sh"
# shellcheck source=tests/docs.sh
want docs.sh && . "$ROOT/tests/docs.sh"

# ---- 8b. the spec language as JSON Schema, for editors ----
# shellcheck source=tests/schema.sh
want schema.sh && . "$ROOT/tests/schema.sh"

# ---- 9. the whole tool ----
# shellcheck source=tests/cli.sh
want cli.sh && . "$ROOT/tests/cli.sh"

# shellcheck source=tests/hostile.sh
want hostile.sh && . "$ROOT/tests/hostile.sh"

# ---- 10. the review workflow: build --check, route, diff ----
# shellcheck source=tests/review.sh
want review.sh && . "$ROOT/tests/review.sh"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
