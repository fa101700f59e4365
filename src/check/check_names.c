/* check_names.c - names a service's lists declare that must not repeat:
 * an alert's (each is an Azure alert rule of that name), a secret's or a
 * setting's (each is an app setting and an environment variable of that
 * name: the second would silently replace the first), a store's (listed
 * twice, its access and SQL grants come out twice) and a dependency's or
 * an egress source's.  The second is an error at itself, the first a
 * note (duplicate-name).
 *
 * A list an instance shares with its base (its override leaves it alone)
 * is checked with the base, once: at 10,000 services that is most of
 * them. */
#include "topoc/check.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct Named {
    const char *name;
    Loc loc;
    int kind; /* what declares it (names[]), and its order */
    int at;
} Named;

static const char *const what[] = {"alert", "secret", "setting", "store",
                                   "dependency", "egress source"};
enum { ALERT, SECRET, SETTING, STORE, DEP, EGRESS };
enum { SHORT = 16 };

static int named_cmp(const void *a, const void *b)
{
    const Named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->at - y->at;
}

static void report(Checker *ck, const Service *s, const Named *first,
                   const Named *again)
{
    Diags *ds = check_diags(ck);
    Diag *d;
    if (first->kind == again->kind)
        d = check_report(ck, "duplicate-name", again->loc,
                         check_service_target(ck, s, again->loc, NULL),
                         "'%s'%s names %s '%s' twice", s->name.s,
                         check_in_env(ck, s, again->loc), what[again->kind],
                         again->name);
    else
        d = check_report(ck, "duplicate-name", again->loc,
                         check_service_target(ck, s, again->loc, NULL),
                         "%s '%s' of '%s'%s has the name of its %s",
                         what[again->kind], again->name, s->name.s,
                         check_in_env(ck, s, again->loc), what[first->kind]);
    diag_note(ds, d, first->loc, "the %s '%s'", what[first->kind],
              first->name);
    switch (again->kind) {
    case ALERT:
        diag_help(ds, d, "rename one: each alert is an Azure alert rule "
                         "named after it, and a template cannot hold two");
        break;
    case SECRET:
    case SETTING:
        diag_help(ds, d, "rename one: each secret and setting is an app "
                         "setting of its name, and the second would replace "
                         "the first");
        break;
    case STORE:
        diag_help(ds, d, "list the store once, with the access the service "
                         "needs (read-write includes read)");
        break;
    default:
        diag_help(ds, d, "list it once");
    }
}

/* Every name of v[0..n) that repeats one before it, reported.  Most
 * lists are a few names: compared pairwise, sorted only when long. */
static void repeats(Checker *ck, const Service *s, Named *v, int n)
{
    if (n <= SHORT) {
        for (int i = 1; i < n; i++)
            for (int j = 0; j < i; j++)
                if (v[j].name == v[i].name || !strcmp(v[j].name, v[i].name)) {
                    report(ck, s, &v[j], &v[i]);
                    break;
                }
        return;
    }
    qsort(v, (size_t)n, sizeof *v, named_cmp);
    for (int i = 1, first = 0; i < n; i++) {
        if (strcmp(v[i].name, v[first].name) != 0) {
            first = i;
            continue;
        }
        report(ck, s, &v[first], &v[i]);
    }
}

/* Appends to *v, which starts as a buffer of SHORT on the stack. */
static void add(Named **v, int *n, int *cap, const char *name, Loc loc,
                int kind)
{
    if (!name)
        return;
    if (*n == *cap) {
        Named *grown = xmalloc((size_t)*cap * 2 * sizeof *grown);
        memcpy(grown, *v, (size_t)*n * sizeof *grown);
        if (*cap > SHORT)
            free(*v);
        *v = grown;
        *cap *= 2;
    }
    (*v)[*n] = (Named){name, loc, kind, *n};
    (*n)++;
}

/* s's lists, those not shared with base (NULL: all of them). */
static void service_names(Checker *ck, const Service *s, const Service *base)
{
    Named small[SHORT], *v = small;
    int n = 0, cap = SHORT;
    if (!base || s->alerts.v != base->alerts.v) {
        for (int i = 0; i < s->alerts.n; i++) {
            const Alert *al = s->alerts.v[i];
            add(&v, &n, &cap, al->name.s, al->name.loc, ALERT);
        }
        repeats(ck, s, v, n);
        n = 0;
    }
    if (!base || s->secrets.v != base->secrets.v ||
        s->settings.v != base->settings.v) {
        for (int i = 0; i < s->secrets.n; i++) {
            const Secret *x = s->secrets.v[i];
            add(&v, &n, &cap, x->name.s, x->name.loc, SECRET);
        }
        for (int i = 0; i < s->settings.n; i++) {
            const KeyVal *kv = s->settings.v[i];
            add(&v, &n, &cap, kv->key.s, kv->key.loc, SETTING);
        }
        repeats(ck, s, v, n);
        n = 0;
    }
    if (!base || s->stores.v != base->stores.v) {
        for (int i = 0; i < s->stores.n; i++) {
            const StoreUse *u = s->stores.v[i];
            add(&v, &n, &cap, u->store.s, u->store.loc, STORE);
        }
        repeats(ck, s, v, n);
        n = 0;
    }
    const StrList *lists[] = {&s->depends_on, &s->egress};
    const StrList *was[] = {base ? &base->depends_on : NULL,
                            base ? &base->egress : NULL};
    for (int k = 0; k < 2; k++) {
        if (was[k] && lists[k]->v == was[k]->v)
            continue;
        for (int i = 0; i < lists[k]->n; i++)
            add(&v, &n, &cap, lists[k]->v[i].s, lists[k]->v[i].loc,
                k ? EGRESS : DEP);
        repeats(ck, s, v, n);
        n = 0;
    }
    if (v != small)
        free(v);
}

void check_names(Checker *ck)
{
    const Model *m = check_model_of(ck);
    for (int i = 0; i < m->nservices; i++)
        service_names(ck, m->services[i], NULL);
    /* an instance's lists, where its override made its own: both arrays
     * are sorted by name, so its base is found walking beside it */
    for (int i = 0; i < m->nenvs; i++) {
        const EnvModel *e = &m->envs[i];
        for (int k = 0, j = 0; k < e->nservices; k++) {
            const Service *s = e->services[k];
            while (j < m->nservices && m->services[j]->name.s != s->name.s &&
                   strcmp(m->services[j]->name.s, s->name.s) < 0)
                j++;
            const Service *base = j < m->nservices ? m->services[j] : NULL;
            if (base == s)
                continue;
            if (base && strcmp(base->name.s, s->name.s) != 0)
                base = NULL;
            service_names(ck, s, base);
        }
    }
}
