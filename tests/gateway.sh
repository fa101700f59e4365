# tests/gateway.sh - the generated nginx + ModSecurity edge, run for real on
# 127.0.0.1 (tests/gateway/e2e.py); sourced by tests/run.sh.
GW=$TMP/gw
mkdir -p "$GW"
gateway_e2e() { # NAME OUT ENV [--waf]
    # e2e.py prints one line per check; a run that dies part-way (a
    # traceback, the timeout) loses the checks after it, so it fails here
    # by itself rather than passing with fewer checks.
    local name=$1 out=$2 env=$3 log="$GW/e2e-$1-$3.log" rc=0 failed=0
    shift 3
    timeout 600 python3 "$ROOT/tests/gateway/e2e.py" "$out" "$env" "$GW/work-$name" "$@" >"$log" 2>&1 || rc=$?
    while IFS= read -r line; do
        case "$line" in
        "ok "*) ok "gateway $name ${line#ok }" ;;
        "FAIL "*) bad "gateway $name ${line#FAIL }"; failed=1 ;;
        esac
    done <"$log"
    if [ "$rc" -ne 0 ] && { [ "$failed" = 0 ] || grep -q '^Traceback' "$log"; }; then
        bad "gateway $name $env: e2e.py stopped part-way (exit $rc)"
        tail -n 8 "$log" | sed 's/^/    /'
    fi
}
for spec in example:"$ROOT/specs" fixture:"$ROOT/tests/gateway/spec" hostile:"$ROOT/tests/gateway/hostile"; do
    "$TOPOC" build "${spec#*:}" -o "$GW/${spec%%:*}" -q 2>/dev/null || bad "gateway build ${spec%%:*}"
done
start=$(date +%s)
gateway_e2e example "$GW/example" integration --openapi "$ROOT/specs"
gateway_e2e example "$GW/example" production --haproxy --openapi "$ROOT/specs"
gateway_e2e fixture "$GW/fixture" production --waf --haproxy
gateway_e2e hostile "$GW/hostile" production
echo "gateway: end-to-end checks took $(( $(date +%s) - start )) s"

# Hostile strings stay inside the tokens they belong to.
if python3 - "$GW/hostile/production/gateway/nginx" <<'PY'
import os, re, sys
d = sys.argv[1]
conf = open(f"{d}/nginx.conf").read()
for line in conf.splitlines():
    if "pwned" in line:  # only inside a quoted location regex or map key
        assert re.match(r'\s*(location ~ |)"[^"]*pwned[^"]*"( \{| items;)$', line), line
assert not re.search(r"^\s*return 200", conf, re.M)
rules = open(f"{d}/modsec/custom-rules.conf").read()
sec = [l for l in rules.splitlines() if l.startswith("Sec")]
assert len(sec) == 2, sec              # 2 custom rules (internal paths: nginx.conf)
assert all(l.startswith("SecRule ") for l in sec)
assert "SecRuleEngine Off" not in "\n".join(sec) and "\n" not in "".join(sec)
PY
then ok "gateway hostile-strings-inject-nothing"; else bad "gateway hostile-strings-inject-nothing"; fi

# Adding one service changes only the lines about that service.
mkdir -p "$GW/plus"
cp -r "$ROOT/specs/." "$GW/plus/"
rm -rf "$GW/plus/tutorial" "$GW/plus/broken"
# (its API has no document: the copy's openapi: entry goes)
sed '/^# the API this service/,/^routes:$/{/^routes:$/!d}; s/^service: files$/service: file-previews/; s|/files|/previews|; s|/files/download|/previews/download|' \
    "$ROOT/specs/services/files.yaml" >"$GW/plus/services/file-previews.yaml"
"$TOPOC" build "$GW/plus" -o "$GW/plus-out" -q 2>/dev/null
if python3 - "$GW/example/production/gateway" "$GW/plus-out/production/gateway" <<'PY'
import json, re, sys
def units(path):
    """nginx.conf as blocks: 'map VAR', 'location COMMENT', and lines."""
    out, lines, i = {}, open(path).read().splitlines(), 0
    comment = None
    while i < len(lines):
        l = lines[i].strip()
        if l.startswith("#"):
            comment = l
        if l.startswith("map ") or l.startswith("location ~"):
            key = l if l.startswith("map ") else "location " + (comment or "")
            body = []
            while not lines[i].strip() == "}":
                body.append(lines[i]); i += 1
            out[key] = "\n".join(body)
        elif l:
            out.setdefault("lines", []).append(l)
        i += 1
    return out
old, new = units(sys.argv[1] + "/nginx/nginx.conf"), units(sys.argv[2] + "/nginx/nginx.conf")
for key in set(old) | set(new):
    if key == "lines":
        added = set(new[key]) - set(old[key])
        assert set(old[key]) <= set(new[key]), set(old[key]) - set(new[key])
        assert all("file-previews" in l or "file_previews" in l for l in added), added
    elif old.get(key) != new.get(key):
        assert "file-previews" in key or "file_previews" in key or "file-previews" in new.get(key, ""), key
        assert key in new, "removed: " + key
r_old = json.load(open(sys.argv[1] + "/routes.json"))["routes"]
r_new = json.load(open(sys.argv[2] + "/routes.json"))["routes"]
assert [r for r in r_new if r["service"] != "file-previews"] == r_old
PY
then ok "gateway adding-a-service-changes-only-its-lines"; else bad "gateway adding-a-service-changes-only-its-lines"; fi

# HAProxy, rendered from templates/haproxy/: haproxy -c accepts it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$GW/hap.key" -out "$GW/hap.crt" \
    -days 2 -subj /CN=topoc-test >/dev/null 2>&1
cat "$GW/hap.crt" "$GW/hap.key" >"$GW/gateway.pem"
for env in integration production; do
    sed "s|crt-base /etc/haproxy/certs|crt-base $GW|" "$GW/example/$env/gateway/haproxy/haproxy.cfg" >"$GW/haproxy-$env.cfg"
    if haproxy -c -f "$GW/haproxy-$env.cfg" >"$GW/haproxy.out" 2>&1 &&
       ! grep -v -e "could not resolve address" -e NOTICE "$GW/haproxy.out" | grep -q -e WARNING -e ALERT; then
        ok "gateway haproxy -c $env"
    else
        bad "gateway haproxy -c $env" "$(grep -v 'could not resolve' "$GW/haproxy.out" | head -10)"
    fi
done
sed "s|crt-base /etc/haproxy/certs|crt-base $GW|" "$GW/hostile/production/gateway/haproxy/haproxy.cfg" >"$GW/haproxy-hostile.cfg"
# (the route's acl, and be_notfound's 405 for its path)
if haproxy -c -f "$GW/haproxy-hostile.cfg" >/dev/null 2>&1 && [ "$(grep -c 'pwned' "$GW/haproxy-hostile.cfg")" = 2 ] &&
   [ "$(grep -cE -- '-m reg ([^ \\]|\\.)*pwned([^ \\]|\\.)*( \}|)$' "$GW/haproxy-hostile.cfg")" = 2 ]; then
    ok "gateway haproxy hostile-strings-inject-nothing"; else bad "gateway haproxy hostile-strings-inject-nothing"; fi

# --templates adds a target, or replaces a built-in one; broken ones are refused.
mkdir -p "$GW/tpl/route-list" "$GW/tpl/haproxy" "$GW/bad/broken"
printf '{{#routes}}{{host}} {{methods}} {{path}} -> {{service}}\n{{/routes}}' >"$GW/tpl/route-list/routes.txt.mustache"
printf '# replaced\n{{> extra}}' >"$GW/tpl/haproxy/haproxy.cfg.mustache"
printf 'platform {{platform}}\n' >"$GW/tpl/haproxy/_extra.mustache"
echo text >"$GW/tpl/route-list/escaping" && echo haproxy >"$GW/tpl/haproxy/escaping" && echo text >"$GW/bad/broken/escaping"
"$TOPOC" build "$ROOT/specs/tutorial" -o "$GW/tpl-out" --templates "$GW/tpl" -q 2>/dev/null
if grep -qx "api.books.example GET PUT /orders/{orderId} -> orders" "$GW/tpl-out/production/gateway/route-list/routes.txt" &&
   [ "$(cat "$GW/tpl-out/production/gateway/haproxy/haproxy.cfg")" = "$(printf '# replaced\nplatform tutorial')" ] &&
   [ -f "$GW/tpl-out/production/gateway/nginx/nginx.conf" ]; then
    ok "gateway templates-add-and-replace-targets"; else bad "gateway templates-add-and-replace-targets"; fi
printf 'ok\n{{#routes}}\n{{path}}\n' >"$GW/bad/broken/x.txt.mustache"
"$TOPOC" build "$ROOT/specs/tutorial" -o "$GW/bad-out" --templates "$GW/bad" -q 2>"$GW/bad.err"
status=$?
if [ "$status" = 2 ] && grep -q "x.txt.mustache:2:1: section is not closed: 'routes'" "$GW/bad.err" && [ ! -e "$GW/bad-out" ]; then
    ok "gateway broken-template-is-refused"; else bad "gateway broken-template-is-refused" "status $status: $(cat "$GW/bad.err")"; fi
