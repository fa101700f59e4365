/* model_index.c - services found by name (see model.h: NameIndex).
 *
 * The checks, the resolver and the emitters look services up by name a
 * few times per dependency and environment: 200,000 look-ups at 10,000
 * services.  A binary search costs ~14 string comparisons, each through
 * a Service pointer to its name (cache misses); a hash table of names
 * and indices costs one hash of the name and, nearly always, one
 * comparison, with the name beside its index (no Service read).  The
 * arrays stay sorted by name for everything that walks them in order. */
#include "topoc/model.h"
#include "topoc/util.h"

#include <stdlib.h>
#include <string.h>

static uint64_t name_hash(const char *s)
{
    return fnv1a(s, strlen(s), 1469598103934665603ull);
}

void name_index_build(Arena *a, NameIndex *ix, Service *const *v, int n)
{
    size_t cap = 16;
    while (2 * cap < 3 * (size_t)n) /* at most two thirds full */
        cap *= 2;
    ix->slot = arena_alloc(a, cap * sizeof *ix->slot);
    ix->mask = cap - 1;
    for (int i = 0; i < n; i++) {
        uint64_t h = name_hash(v[i]->name.s);
        size_t k = h & ix->mask;
        while (ix->slot[k].name)
            k = (k + 1) & ix->mask;
        ix->slot[k] = (NameSlot){v[i]->name.s, i, (unsigned)h};
    }
}

static int svc_key_cmp(const void *key, const void *elem)
{
    return strcmp(key, (*(Service *const *)elem)->name.s);
}

/* The index of the service called name in v (sorted by name, indexed by
 * ix when built), or -1. */
static int find_service(const NameIndex *ix, Service *const *v, int n,
                        const char *name)
{
    if (!name)
        return -1;
    if (!ix->slot) { /* not built yet: the array is sorted */
        Service *const *p = n ? bsearch(name, v, (size_t)n, sizeof *v,
                                        svc_key_cmp)
                              : NULL;
        return p ? (int)(p - v) : -1;
    }
    uint64_t h = name_hash(name);
    for (size_t k = h & ix->mask; ix->slot[k].name; k = (k + 1) & ix->mask)
        if (ix->slot[k].hash == (unsigned)h &&
            (ix->slot[k].name == name || strcmp(ix->slot[k].name, name) == 0))
            return ix->slot[k].i;
    return -1;
}

const Service *model_service(const Model *m, const char *name)
{
    int i = model_service_index(m, name);
    return i < 0 ? NULL : m->services[i];
}

int model_service_index(const Model *m, const char *name)
{
    return find_service(&m->by_name, m->services, m->nservices, name);
}

const Service *env_service(const EnvModel *e, const char *name)
{
    int i = env_service_index(e, name);
    return i < 0 ? NULL : e->services[i];
}

int env_service_index(const EnvModel *e, const char *name)
{
    return find_service(&e->by_name, e->services, e->nservices, name);
}
