/* report_json.c - the diagnostics of a run as one JSON document:
 * {"diagnostics": [...], "errors": N, "warnings": N, "suppressed": N},
 * each diagnostic with its location, severity, rule, target, notes and help.
 */
#include "topoc/json.h"
#include "topoc/report.h"

static JsonVal *loc_json(JsonVal *o, const Loc *loc)
{
    if (loc_src(*loc)) {
        jv_set(o, "file", jv_str(loc_src(*loc)->path));
        if (loc_line(*loc) > 0) {
            jv_set(o, "line", jv_int(loc_line(*loc)));
            jv_set(o, "column", jv_int(loc_col(*loc)));
        }
    }
    return o;
}

void report_json(const Diags *ds, Strbuf *out)
{
    JsonVal *list = jv_arr();
    for (int i = 0; i < ds->n; i++) {
        const Diag *d = ds->v[i];
        JsonVal *o = loc_json(jv_obj(), &d->loc);
        jv_set(o, "severity", jv_str(d->sev == SEV_ERROR     ? "error"
                                     : d->sev == SEV_WARNING ? "warning"
                                                             : "note"));
        jv_set(o, "rule", jv_str(d->rule));
        jv_set(o, "message", jv_str(d->msg));
        if (d->target)
            jv_set(o, "target", jv_str(d->target));
        if (d->nalso) { /* the same finding elsewhere, e.g. production */
            JsonVal *also = jv_arr();
            for (int k = 0; k < d->nalso; k++)
                jv_push(also, jv_str(d->also[k]));
            jv_set(o, "also", also);
        }
        jv_set(o, "suppressed", jv_bool(d->suppressed));
        if (d->justification)
            jv_set(o, "justification", jv_str(d->justification));
        JsonVal *notes = jv_arr(), *help = jv_arr();
        for (int j = 0; j < d->nsubs; j++) {
            const DiagSub *s = &d->subs[j];
            if (s->help) {
                jv_push(help, jv_str(s->msg));
                continue;
            }
            JsonVal *n = loc_json(jv_obj(), &s->loc);
            jv_set(n, "message", jv_str(s->msg));
            jv_push(notes, n);
        }
        jv_set(o, "notes", notes);
        jv_set(o, "help", help);
        jv_push(list, o);
    }
    JsonVal *root = jv_obj();
    jv_set(root, "diagnostics", list);
    jv_set(root, "errors", jv_int(ds->nerrors));
    jv_set(root, "warnings", jv_int(ds->nwarnings));
    jv_set(root, "suppressed", jv_int(ds->nsuppressed));
    jv_write(root, out);
    jv_free(root);
}
