/* review_import.c - `topoc import openapi DOC --service NAME`: a draft of
 * the routes a service needs for its API document (see review.h).  The
 * draft is what `check` then holds the service to: each operation's path
 * and method, and the constraints its parameter schemas allow
 * (openapi.c), so a pasted draft plus `openapi:` checks clean unless
 * another service's route takes the operation first. */
#include "topoc/escape.h"
#include "topoc/openapi.h"
#include "topoc/review.h"

#include <string.h>

/* A value as a YAML scalar: plain when it holds only characters no YAML
 * reader takes for syntax, else double-quoted. */
static void yaml_value(Strbuf *out, const char *s)
{
    bool plain = *s && *s != '{' && *s != '-';
    for (const char *p = s; plain && *p; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("/{}._~-", *p);
    if (plain) {
        sb_puts(out, s);
        return;
    }
    sb_putc(out, '"');
    escape_yaml_text(out, s, strlen(s));
    sb_putc(out, '"');
}

/* Two operations' parameter constraints, as one text to compare. */
static void params_key(const Route *r, Strbuf *out)
{
    for (int i = 0; i < r->params.n; i++) {
        const KeyVal *kv = r->params.v[i];
        sb_printf(out, "%s\1%s\1", kv->key.s, kv->value.s);
    }
}

static bool same_route(const OaOp *x, const OaOp *y)
{
    if (strcmp(x->route.path.s, y->route.path.s))
        return false;
    Strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    params_key(&x->route, &a);
    params_key(&y->route, &b);
    bool same = a.len == b.len && (!a.len || !memcmp(a.buf, b.buf, a.len));
    sb_release(&a);
    sb_release(&b);
    return same;
}

/* One route: ops[lo..hi) share a path and constraints. */
static void write_route(Strbuf *out, const char *host, const OaOp *ops,
                        int lo, int hi)
{
    sb_puts(out, "  - host: ");
    yaml_value(out, host);
    sb_puts(out, "\n    path: ");
    yaml_value(out, ops[lo].route.path.s);
    sb_puts(out, "\n    methods: [");
    for (int i = lo; i < hi; i++)
        sb_printf(out, "%s%s", i > lo ? ", " : "", ops[i].method);
    sb_puts(out, "]\n");
    const Route *r = &ops[lo].route;
    if (r->params.n)
        sb_puts(out, "    params:\n");
    for (int i = 0; i < r->params.n; i++) {
        const KeyVal *kv = r->params.v[i];
        sb_printf(out, "      %s: \"", kv->key.s);
        escape_yaml_text(out, kv->value.s, strlen(kv->value.s));
        sb_puts(out, "\"\n");
    }
}

static const char *first_label(Arena *a, const char *host)
{
    return host ? arena_strndup(a, host, strcspn(host, ".")) : NULL;
}

int review_import_openapi(Arena *a, const char *file, const char *service,
                          const char *host, Strbuf *out)
{
    OaDoc doc;
    Strbuf err = STRBUF_INIT;
    if (!openapi_read(a, file, file, &doc, &err)) {
        sb_puts(out, err.buf);
        sb_release(&err);
        return -1;
    }
    sb_release(&err);
    const char *h = host ? host : first_label(a, doc.server_host);
    if (!h || !*h) {
        sb_printf(out, "'%s' names no server host: give --host", file);
        return -1;
    }
    sb_printf(out, "# Drafted by 'topoc import openapi' for service %s from "
                   "%s (%d operations).\n"
                   "# Review it, then paste it into the service's spec "
                   "file; the document's path there\n"
                   "# is relative to that file.  Parameters whose schema "
                   "the constraint language\n"
                   "# cannot say take any value.\n",
              service, file, doc.nops);
    sb_puts(out, "openapi:\n  - document: ");
    yaml_value(out, file);
    if (host) {
        sb_puts(out, "\n    host: ");
        yaml_value(out, host);
    }
    sb_puts(out, "\nroutes:\n");
    for (int lo = 0; lo < doc.nops;) {
        int hi = lo + 1;
        while (hi < doc.nops && same_route(&doc.ops[lo], &doc.ops[hi]))
            hi++;
        write_route(out, h, doc.ops, lo, hi);
        lo = hi;
    }
    return 0;
}
