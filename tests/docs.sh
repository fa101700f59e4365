# tests/docs.sh - out/docs/: complete on its own, built by a real static-site
# generator (mkdocs build --strict), opened in headless Chromium (every page
# of the HTML catalogue crawled: images load, links and anchors resolve; the
# filter finds a service by name and a route by path), the Structurizr
# workspace checked by Structurizr's rules, and adding a service changes
# only the pages about it; sourced by tests/run.sh after tests/diagrams.sh
# (uses its builds $DG/a and $DG/b).
DD=$TMP/docs
mkdir -p "$DD"
PY=/usr/bin/python3

# every page in both formats, and nothing the docs show lives outside docs/
if out=$($PY - "$DG/a" <<'PY'
import json, os, re, sys
out = sys.argv[1]
m = json.load(open(f"{out}/model.json"))
names = set()
for em in m["environments"].values():
    names |= set(em["services"])
groups = {s["group"] for em in m["environments"].values() for s in em["services"].values()}
pages = ["index", "services", "routes", "stores", "sources", "teams"]
pages += [f"environments/{e}" for e in m["environments"]]
pages += [f"domains/{g}" for g in groups] + [f"services/{n}" for n in names]
missing = [p for p in pages for f in (f"docs/{p}.html", f"docs/markdown/{p}.md")
           if not os.path.isfile(f"{out}/{f}")]
assert not missing, missing[:5]
bad = []
for root, _, files in os.walk(f"{out}/docs"):
    for f in files:
        if not f.endswith((".html", ".md")):
            continue
        path = os.path.join(root, f)
        text = open(path).read()
        for ref in re.findall(r'(?:src|href)="([^"#?]+)', text) + re.findall(r'\]\(([^)#]+)', text):
            if re.match(r"^[a-z]+:", ref):
                bad.append((path, ref)); continue
            target = os.path.normpath(os.path.join(root, ref))
            if not target.startswith(f"{out}/docs/") or not os.path.exists(target):
                bad.append((path[len(out):], ref))
assert not bad, bad[:5]
print(len(pages), "pages")
PY
); then ok "docs every-page-self-contained ($out)"; else bad "docs every-page-self-contained" "$out"; fi

# the HTML catalogue and the Markdown tree show one copy of each picture:
# markdown/img/X is img/X under a second name (a hard link), both ways
if out=$($PY - "$DG/a/docs" <<'PY'
import os, sys
d = sys.argv[1]
def files(top):
    return {os.path.relpath(os.path.join(r, f), top) for r, _, fs in os.walk(top) for f in fs}
html, md = files(f"{d}/img"), files(f"{d}/markdown/img")
assert html == md and html, (sorted(html ^ md)[:3])
two = [p for p in html if not os.path.samefile(f"{d}/img/{p}", f"{d}/markdown/img/{p}")]
assert not two, ("written twice", sorted(two)[:3])
print(len(html), "pictures")
PY
); then ok "docs pictures-written-once ($out)"; else bad "docs pictures-written-once" "$out"; fi

# the Markdown is a site: MkDocs (Debian's) builds it with --strict, which
# fails on any nav entry, link or image that does not resolve
if out=$(cd "$DG/a/docs" && mkdocs build --strict -f mkdocs.yml -d "$DD/site" 2>&1) &&
    [ -f "$DD/site/services/billing.html" ] && [ -f "$DD/site/img/integration/network.svg" ]; then
    ok "docs mkdocs-build-strict"; else bad "docs mkdocs-build-strict" "$out"; fi
# ... and the check fails on a broken link
cp -r "$DG/a/docs" "$DD/broken-md"
rm "$DD/broken-md/markdown/img/production/network.svg"
if out=$(cd "$DD/broken-md" && mkdocs build --strict -d "$DD/site-broken" 2>&1); then
    bad "docs mkdocs-strict-catches-a-missing-picture" "$out"
elif echo "$out" | grep -q "production/network.svg"; then ok "docs mkdocs-strict-catches-a-missing-picture"
else bad "docs mkdocs-strict-catches-a-missing-picture" "$out"; fi
# the Docusaurus sidebar names exactly the Markdown pages
if out=$($PY - "$DG/a/docs" <<'PY'
import os, re, sys
d = sys.argv[1]
ids = set(re.findall(r"^\s+'([^']+)',$", open(f"{d}/sidebars.js").read(), re.M))
pages = {os.path.relpath(os.path.join(r, f), f"{d}/markdown")[:-3]
         for r, _, fs in os.walk(f"{d}/markdown") for f in fs if f.endswith(".md")}
assert ids == pages, (sorted(ids - pages)[:3], sorted(pages - ids)[:3])
for p in pages:
    head = open(f"{d}/markdown/{p}.md").read().split("\n---\n")[0]
    assert head.startswith("---\ntitle: \""), p
print(len(ids), "pages")
PY
); then ok "docs docusaurus-sidebar ($out)"; else bad "docs docusaurus-sidebar" "$out"; fi

# headless Chromium: crawl the HTML catalogue from index.html
chrome() {
    timeout 300 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$DD/chrome" "$@" 2>>"$DD/chrome.log"
}
docs_check() { # URL [#flags]
    chrome --allow-file-access-from-files --virtual-time-budget=120000 --dump-dom \
        "file://$ROOT/tests/diagrams/docs_check.html?$1" |
        awk '/<pre id="result">/ { on = 1 } on { print } on && /<\/pre>/ { exit }' |
        sed 's/<[^>]*>//g'
}
res=$(docs_check "file://$DG/a/docs/index.html#crawl")
if echo "$res" | grep -q '^checked 1[0-9][0-9] pages, [1-9][0-9]* images' && ! echo "$res" | grep -q FAIL; then
    ok "docs chromium-catalogue-crawl ($(echo "$res" | tail -1))"
else bad "docs chromium-catalogue-crawl" "$(echo "$res" | grep -v '^search' | head -20)
$(tail -5 "$DD/chrome.log")"; fi
# the MkDocs site: its index (the nav links every page) and a service page
res=$(docs_check "file://$DD/site/index.html#external-ok"; docs_check "file://$DD/site/services/billing.html#external-ok")
if [ "$(echo "$res" | grep -c '^checked 1 pages, [1-9]')" = 2 ] && ! echo "$res" | grep -q FAIL; then
    ok "docs chromium-mkdocs-site ($(echo "$res" | grep ^checked | tr '\n' ' '))"
else bad "docs chromium-mkdocs-site" "$res"; fi
# the check sees a missing picture, a broken link and a broken anchor
cp -r "$DG/a/docs" "$DD/broken"
rm "$DD/broken/img/production/network.svg" "$DD/broken/services/auth.html"
sed -i 's/<h2 id="billing-db">/<h2>/' "$DD/broken/stores.html"
res=$(docs_check "file://$DD/broken/index.html#crawl")
if echo "$res" | grep -q 'FAIL image ../img/production/network.svg in environments/production.html' &&
    echo "$res" | grep -q 'FAIL link ../services/auth.html' &&
    echo "$res" | grep -q 'FAIL anchor stores.html#billing-db'; then
    ok "docs chromium-check-catches-missing-image-link-anchor"
else bad "docs chromium-check-catches-missing-image-link-anchor" "$(echo "$res" | grep -v '^search')"; fi
# the filter: a service by name, a route by its path
res=$(docs_check "file://$DG/a/docs/services.html%3Fq%3Dusage-metering")
res2=$(docs_check "file://$DG/a/docs/routes.html%3Fq%3D%2Fcompanies%2F%7BcompanyId%7D%2FaccessToken")
if echo "$res" | grep -q '^search services.html: 1 of 101 rows' && echo "$res" | grep -q '^row usage-metering' &&
    echo "$res2" | grep -q '^search routes.html: 1 of [0-9]* rows' &&
    echo "$res2" | grep -q '^row .*/companies/{companyId}/accessToken'; then
    ok "docs chromium-filter-finds-service-and-route"
else bad "docs chromium-filter-finds-service-and-route" "$res
$res2"; fi
# without script the filter box stays hidden and every row is there
if grep -q '<input id="filter" type="search"[^>]* hidden>' "$DG/a/docs/routes.html" &&
    [ "$(grep -c '^<tr>' "$DG/a/docs/routes.html")" -gt 100 ]; then
    ok "docs filter-degrades-without-script"; else bad "docs filter-degrades-without-script"; fi
# screenshots, decoded (virtual time: the pictures load before the shot)
for p in index services routes services/billing domains/platform-core; do
    chrome --window-size=1280,1600 --virtual-time-budget=30000 --screenshot="$DD/shot-${p//\//-}.png" "file://$DG/a/docs/$p.html" >/dev/null
done
chrome --window-size=1280,1600 --virtual-time-budget=30000 --screenshot="$DD/shot-mkdocs.png" "file://$DD/site/services/billing.html" >/dev/null
# decoded to pixels: every page shows something, and the pages with a
# picture show the picture (its services' fill, #d9ead3), not only the page
# around it; a blank page fails
printf '<!doctype html><title>blank</title>' >"$DD/blank.html"
out="" out2="" blank=""
chrome --window-size=1280,1600 --virtual-time-budget=30000 --screenshot="$DD/blank.png" "file://$DD/blank.html" >/dev/null
if out=$($PY "$ROOT/tests/diagrams/png_check.py" --pixels "$DD"/shot-services.png "$DD"/shot-routes.png) &&
    out2=$($PY "$ROOT/tests/diagrams/png_check.py" --pixels --colour d9ead3 "$DD"/shot-index.png \
        "$DD"/shot-services-billing.png "$DD"/shot-domains-platform-core.png "$DD"/shot-mkdocs.png) &&
    [ "$(printf "%s\n%s\n" "$out" "$out2" | grep -c '^ok .*1280x1600: [0-9]* pixels of ink')" = 6 ] &&
    blank=$($PY "$ROOT/tests/diagrams/png_check.py" --pixels "$DD/blank.png"; echo "status $?") &&
    echo "$blank" | grep -q "^FAIL .*blank: " && echo "$blank" | grep -q "status 1"; then
    ok "docs chromium-screenshots (6 decoded, a blank one caught)"
else bad "docs chromium-screenshots" "$out
$out2
$blank"; fi
[ -n "${DOCS_SHOTS:-}" ] && cp "$DD"/shot-*.png "$DOCS_SHOTS/"

# Structurizr: the rules its tools enforce beyond the (permissive) schema
if out=$($PY "$ROOT/tests/docs/structurizr_check.py" "$DG/a"); then
    ok "docs structurizr-workspace ($out)"; else bad "docs structurizr-workspace" "$out"; fi
$PY - "$DG/a/docs/structurizr.json" "$DD/bad.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
c = w["model"]["softwareSystems"][0]["containers"]
c[1]["relationships"].append(dict(c[1]["relationships"][0], id="x", destinationId="service:nope"))
c.append(dict(c[2]))
json.dump(w, open(sys.argv[2], "w"))
PY
out=$($PY "$ROOT/tests/docs/structurizr_check.py" "$DG/a" "$DD/bad.json")
if echo "$out" | grep -q "unknown destination service:nope" && echo "$out" | grep -q "duplicate id"; then
    ok "docs structurizr-check-catches-bad-workspace"; else bad "docs structurizr-check-catches-bad-workspace" "$out"; fi

# adding a service changes its page, its domain's, its neighbours' (calls,
# called by) and one row or entry of each catalogue, and nothing else
if out=$($PY - "$DG/a" "$DG/b" <<'PY'
import filecmp, json, os, sys
a, b = sys.argv[1:3]
new = "billing-export"
m = json.load(open(f"{b}/model.json"))
svcs = {n: s for em in m["environments"].values() for n, s in em["services"].items()}
s = svcs[new]
near = set(s.get("depends-on", [])) | {n for n, x in svcs.items() if new in x.get("depends-on", [])}
allowed = {f"services/{new}", f"domains/{s['group']}"} | {f"services/{n}" for n in near}
catalogues = {"services", "routes", "stores", "sources", "teams", "sidebar"}
changed = []
for root, _, files in os.walk(f"{b}/docs"):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), f"{b}/docs")
        if rel.startswith("img/") or rel.startswith("markdown/img/"):
            continue
        old = os.path.join(f"{a}/docs", rel)
        if os.path.exists(old) and filecmp.cmp(old, os.path.join(root, f), shallow=False):
            continue
        page = rel.replace("markdown/", "").rsplit(".", 1)[0]
        page = "sidebar" if page in ("mkdocs", "sidebars") else page
        changed.append(page)
        if page in allowed or page == "structurizr":
            continue
        # a catalogue's row for it; an environment's row for its domain
        about = s["group"] if page.startswith("environments/") else new
        assert page in catalogues or about != new, ("changed", rel)
        ol = open(old).read().splitlines() if os.path.exists(old) else []
        nl = open(os.path.join(root, f)).read().splitlines()
        added, gone = [l for l in nl if l not in ol], [l for l in ol if l not in nl]
        # rows added, or rows replaced by a row that names it
        assert added and len(gone) <= len(added) and all(about in l for l in added), \
            (rel, [l for l in added if about not in l][:2], gone[:2])
assert f"services/{new}" in changed and "services" in changed, changed
print(len(set(changed)), "pages changed")
PY
); then ok "docs add-service-changes-only-its-pages ($out)"; else bad "docs add-service-changes-only-its-pages" "$out"; fi
