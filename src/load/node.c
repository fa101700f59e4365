/* node.c - helpers on the document tree (see node.h). */
#include "topoc/node.h"

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
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key->str, key) == 0)
            return map->pairs[i].val;
    return NULL;
}

Node *node_copy(Arena *a, const Node *n)
{
    if (!n)
        return NULL;
    Node *c = arena_alloc(a, sizeof *c);
    *c = *n;
    if (n->kind == NODE_SEQ) {
        c->items = arena_alloc(a, (size_t)n->n * sizeof *c->items);
        for (int i = 0; i < n->n; i++)
            c->items[i] = node_copy(a, n->items[i]);
    } else if (n->kind == NODE_MAP) {
        c->pairs = arena_alloc(a, (size_t)n->n * sizeof *c->pairs);
        for (int i = 0; i < n->n; i++) {
            c->pairs[i].key = node_copy(a, n->pairs[i].key);
            c->pairs[i].val = node_copy(a, n->pairs[i].val);
        }
    }
    return c;
}
