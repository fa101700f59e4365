# tests/schema.sh - the JSON Schema of the spec language, checked by its
# real consumers; sourced by tests/run.sh (TOPOC, ROOT, BUILD, TMP, ok, bad).
#   - python3-jsonschema: the schema is valid draft-07; what topoc accepts it
#     accepts; each input error topoc reports it reports on the same line;
#   - yaml-language-server (npm, pinned, installed into BUILD by the
#     Makefile) over LSP, as an editor runs it: the unknown key and the
#     wrong type topoc reports, at the same line and column, and completion
#     of the keys not yet written.
SCH=$TMP/schema
mkdir -p "$SCH"
for kind in "" platform service waivers; do
    if ! "$TOPOC" schema --format json-schema $kind >"$SCH/${kind:-any}.json" 2>"$TMP/schema.err"; then
        bad "schema json-schema ${kind:-any}" "$(cat "$TMP/schema.err")"
    fi
done
if out=$(/usr/bin/python3 - "$SCH" <<'PY'
import json, sys, os, jsonschema
for f in sorted(os.listdir(sys.argv[1])):
    jsonschema.Draft7Validator.check_schema(json.load(open(os.path.join(sys.argv[1], f))))
PY
); then ok "schema json-schema is valid draft-07"; else bad "schema json-schema is valid draft-07" "$out"; fi
"$TOPOC" schema --format json-schema >"$TMP/schema2.json"
if cmp -s "$SCH/any.json" "$TMP/schema2.json"; then ok "schema json-schema deterministic"; else bad "schema json-schema deterministic"; fi
while IFS= read -r line; do
    case "$line" in
    "ok "*) ok "${line#ok }" ;;
    "FAIL "*) bad "${line#FAIL }" ;;
    *) bad "schema validate.py: $line" ;;
    esac
done < <(/usr/bin/python3 "$ROOT/tests/schema/validate.py" "$SCH" "$ROOT" 2>&1)

# any format either works or is refused
for args in "schema --format json" "schema --format sarif" "rules --format json" \
            "explain --format json route-shadowed" "check --format json-schema $ROOT/specs/tutorial" \
            "schema --format json-schema nonsense"; do
    # shellcheck disable=SC2086
    "$TOPOC" $args >"$TMP/refused.out" 2>"$TMP/refused.err"
    status=$?
    if [ "$status" = 2 ] && [ ! -s "$TMP/refused.out" ] && grep -q "error" "$TMP/refused.err"; then
        ok "schema refuses: topoc $args"
    else
        bad "schema refuses: topoc $args" "status $status; $(head -3 "$TMP/refused.out")"
    fi
done

# yaml-language-server over LSP on a spec with the modeline the README shows
YLS=$ROOT/$BUILD/yls/node_modules/yaml-language-server/bin/yaml-language-server
LSP=$TMP/lsp
mkdir -p "$LSP/spec/services"
cp "$SCH/any.json" "$LSP/topoc.schema.json"
cp "$ROOT/specs/tutorial/platform.yaml" "$LSP/spec/"
cat >"$LSP/spec/services/web.yaml" <<'YAML'
# yaml-language-server: $schema=../../topoc.schema.json
service: web
kind: api
team: shop
runtime:
  image: registry.books.example/web:1.0.0
  regoin: uksouth
  port: eighty
  
YAML
if [ ! -f "$YLS" ]; then
    bad "schema yaml-language-server" "$YLS missing: make test installs it (npm)"
else
    (cd "$LSP" && "$TOPOC" check spec --format json -q >"$LSP/check.json" 2>/dev/null)
    if timeout 120 node "$ROOT/tests/schema/lsp.js" "$YLS" "$LSP/topoc.schema.json" \
        "$LSP/spec/services/web.yaml" 9:3 >"$LSP/lsp.json" 2>"$LSP/lsp.err" &&
        out=$(/usr/bin/python3 - "$LSP/check.json" "$LSP/lsp.json" <<'PY'
import json, sys
check = [d for d in json.load(open(sys.argv[1]))["diagnostics"]
         if d["rule"] in ("unknown-key", "type-mismatch")]
lsp = json.load(open(sys.argv[2]))
at = {(d["line"], d["col"]): d["message"] for d in lsp["diagnostics"]}
problems = []
if sorted(d["rule"] for d in check) != ["type-mismatch", "unknown-key"]:
    problems.append("topoc reported %s" % check)
for d in check:
    if (d["line"], d["column"]) not in at:
        problems.append("topoc %s at %d:%d, the editor: %s" % (d["rule"], d["line"], d["column"], at))
want = {"cpu", "memory", "health-path"}
got = set(lsp["completion"])
if not want <= got or "image" in got or "port" in got:
    problems.append("completion in runtime offered %s" % sorted(got))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
); then
        ok "schema yaml-language-server reports what topoc reports, and completes keys"
    else
        bad "schema yaml-language-server reports what topoc reports, and completes keys" \
            "$out $(cat "$LSP/lsp.err" "$LSP/lsp.json" 2>/dev/null | head -5)"
    fi
fi
