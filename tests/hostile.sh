# tests/hostile.sh - faults and hostile surroundings: who owns the output
# folder, builds killed at every rename and at random moments, a full disk,
# symbolic links, stdout that cannot be written, templates that would run
# without bound.  Sourced by tests/run.sh (TOPOC, ROOT, TMP, ok, bad).

H=$TMP/hostile
mkdir -p "$H"
# A tree as text: every folder and file with its content's hash.
tree_sum() { (cd "$1" 2>/dev/null && find . | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
hexpect() { # NAME STATUS TEXT CMD...: exit STATUS and TEXT on stderr
    local name=$1 want=$2 text=$3
    shift 3
    timeout 120 "$@" >"$H/out" 2>"$H/err"
    local got=$?
    if [ "$got" = "$want" ] && grep -qF -- "$text" "$H/err"; then ok "hostile $name"; else
        bad "hostile $name" "exit $got (want $want), stderr: $(head -5 "$H/err")"; fi
}
TUT=$ROOT/specs/tutorial
# the tutorial without its integration environment
mkdir -p "$H/noint" && cp -r "$TUT/." "$H/noint/"
sed -i '/^  integration:$/,/^    domain: integration/d' "$H/noint/platform.yaml"
sed -i '/^environments:$/,$d' "$H/noint/services/orders.yaml"

# -- the output folder is topoc's alone --
mkdir -p "$H/repo/docs" && echo "# mine" >"$H/repo/docs/README.md" && echo x >"$H/repo/Makefile"
before=$(tree_sum "$H/repo")
hexpect output-foreign-files-refused 2 "docs: not written by topoc" "$TOPOC" build "$TUT" -o "$H/repo"
if [ "$(tree_sum "$H/repo")" = "$before" ] && ! ls -a "$H" | grep -q '^\.repo\.topoc-'; then
    ok "hostile output-foreign-files-untouched"; else bad "hostile output-foreign-files-untouched"; fi
"$TOPOC" build "$TUT" -o "$H/own" -q 2>/dev/null
echo "notes" >"$H/own/production/notes.txt"
hexpect output-foreign-file-inside-refused 2 "production/notes.txt: not written by topoc" \
    "$TOPOC" build "$TUT" -o "$H/own"
rm "$H/own/production/notes.txt"
# exactly what the manifest lists, and a removed environment is gone
"$TOPOC" build "$H/noint" -o "$H/own" -q 2>/dev/null
listed=$(grep -v '^#' "$H/own/.topoc-output")
found=$(cd "$H/own" && find . -type f ! -name .topoc-output | sed 's|^\./||' | sort)
if [ ! -e "$H/own/integration" ] && [ "$listed" = "$found" ] && [ -n "$found" ]; then
    ok "hostile removed-environment-gone"; else bad "hostile removed-environment-gone" "$(ls "$H/own")"; fi

# -- a symbolic link inside the output tree is never followed --
"$TOPOC" build "$TUT" -o "$H/ln" -q 2>/dev/null
mv "$H/ln/production" "$H/elsewhere" && ln -s "$H/elsewhere" "$H/ln/production"
before=$(tree_sum "$H/elsewhere")
hexpect highlight-refuses-symlinked-unit 2 "production: a symbolic link" \
    "$TOPOC" check --highlight -o "$H/ln" "$TUT"
hexpect build-refuses-symlinked-unit 2 "production: a symbolic link" "$TOPOC" build "$TUT" -o "$H/ln"
if [ "$(tree_sum "$H/elsewhere")" = "$before" ] && [ -L "$H/ln/production" ]; then
    ok "hostile symlink-target-untouched"; else bad "hostile symlink-target-untouched"; fi

# -- stale staging of a killed build is removed by the next one --
dead=$(sh -c 'echo $$')
mkdir -p "$H/.own.topoc-$dead/production" && touch "$H/.own.topoc-$dead/.topoc-output"
mkdir -p "$H/.own.topoc-999999999x"  # not ours: left alone
"$TOPOC" build "$TUT" -o "$H/own" -q 2>/dev/null
if [ ! -e "$H/.own.topoc-$dead" ] && [ -d "$H/.own.topoc-999999999x" ]; then
    ok "hostile stale-staging-removed"; else bad "hostile stale-staging-removed" "$(ls -a "$H")"; fi

# -- SIGKILL at every rename of a build (before and after it), and at
#    random moments: the folder holds the old tree or the new one --
# under make check the sanitizer runtime must come first in LD_PRELOAD
PRE=$(ldd "$TOPOC" 2>/dev/null | awk '/libasan|libubsan/ { printf "%s ", $3 }')
if cc -shared -fPIC -O1 "$ROOT/tests/fault/kill_at_rename.c" -o "$H/kar.so" -ldl 2>"$H/cc.err"; then
    "$TOPOC" build "$TUT" -o "$H/old" -q 2>/dev/null
    "$TOPOC" build "$H/noint" -o "$H/new" -q 2>/dev/null
    old=$(tree_sum "$H/old") new=$(tree_sum "$H/new")
    rm -rf "$H/k" && cp -a "$H/old" "$H/k"
    FAULT_COUNT=$H/count LD_PRELOAD="$PRE$H/kar.so" "$TOPOC" build "$H/noint" -o "$H/k" -q 2>/dev/null
    renames=$(cat "$H/count" 2>/dev/null || echo 0)
    fails="" tries=0
    for n in $(seq 1 "$renames"); do
        for when in before after; do
            rm -rf "$H/k" && cp -a "$H/old" "$H/k"
            FAULT_RENAME=$n FAULT_WHEN=$when LD_PRELOAD="$PRE$H/kar.so" \
                bash -c '"$0" build "$1" -o "$2" -q 2>/dev/null' "$TOPOC" "$H/noint" "$H/k" 2>/dev/null
            st=$? tries=$((tries + 1))
            now=$(tree_sum "$H/k")
            [ "$st" = 137 ] || fails="$fails [rename $n $when: exit $st]"
            [ "$now" = "$old" ] || [ "$now" = "$new" ] || fails="$fails [rename $n $when: a mix]"
        done
    done
    for ms in 5 20 40 80 120 200 300 450; do
        rm -rf "$H/k" && cp -a "$H/old" "$H/k"
        bash -c 'timeout -s KILL "$0" "$1" build "$2" -o "$3" -q 2>/dev/null' \
            "0.$(printf %03d "$ms")" "$TOPOC" "$H/noint" "$H/k" 2>/dev/null
        now=$(tree_sum "$H/k") tries=$((tries + 1))
        [ "$now" = "$old" ] || [ "$now" = "$new" ] || fails="$fails [killed after $ms ms: a mix]"
    done
    "$TOPOC" build "$H/noint" -o "$H/k" -q 2>/dev/null
    [ "$(tree_sum "$H/k")" = "$new" ] || fails="$fails [the next build is not the new tree]"
    ls -a "$H" | grep -q '^\.k\.topoc-' && fails="$fails [staging left: $(ls -a "$H" | grep topoc- | tr '\n' ' ')]"
    if [ "$renames" -ge 1 ] && [ -z "$fails" ]; then ok "hostile sigkill-old-or-new ($renames renames, $tries kills)"
    else bad "hostile sigkill-old-or-new" "renames: $renames;$fails"; fi
else
    bad "hostile sigkill-old-or-new" "cannot build the fault injector: $(head -3 "$H/cc.err")"
fi

# -- files are written while the build runs, into the staging folder only:
#    a build that stops on errors found while writing leaves the folder as
#    it was, and a file dropped into the folder meanwhile is refused at the
#    swap (ownership is checked again), not deleted --
"$TOPOC" build "$TUT" -o "$H/late" -q 2>/dev/null
before=$(tree_sum "$H/late")
(cd "$ROOT/tests/cases/build-refuses-keys-no-template-honours" &&
    "$TOPOC" build spec -o "$H/late" -q) >/dev/null 2>"$H/err"
st=$?
if [ "$st" = 1 ] && grep -q "error:" "$H/err" && [ "$(tree_sum "$H/late")" = "$before" ] &&
    ! ls -a "$H" | grep -q '^\.late\.topoc-'; then
    ok "hostile errors-while-writing-leave-folder"
else bad "hostile errors-while-writing-leave-folder" "exit $st: $(head -3 "$H/err")"; fi
python3 "$ROOT/tests/bench/gen.py" 300 "$H/g300" >/dev/null
"$TOPOC" build "$TUT" -o "$H/drop" -q 2>/dev/null
"$TOPOC" build "$H/g300" -o "$H/drop" -q 2>"$H/err" &
pid=$!
for _ in $(seq 1 400); do
    ls -a "$H" | grep -q '^\.drop\.topoc-' && break
    sleep 0.05
done
echo "mine" >"$H/drop/notes.txt"
wait $pid
st=$?
if [ "$st" = 2 ] && grep -q "notes.txt: not written by topoc" "$H/err" &&
    grep -q "was left as it was" "$H/err" && [ "$(cat "$H/drop/notes.txt")" = mine ] &&
    [ -e "$H/drop/integration/gateway/routes.json" ] && [ ! -e "$H/drop/docs/services/svc-00000.html" ] &&
    ! ls -a "$H" | grep -q '^\.drop\.topoc-'; then
    ok "hostile file-dropped-during-build-refused"
else bad "hostile file-dropped-during-build-refused" "exit $st: $(head -3 "$H/err")"; fi

# -- a full disk (a file size limit, and a small tmpfs where we may mount
#    one) leaves the old tree and says why --
"$TOPOC" build "$TUT" -o "$H/full" -q 2>/dev/null
before=$(tree_sum "$H/full")
(trap '' XFSZ; ulimit -f 100; exec "$TOPOC" build "$ROOT/specs" -o "$H/full" -q) >"$H/out" 2>"$H/err"
st=$?
if [ "$st" = 2 ] && grep -q "File too large" "$H/err" && grep -q "was left as it was" "$H/err" &&
    [ "$(tree_sum "$H/full")" = "$before" ] && ! ls -a "$H" | grep -q '^\.full\.topoc-'; then
    ok "hostile full-disk-file-limit"; else bad "hostile full-disk-file-limit" "exit $st: $(head -3 "$H/err")"; fi
mkdir -p "$H/mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$H/mnt" 2>/dev/null; then
    "$TOPOC" build "$TUT" -o "$H/mnt/out" -q 2>/dev/null
    before=$(tree_sum "$H/mnt/out")
    "$TOPOC" build "$ROOT/specs" -o "$H/mnt/out" -q >"$H/out" 2>"$H/err"
    st=$?
    if [ "$st" = 2 ] && grep -q "No space left on device" "$H/err" &&
        [ "$(tree_sum "$H/mnt/out")" = "$before" ] && [ "$(ls -A "$H/mnt")" = out ]; then
        ok "hostile full-disk-tmpfs"; else bad "hostile full-disk-tmpfs" "exit $st: $(head -3 "$H/err")"; fi
    umount "$H/mnt"
fi

# -- a report that cannot be written is a failure with a message --
hexpect stdout-full-report 2 "cannot write to standard output" \
    sh -c 'exec "$0" check "$1" --format json >/dev/full' "$TOPOC" "$TUT"
hexpect stdout-full-rules 2 "cannot write to standard output" sh -c 'exec "$0" rules >/dev/full' "$TOPOC"

# -- templates: declared escaping, only regular files inside the folder,
#    bounded work and size, refused rather than cut --
T=$H/tpl
mkdir -p "$T/plain"
printf '{{platform}}\n' >"$T/plain/x.txt.mustache"
hexpect template-needs-escaping 2 "escaping" "$TOPOC" build "$TUT" -o "$H/t1" --templates "$T"
echo text >"$T/plain/escaping"
printf '{{> secret}}\n' >"$T/plain/y.txt.mustache"
ln -s /etc/passwd "$T/plain/_secret.mustache"
hexpect template-symlink-refused 2 "_secret.mustache: a symbolic link" "$TOPOC" build "$TUT" -o "$H/t1" --templates "$T"
rm "$T/plain/_secret.mustache" "$T/plain/y.txt.mustache"
head -c 1100000 /dev/zero | tr '\0' 'x' >"$T/plain/big.txt.mustache"
hexpect template-over-1mib-refused 2 "larger than the 1 MiB limit" "$TOPOC" build "$TUT" -o "$H/t1" --templates "$T"
rm "$T/plain/big.txt.mustache"
printf '{{> p0}}' >"$T/plain/boom.txt.mustache"
for i in $(seq 0 39); do printf '{{> p%d}}{{> p%d}}' $((i + 1)) $((i + 1)) >"$T/plain/_p$i.mustache"; done
echo x >"$T/plain/_p40.mustache" # 2^40 partials if unbounded
start=$(date +%s)
hexpect template-doubling-partials-bounded 2 "refusing" "$TOPOC" build "$TUT" -o "$H/t1" --templates "$T"
rm "$T/plain/boom.txt.mustache"
open="" close=""
for i in $(seq 1 30); do open="$open{{#internal_paths}}" close="{{/internal_paths}}$close"; done
printf '%s{{path}}%s' "$open" "$close" >"$T/plain/nest.txt.mustache"
hexpect template-nested-sections-bounded 2 "refusing" "$TOPOC" build "$TUT" -o "$H/t1" --templates "$T"
secs=$(( $(date +%s) - start ))
if [ "$secs" -lt 60 ]; then ok "hostile templates-bounded-in-time (${secs}s)"; else bad "hostile templates-bounded-in-time" "${secs}s"; fi
if [ ! -e "$H/t1" ]; then ok "hostile refused-template-writes-nothing"; else bad "hostile refused-template-writes-nothing"; fi

# -- Graphviz escapes in spec text are data; free text is bounded --
mkdir -p "$H/gv" && cp -r "$TUT/." "$H/gv/"
sed -i 's/^    display-name: Shopify$/    display-name: "Shop\\\\N \\\\G \\\\L\\nline two"/' "$H/gv/platform.yaml"
"$TOPOC" build "$H/gv" -o "$H/gv-out" -q 2>"$H/err"
if grep -qF 'Shop\N \G \L' "$H/gv-out/production/diagrams/domains/connector.svg"; then
    ok "hostile graphviz-escapes-are-data"; else bad "hostile graphviz-escapes-are-data" "$(grep -h Shop "$H/gv-out/production/diagrams/domains/connector.svg" | head -3) $(head -3 "$H/err")"; fi
python3 -c 'print("    display-name: \"" + "x\\n" * 50000 + "\"")' >"$H/lines"
sed -i "/^    display-name: /{r $H/lines
d}" "$H/gv/platform.yaml"
hexpect free-text-bounded 1 "free text may hold at most 4096 bytes in 40 lines" "$TOPOC" build "$H/gv" -o "$H/gv-out2"

# -- a hostile string through every free-text field into every target:
#    each output read by its real consumer, shaped as a clean build's; the
#    hostile build's nginx + ModSecurity run for real --
python3 "$ROOT/tests/hostile/make_corpus.py" "$TUT" "$H/corpus"
python3 "$ROOT/tests/hostile/make_corpus.py" "$TUT" "$H/corpus-clean" clean
if cc "$ROOT/tests/hostile/dot_count.c" -o "$H/dot_count" $(pkg-config --cflags --libs libcgraph) 2>"$H/cc.err" &&
    "$TOPOC" build "$H/corpus" -o "$H/corpus-out" -q 2>"$H/err" &&
    "$TOPOC" build "$H/corpus-clean" -o "$H/corpus-clean-out" -q 2>>"$H/err"; then
    while IFS= read -r line; do
        case "$line" in
        "ok "*) ok "hostile ${line#ok }" ;;
        "FAIL "*) bad "hostile ${line#FAIL }" ;;
        esac
    done < <(python3 "$ROOT/tests/hostile/corpus.py" "$H/corpus-clean-out" "$H/corpus-out" "$H/dot_count" 2>&1)
    if grep -rqF '::error::forged' "$H/corpus-out/docs/index.html" "$H/corpus-out/production/gateway/azure/edge.json"; then
        ok "hostile corpus-reaches-the-outputs"; else bad "hostile corpus-reaches-the-outputs"; fi
    if declare -F gateway_e2e >/dev/null; then gateway_e2e corpus "$H/corpus-out" production; fi
    if [ -f "${GW:-}/gateway.pem" ]; then # made by tests/gateway.sh
        sed "s|crt-base /etc/haproxy/certs|crt-base $GW|" "$H/corpus-out/production/gateway/haproxy/haproxy.cfg" >"$H/haproxy.cfg"
        if haproxy -c -f "$H/haproxy.cfg" >"$H/haproxy.out" 2>&1; then ok "hostile corpus haproxy -c"
        else bad "hostile corpus haproxy -c" "$(grep -v 'could not resolve' "$H/haproxy.out" | head -5)"; fi
    fi
else
    bad "hostile corpus-builds" "$(head -5 "$H/err" "$H/cc.err")"
fi

# -- aliases stay shared when the model keeps part of a document: 40
# services whose override names a 2,000-key anchor 200 times each (800,000
# nodes expanded, within the limit) must not be expanded into copies (1.2
# GB when they were; the documents themselves are 1.3 MB) --
mkdir -p "$H/alias-share/services"
cp "$ROOT/tests/cases/build-overrides/spec/platform.yaml" "$H/alias-share/"
if python3 - "$TOPOC" "$H/alias-share" <<'PY'
import os, subprocess, sys
topoc, spec = sys.argv[1], sys.argv[2]
anchor = "{" + ", ".join(f"K{j}: v{j}" for j in range(2000)) + "}"
for i in range(40):
    with open(f"{spec}/services/s{i:02d}.yaml", "w") as f:
        f.write(f"service: s{i:02d}\nkind: api\nteam: web\nruntime: {{image: reg.example/s:1}}\n"
                f"settings: &big {anchor}\nenvironments:\n  integration:\n    settings:\n")
        f.write("".join(f"      A{k}: *big\n" for k in range(200)))
p = subprocess.Popen([topoc, "check", "-q", spec], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read().decode()
_, status, ru = os.wait4(p.pid, 0)
peak = ru.ru_maxrss / 1024
ok = os.waitstatus_to_exitcode(status) == 1 and "type-mismatch" in err and peak < 400
if not ok:
    print(f"exit {os.waitstatus_to_exitcode(status)}, peak {peak:.0f} MB", err[-500:])
sys.exit(0 if ok else 1)
PY
then ok "hostile alias-shared-nodes-stay-shared"; else bad "hostile alias-shared-nodes-stay-shared"; fi

# -- positions on one long line: 150,000 unknown keys after multi-byte
# characters, all on line 1 of a 2.5 MB file.  Each finding's column is
# worked out from the byte offset a Loc holds, counting characters from a
# checkpoint, and quoting a line costs O(1): both once scanned the whole
# line per finding (minutes for this input).  Every column must be the
# character count libyaml gives.
mkdir -p "$H/oneline"
cp "$ROOT/tests/cases/build-overrides/spec/platform.yaml" "$H/oneline/"
if python3 - "$TOPOC" "$H/oneline" <<'PY'
import re, subprocess, sys
topoc, spec = sys.argv[1], sys.argv[2]
head = "{service: s, kind: api, team: web, runtime: {image: reg.example/s:1}, "
keys = [f"kë{i}" for i in range(150000)]
text, cols = head, {}
for k in keys:
    cols[k] = len(text) + 1  # characters, 1-based
    text += f"{k}: \u00e9, "
with open(f"{spec}/s.yaml", "w", encoding="utf-8") as f:
    f.write(text + "}")
p = subprocess.run([topoc, "check", spec], capture_output=True, timeout=110)
err = p.stderr.decode()
pat = r"s\.yaml:1:(\d+): error: unknown key '([^']*)'"
got = {m[2]: int(m[1]) for m in re.finditer(pat, err)}
bad = [k for k in keys if got.get(k) != cols[k]]
if p.returncode != 1 or bad:
    print(f"exit {p.returncode}, {len(bad)} wrong, e.g. {bad[:3]}", err[-300:])
sys.exit(0 if p.returncode == 1 and not bad else 1)
PY
then ok "hostile one-line-positions-linear"; else bad "hostile one-line-positions-linear"; fi
