/* report_sarif.c - the report room's main file (src/report/): from the
 * diagnostics of a run, reports for machines -- SARIF (this file), JSON
 * (report_json.c), JUnit (report_junit.c), GitHub workflow commands
 * (report_github.c); see report.h.
 *
 * SARIF 2.1.0 (OASIS), checked in the tests against the
 * errata01 schema.  GitHub code scanning reads: tool.driver.name and rules,
 * results[].ruleId/level/message/locations, partialFingerprints. */
#include "topoc/check.h"
#include "topoc/json.h"
#include "topoc/report.h"
#include "topoc/util.h"

#include <stdio.h>
#include <string.h>

void report_fingerprint(const Diag *d, char out[17])
{
    uint64_t h = fnv1a(d->rule, strlen(d->rule), 1469598103934665603ULL);
    if (loc_src(d->loc))
        h = fnv1a(loc_src(d->loc)->path, strlen(loc_src(d->loc)->path), h);
    const char *what = d->target ? d->target : d->msg;
    h = fnv1a(what, strlen(what), h);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* A relative URI reference: unreserved characters and '/' as they are,
 * everything else percent-encoded. */
static JsonVal *uri(const char *path)
{
    Strbuf sb = STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            sb_putc(&sb, (char)*p);
        else
            sb_printf(&sb, "%%%02X", *p);
    }
    JsonVal *v = jv_str(sb.buf);
    sb_release(&sb);
    return v;
}

static JsonVal *text(const char *s)
{
    JsonVal *o = jv_obj();
    jv_set(o, "text", jv_str(s));
    return o;
}

static JsonVal *rule_json(const Rule *r)
{
    JsonVal *o = jv_obj();
    jv_set(o, "id", jv_str(r->id));
    jv_set(o, "name", jv_str(r->id));
    jv_set(o, "shortDescription", text(r->summary));
    jv_set(o, "fullDescription", text(r->explain));
    jv_set(o, "help", text(r->explain));
    JsonVal *cfg = jv_obj();
    jv_set(cfg, "level", jv_str(r->severity == RSEV_ERROR ? "error"
                                                           : "warning"));
    jv_set(o, "defaultConfiguration", cfg);
    JsonVal *props = jv_obj();
    JsonVal *tags = jv_arr();
    jv_push(tags, jv_str(r->family));
    jv_set(props, "tags", tags);
    jv_set(o, "properties", props);
    return o;
}

static JsonVal *location(const Loc *loc, const char *target)
{
    JsonVal *l = jv_obj();
    if (loc_src(*loc)) {
        JsonVal *phys = jv_obj(), *art = jv_obj();
        jv_set(art, "uri", uri(loc_src(*loc)->path));
        jv_set(phys, "artifactLocation", art);
        if (loc_line(*loc) > 0) {
            JsonVal *region = jv_obj();
            jv_set(region, "startLine", jv_int(loc_line(*loc)));
            jv_set(region, "startColumn", jv_int(loc_col(*loc)));
            if (loc->len > 1)
                jv_set(region, "endColumn", jv_int(loc_col(*loc) + loc->len));
            jv_set(phys, "region", region);
        }
        jv_set(l, "physicalLocation", phys);
    }
    if (target) {
        JsonVal *logical = jv_arr(), *ll = jv_obj();
        jv_set(ll, "fullyQualifiedName", jv_str(target));
        jv_push(logical, ll);
        jv_set(l, "logicalLocations", logical);
    }
    return l;
}

static JsonVal *result(const Diag *d)
{
    JsonVal *o = jv_obj();
    const Rule *r = rule_find(d->rule);
    jv_set(o, "ruleId", jv_str(d->rule));
    if (r)
        jv_set(o, "ruleIndex", jv_int(r - rules));
    jv_set(o, "level", jv_str(d->sev == SEV_ERROR     ? "error"
                              : d->sev == SEV_WARNING ? "warning"
                                                      : "note"));
    Strbuf msg = STRBUF_INIT;
    sb_puts(&msg, d->msg);
    for (int i = 0; i < d->nsubs; i++)
        if (d->subs[i].help)
            sb_printf(&msg, "\n%s", d->subs[i].msg);
    jv_set(o, "message", text(msg.buf));
    sb_release(&msg);
    JsonVal *locs = jv_arr();
    jv_push(locs, location(&d->loc, d->target));
    jv_set(o, "locations", locs);
    JsonVal *related = jv_arr();
    for (int i = 0; i < d->nsubs; i++) {
        if (d->subs[i].help || !loc_src(d->subs[i].loc))
            continue;
        JsonVal *rl = location(&d->subs[i].loc, NULL);
        jv_set(rl, "id", jv_int(i));
        jv_set(rl, "message", text(d->subs[i].msg));
        jv_push(related, rl);
    }
    if (jv_len(related))
        jv_set(o, "relatedLocations", related);
    else
        jv_free(related);
    char fp[17];
    report_fingerprint(d, fp);
    JsonVal *fps = jv_obj();
    jv_set(fps, "topoc/v1", jv_str(fp));
    jv_set(o, "partialFingerprints", fps);
    if (d->suppressed) {
        JsonVal *sups = jv_arr(), *s = jv_obj();
        jv_set(s, "kind", jv_str("external"));
        jv_set(s, "status", jv_str("accepted"));
        if (d->justification)
            jv_set(s, "justification", jv_str(d->justification));
        jv_push(sups, s);
        jv_set(o, "suppressions", sups);
    }
    return o;
}

void report_sarif(const Diags *ds, const char *version, Strbuf *out)
{
    JsonVal *driver = jv_obj();
    jv_set(driver, "name", jv_str("topoc"));
    jv_set(driver, "version", jv_str(version));
    jv_set(driver, "semanticVersion", jv_str(version));
    JsonVal *rl = jv_arr();
    for (int i = 0; i < nrules; i++)
        jv_push(rl, rule_json(&rules[i]));
    jv_set(driver, "rules", rl);
    JsonVal *tool = jv_obj();
    jv_set(tool, "driver", driver);
    JsonVal *results = jv_arr();
    for (int i = 0; i < ds->n; i++)
        jv_push(results, result(ds->v[i]));
    JsonVal *run = jv_obj();
    jv_set(run, "tool", tool);
    jv_set(run, "results", results);
    jv_set(run, "columnKind", jv_str("unicodeCodePoints"));
    JsonVal *runs = jv_arr();
    jv_push(runs, run);
    JsonVal *root = jv_obj();
    jv_set(root, "$schema", jv_str("https://docs.oasis-open.org/sarif/sarif/"
                                   "v2.1.0/errata01/os/schemas/"
                                   "sarif-schema-2.1.0.json"));
    jv_set(root, "version", jv_str("2.1.0"));
    jv_set(root, "runs", runs);
    jv_write(root, out);
    jv_free(root);
}
