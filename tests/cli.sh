# tests/cli.sh - behaviour of the whole tool; sourced by tests/run.sh, which
# provides TOPOC, ROOT, TMP, ok and bad.

# expect NAME STATUS CMD... : the command exits with STATUS
expect() {
    local name=$1 want=$2
    shift 2
    timeout 120 "$@" >"$TMP/cli.out" 2>"$TMP/cli.err"
    local got=$?
    if [ "$got" = "$want" ]; then ok "cli $name"; else
        bad "cli $name" "exit status $got, expected $want
$(head -20 "$TMP/cli.err")"
    fi
}
# contains NAME FILE TEXT : FILE contains TEXT
contains() {
    if grep -qF -- "$3" "$2"; then ok "cli $1"; else bad "cli $1" "'$3' not in: $(head -5 "$2")"; fi
}

# -- the example platform is itself a test --
expect example-checks-clean 0 "$TOPOC" check "$ROOT/specs"
n=$(grep -c '^service:' "$ROOT"/specs/services/*.yaml | awk -F: '{s+=$2} END {print s}')
if [ "$n" -ge 100 ]; then ok "cli example-has-100-services"; else bad "cli example-has-100-services" "$n services"; fi
missing=""
while IFS=/ read -r _ src; do
    grep -qx "  source: $src" "$ROOT"/specs/services/*.yaml || missing="$missing $src"
done < "$ROOT/../shared/data/codat-integrations.txt"
if [ -z "$missing" ]; then ok "cli example-connector-per-source"; else bad "cli example-connector-per-source" "no connector for:$missing"; fi
expect tutorial-checks-clean 0 "$TOPOC" check "$ROOT/specs/tutorial"

# -- build writes model.json, deterministically --
expect build-example 0 "$TOPOC" build "$ROOT/specs" -o "$TMP/b1"
expect build-example-again 0 "$TOPOC" build "$ROOT/specs" -o "$TMP/b2"
if cmp -s "$TMP/b1/model.json" "$TMP/b2/model.json"; then ok "cli build-is-byte-identical"; else bad "cli build-is-byte-identical"; fi
(cd "$ROOT" && "$TOPOC" build specs -o "$TMP/b3" -q 2>/dev/null) && \
if cmp -s "$TMP/b1/model.json" "$TMP/b3/model.json"; then ok "cli build-independent-of-path-spelling"; else bad "cli build-independent-of-path-spelling"; fi
if python3 - "$TMP/b1/model.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
m = json.loads(text)
assert text == json.dumps(m, indent=2, sort_keys=True, ensure_ascii=True) + "\n", "not canonical"
envs = m["environments"]
assert sorted(envs) == ["integration", "production"]
i, p = envs["integration"]["services"], envs["production"]["services"]
# the override in services/companies.yaml: integration scales smaller
assert i["companies"]["scaling"]["min"] == 1 and p["companies"]["scaling"]["min"] == 3, "override"
assert i["companies"]["scaling"]["rules"] == p["companies"]["scaling"]["rules"], "merge keeps siblings"
assert p["companies"]["routes"][0]["fqdn"] == "api.codat.io"
assert i["companies"]["routes"][0]["fqdn"] == "api.integration.codat.io"
assert envs["production"]["stores"]["companies-db"]["failover-region"] == "ukwest"
assert "failover-region" not in envs["integration"]["stores"]["companies-db"]
assert envs["production"]["stores"]["companies-db"]["region"] == "uksouth"
PY
then ok "cli model-json-canonical-and-resolved"; else bad "cli model-json-canonical-and-resolved"; fi

# -- an override decodes only what it reaches (schema_decode_over), yet a
# default that depends on another key follows that key per environment:
# the group is the kind, alerts notify the owning team; routes an
# environment shares with the base (every environment without an override
# shares the service itself) get that environment's fqdn --
OV=$TMP/override-defaults
mkdir -p "$OV/services"
cat >"$OV/platform.yaml" <<'YAML'
platform: shop
environments:
  integration: {region: uksouth, address-space: 10.1.0.0/16, domain: int.shop.example}
  staging: {region: uksouth, address-space: 10.3.0.0/16, domain: stage.shop.example}
  production: {region: uksouth, address-space: 10.2.0.0/16, domain: shop.example}
teams:
  web: {email: [web@shop.example]}
  ops: {email: [ops@shop.example]}
YAML
cat >"$OV/services/web.yaml" <<'YAML'
service: web
kind: api
team: web
runtime: {image: reg.example/web:1}
scaling:
  rules: [{metric: cpu, above: 70, below: 30}]
routes:
  - {host: www, path: /items, methods: GET}
alerts:
  - {name: spike, metric: requests, dynamic: medium}
  - {name: cpu, metric: cpu, above: 90, notify: web}
environments:
  integration:
    team: ops
    kind: worker
  staging:
    scaling: {min: 1}
YAML
cat >"$OV/services/pay.yaml" <<'YAML'
service: pay
kind: api
group: payments
team: web
runtime: {image: reg.example/pay:1}
alerts: [{name: spike, metric: requests, dynamic: medium}]
scaling:
  rules: [{metric: cpu, above: 70, below: 30}]
environments:
  integration:
    kind: worker
    scaling: {min: 1}
YAML
expect override-defaults-build 0 "$TOPOC" build "$OV" -o "$TMP/override-defaults.out" -q
if python3 - "$TMP/override-defaults.out/model.json" <<'PY'
import json, sys
envs = json.load(open(sys.argv[1]))["environments"]
w = {e: envs[e]["services"]["web"] for e in envs}
assert w["integration"]["team"] == "ops" and w["integration"]["kind"] == "worker", w["integration"]
assert w["integration"]["group"] == "worker", "the group follows the overridden kind"
assert [a["notify"] for a in w["integration"]["alerts"]] == ["ops", "web"], "default notify follows the team"
for e in ("staging", "production"):
    assert w[e]["group"] == "api" and w[e]["team"] == "web", e
    assert [a["notify"] for a in w[e]["alerts"]] == ["web", "web"], e
assert w["staging"]["scaling"]["min"] == 1 and w["production"]["scaling"]["min"] != 1
fq = {e: w[e]["routes"][0]["fqdn"] for e in w}
assert fq == {"integration": "www.int.shop.example", "staging": "www.stage.shop.example",
              "production": "www.shop.example"}, fq
pay = {e: envs[e]["services"]["pay"] for e in envs}
assert [pay[e]["group"] for e in sorted(pay)] == ["payments"] * 3, "a written group stays"
assert pay["integration"]["kind"] == "worker" and pay["production"]["kind"] == "api"
PY
then ok "cli override-defaults-follow-their-keys"; else bad "cli override-defaults-follow-their-keys"; fi

# -- a build with errors writes nothing and leaves old output alone --
"$TOPOC" build "$ROOT/specs/tutorial" -o "$TMP/keep" -q 2>/dev/null
echo old >"$TMP/keep/model.json" # topoc's file, edited: still topoc's
before=$(cd "$TMP/keep" && find . | sort)
cp -r "$ROOT/specs/tutorial" "$TMP/broken" && sed -i 's/^team: shop$/team: nobody/' "$TMP/broken/services/orders.yaml"
expect build-with-errors-fails 1 "$TOPOC" build "$TMP/broken" -o "$TMP/keep"
if [ "$(cat "$TMP/keep/model.json")" = old ] && [ "$(cd "$TMP/keep" && find . | sort)" = "$before" ]; then
    ok "cli build-with-errors-writes-nothing"; else bad "cli build-with-errors-writes-nothing" "$(ls -A "$TMP/keep")"; fi
expect build-into-new-dir-with-errors 1 "$TOPOC" build "$TMP/broken" -o "$TMP/never"
if [ ! -e "$TMP/never" ]; then ok "cli failed-build-creates-no-dir"; else bad "cli failed-build-creates-no-dir"; fi
expect build-replaces-old-output 0 "$TOPOC" build "$ROOT/specs/tutorial" -o "$TMP/keep"
contains build-replaced-model "$TMP/keep/model.json" '"name": "tutorial"'
: >"$TMP/readonly-file"
expect build-unwritable-output-is-io-error 2 "$TOPOC" build "$ROOT/specs/tutorial" -o "$TMP/readonly-file/sub"

# -- command line --
expect help 0 "$TOPOC" --help
contains help-lists-commands "$TMP/cli.out" "topoc build [options] SPEC... [-o DIR]"
expect version 0 "$TOPOC" --version
contains version-text "$TMP/cli.out" "topoc 0.1.0"
expect no-command 2 "$TOPOC"
expect unknown-command 2 "$TOPOC" frobnicate specs
contains unknown-command-says-so "$TMP/cli.err" "unknown command 'frobnicate'"
expect unknown-option 2 "$TOPOC" check --bogus "$ROOT/specs"
expect no-spec-given 2 "$TOPOC" check
expect bad-format 2 "$TOPOC" check --format xml "$ROOT/specs"
expect options-after-paths 0 "$TOPOC" check "$ROOT/specs/tutorial" -q

# -- every command from one table: listed when none is given, in the help,
#    accepted; a word the help or the README runs as a command is listed --
if out=$(python3 - "$TOPOC" "$ROOT/README.md" <<'PY'
import re, subprocess, sys
topoc, readme = sys.argv[1:3]
run = lambda *a: subprocess.run([topoc, *a], capture_output=True, text=True, timeout=120)
m = re.search(r"missing command \((.*)\)", run().stderr)
listed = re.split(r", | or ", m.group(1)) if m else []
h = run("--help").stdout
helped = [l.split()[0] for l in h.split("commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
          if re.match(r"  \S", l)]
problems = []
if len(listed) < 8 or listed != helped:
    problems.append("no command: %s; help: %s" % (listed, helped))
for c in listed:
    if "unknown command" in run(c).stderr:
        problems.append("'%s' is listed but refused" % c)
r = run("frobnicate")
if "unknown command 'frobnicate'" not in r.stderr or any(c not in r.stderr for c in listed):
    problems.append("an unknown command: %s" % r.stderr.strip())
words = set(re.findall(r"topoc (\w+)", h.split("\n\n")[0])) | set(re.findall(r"\| (\w+)", h.split("\n\n")[0]))
words |= set(re.findall(r"build/topoc (\w+)", open(readme).read()))
for w in sorted(words - set(listed)):
    if "unknown command" not in run(w).stderr:
        problems.append("'%s' is accepted but not listed" % w)
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
); then ok "cli commands-listed-are-accepted"; else bad "cli commands-listed-are-accepted" "$out"; fi

# -- reports: two to one place are refused before anything runs; a report
#    that cannot be written is trouble (2) whatever the spec holds, and the
#    message names the file asked for --
expect two-formats-on-stdout 2 "$TOPOC" check --format json --format sarif "$ROOT/specs/tutorial"
contains two-formats-on-stdout-says-so "$TMP/cli.err" "--format json and --format sarif would both write to standard output"
if [ ! -s "$TMP/cli.out" ]; then ok "cli two-formats-on-stdout-write-nothing"; else bad "cli two-formats-on-stdout-write-nothing"; fi
expect two-formats-one-file 2 "$TOPOC" check --format "json=$TMP/r.out" --format "sarif=$TMP/r.out" "$ROOT/specs/tutorial"
expect two-diff-formats-on-stdout 2 "$TOPOC" diff --format json --format markdown "$ROOT/specs/tutorial" "$ROOT/specs/tutorial"
expect format-stdout-and-file 0 "$TOPOC" check --format json --format "sarif=$TMP/r.sarif" "$ROOT/specs/tutorial"
if python3 -c 'import json, sys; json.load(open(sys.argv[1])); json.load(open(sys.argv[2]))' "$TMP/cli.out" "$TMP/r.sarif" 2>/dev/null; then
    ok "cli format-stdout-and-file-both-json"; else bad "cli format-stdout-and-file-both-json"; fi
expect report-unwritable-with-errors 2 "$TOPOC" check --format sarif=/nonexistent/x.sarif "$TMP/broken"
if grep -q "^topoc: error: /nonexistent/x.sarif: No such file or directory" "$TMP/cli.err" &&
    grep -q "the sarif report was not written" "$TMP/cli.err" && ! grep -q "topoc-tmp" "$TMP/cli.err"; then
    ok "cli report-unwritable-names-the-file"; else bad "cli report-unwritable-names-the-file" "$(grep topoc: "$TMP/cli.err")"; fi
expect report-unwritable-clean-spec 2 "$TOPOC" check --format sarif=/nonexistent/x.sarif "$ROOT/specs/tutorial"

# -- two builds into one new folder at once: each ends whole (exit 0), the
#    folder is one build's tree, no staging folder is left; the later one
#    failed with "Directory not empty" before --
race=""
for round in 1 2 3; do
    rm -rf "$TMP/race"
    "$TOPOC" build "$ROOT/specs/tutorial" -o "$TMP/race" -q 2>"$TMP/race1.err" & p1=$!
    "$TOPOC" build "$ROOT/specs/tutorial" -o "$TMP/race" -q 2>"$TMP/race2.err" & p2=$!
    wait $p1; s1=$?; wait $p2; s2=$?
    "$TOPOC" build --check "$ROOT/specs/tutorial" -o "$TMP/race" -q >"$TMP/race.out" 2>/dev/null
    s3=$?
    left=$(find "$TMP" -maxdepth 1 -name '.race.topoc-*')
    [ "$s1$s2$s3" = 000 ] && [ -z "$left" ] ||
        race="$race round $round: $s1 $s2, check $s3 $(tail -1 "$TMP/race.out"), left '$left'; $(grep -h error: "$TMP"/race[12].err)"
done
if [ -z "$race" ]; then ok "cli two-builds-at-once"; else bad "cli two-builds-at-once" "$race"; fi

# -- diagnostics: colour only when asked or on a terminal, JSON for machines --
expect json-format 1 "$TOPOC" check --format json "$TMP/broken"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"] == 1 and d["warnings"] == 0
e = d["diagnostics"][0]
assert e["rule"] == "unknown-reference" and e["severity"] == "error"
assert e["file"].endswith("services/orders.yaml") and e["line"] == 3 and e["column"] == 7
assert e["help"] and isinstance(e["notes"], list)
' "$TMP/cli.out"; then ok "cli json-diagnostics-shape"; else bad "cli json-diagnostics-shape" "$(head -30 "$TMP/cli.out")"; fi
expect color-never-by-default-off-terminal 1 env -u NO_COLOR "$TOPOC" check "$TMP/broken"
if ! grep -q $'\033' "$TMP/cli.err"; then ok "cli no-colour-when-piped"; else bad "cli no-colour-when-piped"; fi
expect color-always 1 "$TOPOC" check --color=always "$TMP/broken"
if grep -q $'\033\[1;31merror' "$TMP/cli.err"; then ok "cli colour-when-asked"; else bad "cli colour-when-asked"; fi
if command -v script >/dev/null; then
    NO_COLOR=1 script -qec "$TOPOC check $TMP/broken" /dev/null >"$TMP/tty.out" 2>&1
    if ! grep -q $'\033\[1;31m' "$TMP/tty.out"; then ok "cli no-colour-respects-NO_COLOR"; else bad "cli no-colour-respects-NO_COLOR"; fi
    env -u NO_COLOR TERM=xterm script -qec "$TOPOC check $TMP/broken" /dev/null >"$TMP/tty.out" 2>&1
    if grep -q $'\033\[1;31m' "$TMP/tty.out"; then ok "cli colour-on-terminal"; else bad "cli colour-on-terminal"; fi
fi

# -- the language reference documents every key --
"$TOPOC" schema >"$TMP/schema.txt"
undocumented=""
while IFS=$'\t' read -r key _; do
    case "$key" in "#"*) continue ;; esac
    grep -qF -- "\`$key\`" "$ROOT/specs/README.md" || undocumented="$undocumented $key"
done <"$TMP/schema.txt"
if [ -z "$undocumented" ]; then ok "cli readme-documents-every-key"; else bad "cli readme-documents-every-key" "not in specs/README.md:$undocumented"; fi
# the README's rule table is the tool's: every id, its family and severity
"$TOPOC" rules | awk '{printf "| `%s` | %s | %s |\n", $1, $3, $2}' >"$TMP/rules.rows"
missing=$(grep -vxFf <(grep -o '^| `[a-z-]*` | [a-z]* | [a-z]* |' "$ROOT/specs/README.md") "$TMP/rules.rows")
if [ -z "$missing" ]; then ok "cli readme-lists-every-rule"; else bad "cli readme-lists-every-rule" "$missing"; fi

# -- the README's layout table is the tree: every source file in its room's
#    row, every file the table names exists; no file over 800 lines --
if layout=$(python3 - "$ROOT" <<'PY'
import os, re, sys
root = sys.argv[1]
rows = {}
for line in open(os.path.join(root, "README.md")):
    m = re.match(r"\| \w+ \| `(src/\w+/)`: (.*?) \|", line)
    if m:
        rows[m.group(1)] = set(re.findall(r"`([\w.]+\.c)`", m.group(2)))
problems = []
on_disk = {}
for d in sorted(os.listdir(os.path.join(root, "src"))):
    if os.path.isdir(os.path.join(root, "src", d)):
        on_disk["src/%s/" % d] = {f for f in os.listdir(os.path.join(root, "src", d)) if f.endswith(".c")}
for room in sorted(set(rows) | set(on_disk)):
    for f in sorted(on_disk.get(room, set()) - rows.get(room, set())):
        problems.append("%s%s is not in the README's layout table" % (room, f))
    for f in sorted(rows.get(room, set()) - on_disk.get(room, set())):
        problems.append("the README names %s%s, which does not exist" % (room, f))
for top in ("src", "include"):
    for dp, _, fs in os.walk(os.path.join(root, top)):
        for f in fs:
            n = sum(1 for _ in open(os.path.join(dp, f), errors="replace"))
            if n > 800:
                problems.append("%s has %d lines (at most 800)" % (os.path.relpath(os.path.join(dp, f), root), n))
print("\n".join(problems))
sys.exit(1 if problems or not rows else 0)
PY
); then ok "cli readme-layout-is-the-tree"; else bad "cli readme-layout-is-the-tree" "$layout"; fi

# -- specs/broken breaks every checking rule, and nothing else happens --
(cd "$ROOT" && "$TOPOC" check specs/broken --today 2026-11-21 >"$TMP/broken.out" 2>"$TMP/broken.err")
status=$?
[ -n "${UPDATE:-}" ] && cp "$TMP/broken.err" "$ROOT/tests/broken.err"
if [ "$status" = 1 ] && diff -u "$ROOT/tests/broken.err" "$TMP/broken.err" >"$TMP/diff"; then
    ok "cli broken-example-output"; else bad "cli broken-example-output" "status $status; $(head -30 "$TMP/diff")"; fi
(cd "$ROOT" && "$TOPOC" check specs/broken --today 2026-11-21 --format json >"$TMP/broken.json" 2>/dev/null)
"$TOPOC" rules >"$TMP/rules.txt"
if python3 - "$TMP/broken.json" "$TMP/rules.txt" <<'PY'
import json, sys
got = {d["rule"] for d in json.load(open(sys.argv[1]))["diagnostics"]}
want = {l.split()[0] for l in open(sys.argv[2]) if l.split() and l.split()[2] != "input"}
missing, extra = sorted(want - got), sorted(got - want)
if missing or extra:
    print("missing:", missing, "extra:", extra)
    sys.exit(1)
PY
then ok "cli broken-example-breaks-every-rule"; else bad "cli broken-example-breaks-every-rule"; fi
expect example-is-not-broken-by-nested-spec 0 "$TOPOC" check "$ROOT/specs"

# -- every id a diagnostic carries is one `topoc explain` knows (the rules,
#    and what a build target cannot do), and its explain header names the
#    levels it is really reported at: each diag_error/warning/info call's
#    level is in the header, and each level a header names has a call (a
#    notice headed "a notice" while the build refused with it as an error) --
if explained=$(python3 - "$ROOT/src" "$TOPOC" <<'PY'
import glob, re, subprocess, sys
calls = {}  # id -> levels its calls report it at
for f in glob.glob(sys.argv[1] + "/**/*.c", recursive=True):
    for m in re.finditer(r'(diag_(?:error|warning|info)\b|check_report\b)[^;]*?,\s*"([a-z][a-z0-9-]*)",',
                         open(f).read(), re.S):
        lvl = {"diag_error": "error", "diag_warning": "warning", "diag_info": "note"}.get(m.group(1), "rule")
        calls.setdefault(m.group(2), set()).add(lvl)
# resolve.c's cascade note under a broken file that has no error of its
# own counts references; it is unknown-reference's note, not a finding
calls["unknown-reference"].discard("note")
rules = {}
for line in subprocess.run([sys.argv[2], "rules"], capture_output=True, text=True).stdout.splitlines():
    w = line.split()
    rules[w[0]] = (w[1], w[2])
words = {"error": ("always an error", "an error"), "warning": ("always a warning", "a warning"),
         "note": ("always a note", "a note")}
bad = []
for rid, lvls in sorted(calls.items()):
    r = subprocess.run([sys.argv[2], "explain", rid], capture_output=True, text=True)
    head = r.stdout.split("\n", 1)[0]
    if r.returncode != 0:
        bad.append("%s: no explanation" % rid)
        continue
    if rid in rules:
        sev, fam = rules[rid]
        want = "(%s, always an error;" % fam if fam == "input" else "(%s, %s by default)" % (fam, sev)
        if want not in head or (fam == "input" and lvls - {"error", "rule"}):
            bad.append("%s: header %r, reported as %s" % (rid, head, sorted(lvls)))
        continue
    named = {l for l, ws in words.items() if any(re.search(r"\b%s\b" % w, head) for w in ws)}
    if "rule" in lvls or named != lvls:
        bad.append("%s: header %r names %s, reported as %s" % (rid, head, sorted(named), sorted(lvls)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
) && "$TOPOC" explain appgw-waf | grep -q "^appgw-waf (target, a warning or a note;"; then
    ok "cli every-diagnostic-id-is-explained-at-its-level"; else bad "cli every-diagnostic-id-is-explained-at-its-level" "$explained"; fi

# -- rules, explain, severities, --werror, waivers --
expect rules-lists 0 "$TOPOC" rules
contains rules-has-route-shadowed "$TMP/cli.out" "route-shadowed"
expect explain-rule 0 "$TOPOC" explain env-cross-dependency
contains explain-says-why "$TMP/cli.out" "A service instance may only depend on instances in its own"
expect explain-unknown 2 "$TOPOC" explain route-shadow
contains explain-suggests "$TMP/cli.err" "did you mean 'route-shadowed'?"
R=$ROOT/tests/rules
expect warning-alone-exits-0 0 "$TOPOC" check "$R/route-overlap/fail.yaml"
expect werror-makes-it-fail 1 "$TOPOC" check --werror "$R/route-overlap/fail.yaml"
contains werror-reports-error "$TMP/cli.err" "error: GET /orders/latest of 'web' takes requests that would go to 1 other route"
sed 's/^platform: shop$/platform: shop\npolicy:\n  severity:\n    route-overlap: error/' "$R/route-overlap/fail.yaml" >"$TMP/sev-error.yaml"
expect severity-raised-in-spec 1 "$TOPOC" check "$TMP/sev-error.yaml"
sed 's/^platform: shop$/platform: shop\npolicy:\n  severity:\n    route-overlap: "off"/' "$R/route-overlap/fail.yaml" >"$TMP/sev-off.yaml"
expect severity-off-in-spec 0 "$TOPOC" check "$TMP/sev-off.yaml"
if ! grep -q "route-overlap" "$TMP/cli.err"; then ok "cli severity-off-silences"; else bad "cli severity-off-silences"; fi
sed 's|target: production/service/web|target: "*/service/w*"|' "$R/waiver-unused/pass.yaml" >"$TMP/glob.yaml"
expect waiver-glob-target 0 "$TOPOC" check --today 2026-11-21 "$TMP/glob.yaml"
contains waiver-counted-as-waived "$TMP/cli.err" "1 waived"
expect waiver-expires-with-time 1 "$TOPOC" check --today 2027-02-01 "$R/waiver-unused/pass.yaml"
contains waiver-expired-later "$TMP/cli.err" "[waiver-expired]"
expect bad-today 2 "$TOPOC" check --today tomorrow "$R/route-overlap/fail.yaml"

# -- hostile patterns stop at the match limit instead of hanging --
cat "$R/alert-missing/pass.yaml" >"$TMP/redos.yaml"
sed -i 's/^platform: shop$/platform: shop\npolicy:\n  rules:\n    - {name: redos, applies-to: service-name, pattern: "^(a|aa)+$"}/' "$TMP/redos.yaml"
sed -i 's/^service: web$/service: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab/' "$TMP/redos.yaml"
sed -i 's/depends-on: \[connector-stripe\]//' "$TMP/redos.yaml"
expect redos-policy-stops 1 "$TOPOC" check "$TMP/redos.yaml"
contains redos-policy-reported "$TMP/cli.err" "took too long to match"

# -- the routing table: matching order realised, samples reach their route --
for env in integration production; do
    if python3 - "$TMP/b1/$env/gateway/routes.json" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1]))
routes = t["routes"]
assert routes
for i, r in enumerate(routes):
    s = r["sample"]
    rx = re.sub(r"\(\?<", "(?P<", r["regex"])
    m = re.match(rx, s)
    assert m, (r["path"], s)
    for name, value in m.groupdict().items():
        c = r["params"][name]
        assert re.fullmatch(c, value), (r["path"], name, value)
    for e in routes[:i]:  # nothing earlier takes the sample
        if e["host"] == r["host"] and set(e["methods"]) & set(r["methods"]):
            assert not re.match(re.sub(r"\(\?<", "(?P<", e["regex"]), s), (s, e["path"], r["path"])
assert t["hosts"] == sorted(t["hosts"])
PY
    then ok "cli routes-json-order-and-samples-$env"; else bad "cli routes-json-order-and-samples-$env"; fi
done
if diff -r "$TMP/b1" "$TMP/b2" >/dev/null; then ok "cli build-tree-byte-identical"; else bad "cli build-tree-byte-identical"; fi

# -- bounded work: inputs that once ran for minutes finish at once, with one
# finding where there were N^2 (a guard against a cliff, not a benchmark) --
python3 "$ROOT/tests/bench/gen_bounded.py" dup 1000 "$TMP/bounded-dup"
timeout 60 "$TOPOC" check "$TMP/bounded-dup" >/dev/null 2>"$TMP/bounded-dup.err"
status=$?
if [ "$status" = 1 ] && [ "$(grep -c '\[route-duplicate\]' "$TMP/bounded-dup.err")" = 1 ] &&
   grep -q "and 994 more routes" "$TMP/bounded-dup.err" && [ "$(wc -c <"$TMP/bounded-dup.err")" -lt 20000 ]; then
    ok "cli bounded 1000-services-one-route-one-finding"
else
    bad "cli bounded 1000-services-one-route-one-finding" "status $status; $(head -c 2000 "$TMP/bounded-dup.err")"
fi
python3 "$ROOT/tests/bench/gen_bounded.py" policy 2000 "$TMP/bounded-policy"
timeout 60 "$TOPOC" check "$TMP/bounded-policy" >/dev/null 2>"$TMP/bounded-policy.err"
status=$?
if [ "$status" = 1 ] && [ "$(grep -c 'and is retired' "$TMP/bounded-policy.err")" = 50 ] &&
   ! grep -q '\[policy-violation\]' "$TMP/bounded-policy.err"; then
    ok "cli bounded policy-pattern-at-match-limit-retired"
else
    bad "cli bounded policy-pattern-at-match-limit-retired" "status $status; $(head -c 2000 "$TMP/bounded-policy.err")"
fi

# -- a named capture in a constraint is refused before it reaches nginx; the
# same value written in the language builds, printed without any group name --
NAMED=$ROOT/tests/cases/constraint-named-capture-never-reaches-nginx/spec
"$TOPOC" build "$NAMED" -o "$TMP/named-out" >/dev/null 2>&1
status=$?
if [ "$status" = 1 ] && [ ! -e "$TMP/named-out" ]; then ok "cli named-capture-refused-before-nginx"
else bad "cli named-capture-refused-before-nginx" "status $status"; fi
cp -r "$NAMED" "$TMP/named-fixed"
sed -i 's/(?<topoc_upstream_host>\[a-z0-9.-\]+)/(?:[a-z0-9.-]+)/' "$TMP/named-fixed/services/orders.yaml"
if "$TOPOC" build "$TMP/named-fixed" -o "$TMP/named-fixed-out" >/dev/null 2>&1 &&
   grep -q 'location ~ "^/orders/(?:\[\\\\x2d\\\\x2e0-9a-z\]+)\$"' "$TMP/named-fixed-out"/production/gateway/nginx/nginx.conf &&
   ! grep -rq '(?<\|(?P<' "$TMP/named-fixed-out"/*/gateway; then
    ok "cli constraint-printed-without-groups"
else bad "cli constraint-printed-without-groups" "$(grep -h 'location ~' "$TMP/named-fixed-out"/production/gateway/nginx/nginx.conf 2>&1 | head -3)"; fi

# -- a route finding that holds in both environments is one line of text
# but one target per environment: waiving integration leaves production
# (tests/cases/waiver-per-environment); waiving both suppresses it --
sed 's|    target: integration/route/www/orders/{orderId}|    target: "*/route/www/orders/{orderId}"|' \
    "$ROOT/tests/cases/waiver-per-environment/spec/platform.yaml" >"$TMP/waive-all.yaml"
expect waiver-every-environment-suppresses 0 "$TOPOC" check "$TMP/waive-all.yaml"
contains waiver-every-environment-suppresses "$TMP/cli.err" "0 errors, 0 warnings, 1 waived"

# -- import openapi: a deterministic draft that check then holds the service
# to; pasted in place of the hand-written routes of each service that owns a
# whole document, the example still checks clean --
OA=$ROOT/specs/openapi
expect import-needs-service 2 "$TOPOC" import openapi "$OA/Codat-Banking.json"
expect import-refuses-yaml 2 "$TOPOC" import openapi "$ROOT/tests/rules/openapi-document/orders.yaml" --service web
contains import-says-convert "$TMP/cli.err" "topoc reads OpenAPI documents as JSON"
expect import-refuses-missing 2 "$TOPOC" import openapi "$TMP/none.json" --service web
expect import-banking 0 "$TOPOC" import openapi "$OA/Codat-Banking.json" --service banking
cp "$TMP/cli.out" "$TMP/import-1.yaml"
"$TOPOC" import openapi "$OA/Codat-Banking.json" --service banking >"$TMP/import-2.yaml" 2>/dev/null
if cmp -s "$TMP/import-1.yaml" "$TMP/import-2.yaml" && [ "$(grep -c '^  - host: api$' "$TMP/import-1.yaml")" = 8 ] &&
   grep -qF 'companyId: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"' "$TMP/import-1.yaml"; then
    ok "cli import-deterministic-with-constraints"
else bad "cli import-deterministic-with-constraints" "$(head -20 "$TMP/import-1.yaml")"; fi
rm -rf "$TMP/imported" && cp -r "$ROOT/specs" "$TMP/imported" && rm -rf "$TMP/imported/tutorial" "$TMP/imported/broken"
if python3 - "$TOPOC" "$TMP/imported" <<'PY'
import re, subprocess, sys
topoc, spec = sys.argv[1], sys.argv[2]
whole = {"assess": "Assess", "banking": "Banking", "commerce": "Commerce", "files": "Files",
         "spend-insights": "Spend-Insights", "supplier-enablement": "Supplier-Enablement",
         "sync-expenses": "Expenses"}
for svc, doc in whole.items():
    path = f"{spec}/services/{svc}.yaml"
    text = open(path).read()
    draft = subprocess.run([topoc, "import", "openapi", f"{spec}/openapi/Codat-{doc}.json",
                            "--service", svc], capture_output=True, text=True, check=True).stdout
    draft = draft.replace(f"{spec}/openapi/", "../openapi/")
    # the service's own openapi: and routes: blocks give way to the draft
    text = re.sub(r"(?ms)^# the API this service serves.*?^routes:\n(?:  .*\n|#.*\n)*", "", text)
    open(path, "w").write(text + draft)
r = subprocess.run([topoc, "check", spec], capture_output=True, text=True)
ok = r.returncode == 0 and " 0 warnings" in r.stderr
if not ok:  # only a failure explains itself
    print(r.stderr[-3000:])
sys.exit(0 if ok else 1)
PY
then ok "cli import-drafts-check-clean"; else bad "cli import-drafts-check-clean"; fi

# `topoc check` reports every error `topoc build` would stop at (a CI gate
# on check must not pass what build refuses): over every case's spec, the
# errors build prints are among check's.  Only Resource Manager's limits on
# the templates' sizes (arm-limit) wait for the templates to be made.
missing=""
for d in "$ROOT"/tests/cases/*/spec "$ROOT/specs" "$ROOT/specs/broken"; do
    [ -e "$d" ] || continue
    c=$(cd "$(dirname "$d")" && "$TOPOC" check --color never "$d" 2>&1 | grep ': error: ' | sort -u)
    rm -rf "$TMP/check-vs-build"
    b=$(cd "$(dirname "$d")" && "$TOPOC" build --color never "$d" -o "$TMP/check-vs-build" 2>&1 | grep ': error: ' | grep -v '\[arm-limit\]$' | sort -u)
    only=$(comm -13 <(printf '%s\n' "$c") <(printf '%s\n' "$b") | sed '/^$/d')
    [ -n "$only" ] && missing="$missing ${d#$ROOT/}: $(echo "$only" | head -2)"
done
rm -rf "$TMP/check-vs-build"
if [ -z "$missing" ]; then ok "cli check-reports-every-error-build-stops-at"
else bad "cli check-reports-every-error-build-stops-at" "$missing"; fi
