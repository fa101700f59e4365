/* node.c - helpers on the document tree (see node.h). */
#include "topoc/node.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *node_kind_name(NodeKind k)
{
    switch (k) {
    case NODE_NULL:
        return "empty value";
    case NODE_SCALAR:
        return "scalar";
    case NODE_SEQ:
        return "list";
    case NODE_MAP:
        return "map";
    }
    return "?";
}

Node *node_get(const Node *map, const char *key)
{
    if (!map || map->kind != NODE_MAP)
        return NULL;
    for (int i = 0; i < map->n; i++) {
        const char *k = map->pairs[i].key->str;
        /* keys are interned (load_yaml.c): the same text is often the
         * same pointer, and most keys differ in their first letter */
        if (k == key || (k[0] == key[0] && strcmp(k, key) == 0))
            return map->pairs[i].val;
    }
    return NULL;
}

/* The copies made so far in one node_copy: a node shared through aliases
 * is copied once and stays shared (a document may expand to a million
 * nodes through aliases of a few thousand). */
typedef struct Memo {
    const Node **from;
    Node **to;
    size_t cap, n; /* cap a power of two, n <= cap / 2 */
    bool heap;     /* from and to were malloc'd (else node_copy's own) */
} Memo;

enum { MEMO_FIRST = 64 }; /* a service's overrides: a few dozen nodes */

static size_t memo_slot(const Memo *m, const Node *n)
{
    size_t k = ((uintptr_t)n >> 3) * 0x9E3779B97F4A7C15u;
    k &= m->cap - 1;
    while (m->from[k] && m->from[k] != n)
        k = (k + 1) & (m->cap - 1);
    return k;
}

static void memo_put(Memo *m, const Node *from, Node *to)
{
    if (2 * (m->n + 1) > m->cap) {
        Memo g = {xmalloc(2 * m->cap * sizeof *g.from),
                  xmalloc(2 * m->cap * sizeof *g.to), 2 * m->cap, m->n, true};
        memset(g.from, 0, g.cap * sizeof *g.from);
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->from[i])
                continue;
            size_t k = memo_slot(&g, m->from[i]);
            g.from[k] = m->from[i];
            g.to[k] = m->to[i];
        }
        if (m->heap) {
            free(m->from);
            free(m->to);
        }
        *m = g;
    }
    size_t k = memo_slot(m, from);
    m->from[k] = from;
    m->to[k] = to;
    m->n++;
}

static Node *copy(Arena *a, Memo *m, const Node *n)
{
    size_t k = memo_slot(m, n);
    if (m->from[k])
        return m->to[k];
    Node *c = arena_alloc(a, sizeof *c);
    *c = *n;
    memo_put(m, n, c);
    if (n->kind == NODE_SEQ) {
        c->items = arena_alloc(a, (size_t)n->n * sizeof *c->items);
        for (int i = 0; i < n->n; i++)
            c->items[i] = copy(a, m, n->items[i]);
    } else if (n->kind == NODE_MAP) {
        c->pairs = arena_alloc(a, (size_t)n->n * sizeof *c->pairs);
        for (int i = 0; i < n->n; i++) {
            c->pairs[i].key = copy(a, m, n->pairs[i].key);
            c->pairs[i].val = copy(a, m, n->pairs[i].val);
        }
    }
    return c;
}

Node *node_copy(Arena *a, const Node *n)
{
    if (!n)
        return NULL;
    if (n->kind != NODE_SEQ && n->kind != NODE_MAP) { /* nothing shared */
        Node *c = arena_alloc(a, sizeof *c);
        *c = *n;
        return c;
    }
    const Node *from[MEMO_FIRST] = {0}; /* no allocation for most trees */
    Node *to[MEMO_FIRST];
    Memo m = {from, to, MEMO_FIRST, 0, false};
    Node *c = copy(a, &m, n);
    if (m.heap) {
        free(m.from);
        free(m.to);
    }
    return c;
}
