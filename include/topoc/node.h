/* node.h - the document tree every front-end produces.
 *
 * YAML (load_yaml.c) and, later, XML (load_xml.c) both turn a file into
 * these nodes, so nothing after the loader knows which syntax was used.
 * Scalars stay text: the schema decoder (model/build.c) gives them a type,
 * which avoids YAML's surprises ("no" is a string, 3.10 is not 3.1).
 * Nodes may be shared (YAML aliases), so the tree is read-only.
 */
#ifndef TOPOC_NODE_H
#define TOPOC_NODE_H

#include <stdbool.h>

#include "topoc/diag.h"

typedef enum { NODE_NULL, NODE_SCALAR, NODE_SEQ, NODE_MAP } NodeKind;

typedef struct Node Node;

typedef struct NodePair {
    Node *key; /* always NODE_SCALAR */
    Node *val;
} NodePair;

struct Node {
    unsigned char kind; /* NodeKind */
    bool quoted;        /* a quoted scalar is always a string */
    int n;              /* entries in items or pairs */
    Loc loc;
    union {
        const char *str; /* NODE_SCALAR, NODE_NULL: NUL-terminated text,
                            no embedded NUL */
        Node **items;    /* NODE_SEQ */
        NodePair *pairs; /* NODE_MAP, in file order */
    };
};

/* A YAML document or XML root: one platform or one service. */
typedef struct Document {
    Node *root;
    const Source *src;
} Document;

const char *node_kind_name(NodeKind k);
/* The value for key in a map node, or NULL. */
Node *node_get(const Node *map, const char *key);
/* A copy of the tree n in a, for a part of a document that must outlive
 * the documents (load_free_trees); the scalars' text is shared, and so is
 * a node shared through aliases: it is copied once. */
Node *node_copy(Arena *a, const Node *n);

#endif
