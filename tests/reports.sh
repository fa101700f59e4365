# tests/reports.sh - SARIF, JUnit and GitHub reports, checked by the real
# validators; sourced by tests/run.sh (TOPOC, ROOT, TMP, ok, bad).
SHARED=$ROOT/../shared/data
PY=/usr/bin/python3   # Debian's, where python3-jsonschema lives

# report NAME SPEC: every format of one run, into $TMP/NAME.*
report() {
    (cd "$(dirname "$2")" && "$TOPOC" check --today 2026-11-21 "$(basename "$2")" \
        --format "sarif=$TMP/$1.sarif" --format "junit=$TMP/$1.xml" \
        --format "github=$TMP/$1.gh" --format "json=$TMP/$1.json" -q 2>/dev/null)
}
sarif_valid() {
    $PY - "$SHARED/sarif-schema-2.1.0.json" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator.check_schema(schema)
errors = list(jsonschema.Draft4Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:5]:
    print(list(e.absolute_path), e.message[:200])
sys.exit(1 if errors else 0)
PY
}
junit_valid() {
    xmllint --noout --schema "$SHARED/jenkins-xunit-junit-10.xsd" "$1" 2>&1
}

for case in route-overlap/fail waiver-unused/pass waiver-expired/fail secret-literal/pass; do
    name=${case//\//-}
    report "$name" "$ROOT/tests/rules/$case.yaml"
    if out=$(sarif_valid "$TMP/$name.sarif"); then ok "report sarif-valid $name"; else bad "report sarif-valid $name" "$out"; fi
    if out=$(junit_valid "$TMP/$name.xml"); then ok "report junit-valid $name"; else bad "report junit-valid $name" "$out"; fi
done

# A mutated SARIF must fail the validator: the check can fail.
sed 's/"level": "warning"/"level": "fatal"/' "$TMP/route-overlap-fail.sarif" >"$TMP/mutated.sarif"
if ! sarif_valid "$TMP/mutated.sarif" >/dev/null; then ok "report sarif-validator-rejects-bad-level"; else bad "report sarif-validator-rejects-bad-level"; fi
sed 's/<testcase /<testcase bogus="1" /' "$TMP/route-overlap-fail.xml" >"$TMP/mutated.xml"
if ! junit_valid "$TMP/mutated.xml" >/dev/null; then ok "report junit-validator-rejects-bad-attribute"; else bad "report junit-validator-rejects-bad-attribute"; fi

# What the reports say.
if $PY - "$TMP/waiver-unused-pass.sarif" "$TMP/route-overlap-fail.sarif" <<'PY'
import json, sys
waived = json.load(open(sys.argv[1]))["runs"][0]
rules = [r["id"] for r in waived["tool"]["driver"]["rules"]]
assert len(rules) == len(set(rules)) and "route-overlap" in rules
(res,) = waived["results"]
assert res["ruleId"] == "scaling-production-min" and rules[res["ruleIndex"]] == res["ruleId"]
assert res["suppressions"] == [{"kind": "external", "status": "accepted",
                                "justification": "a single writer by design"}]
assert len(res["partialFingerprints"]["topoc/v1"]) == 16
loc = res["locations"][0]
assert loc["physicalLocation"]["artifactLocation"]["uri"] == "pass.yaml"
assert loc["physicalLocation"]["region"]["startLine"] >= 1
assert loc["logicalLocations"][0]["fullyQualifiedName"] == "production/service/web"
(ov,) = json.load(open(sys.argv[2]))["runs"][0]["results"]
assert ov["level"] == "warning" and ov["relatedLocations"]
PY
then ok "report sarif-content"; else bad "report sarif-content"; fi
if grep -q '<skipped message="a single writer by design">' "$TMP/waiver-unused-pass.xml" &&
   grep -q '<failure type="waiver-expired"' "$TMP/waiver-expired-fail.xml" &&
   grep -q 'name="no findings"' "$TMP/secret-literal-pass.xml"; then
    ok "report junit-content"; else bad "report junit-content"; fi
if [ "$(wc -l <"$TMP/waiver-expired-fail.gh")" = 2 ] &&
   grep -q '^::error file=fail.yaml,line=64,col=14,title=waiver-expired::the waiver' "$TMP/waiver-expired-fail.gh" &&
   [ ! -s "$TMP/waiver-unused-pass.gh" ]; then
    ok "report github-commands"; else bad "report github-commands" "$(cat "$TMP/waiver-expired-fail.gh")"; fi
# the same finding keeps its fingerprint when lines move
mkdir -p "$TMP/moved"
sed '1i # a comment that moves every line' "$ROOT/tests/rules/route-overlap/fail.yaml" >"$TMP/moved/fail.yaml"
report moved "$TMP/moved/fail.yaml"
if [ "$(grep -o '"topoc/v1": "[0-9a-f]*"' "$TMP/moved.sarif")" = "$(grep -o '"topoc/v1": "[0-9a-f]*"' "$TMP/route-overlap-fail.sarif")" ]; then
    ok "report fingerprint-survives-moved-lines"; else bad "report fingerprint-survives-moved-lines"; fi
# several formats in one run, and text still on the console
(cd "$ROOT/tests/rules/route-overlap" && "$TOPOC" check fail.yaml --format "sarif=$TMP/both.sarif" >"$TMP/both.out" 2>"$TMP/both.err")
if [ -s "$TMP/both.sarif" ] && grep -q "warning:" "$TMP/both.err" && ! grep -q '"runs"' "$TMP/both.out"; then
    ok "report file-and-console-in-one-run"; else bad "report file-and-console-in-one-run"; fi
