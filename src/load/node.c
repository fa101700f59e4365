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
