/* model_docs.h - what model_docs.c hands resolve.c (private to src/model). */
#ifndef TOPOC_MODEL_DOCS_H
#define TOPOC_MODEL_DOCS_H

#include "topoc/build.h"

struct ModelDocs {
    Arena *a;
    Diags *ds;
    Model *m;             /* holds the waivers as they come */
    const Node *platform; /* the first platform document */
    Service **svcs;       /* decoded, in file order; each keeps its
                             overrides (copied) and the instances they
                             make (per_env) */
    int nsvcs, cap;
    Arena scratch; /* what resolution reads once (the stores' merged
                      overrides): freed when the model is built */
    Arena merged;  /* a service and its override merged, read once by
                      the decoder: emptied after each */
};

/* The instance an override makes of its service, decoded when the service
 * is taken, while the nodes of its document are alive (so that nothing of
 * the document is kept for resolution).  Whether the instance is used
 * (the environment exists, the service is deployed there, it is not a
 * second declaration) is known only once every file is read, so the
 * diagnostics its decoding made wait here: resolve.c reports them where
 * it would have decoded the override, in the same order. */
typedef struct EnvOverride {
    const Node *ov; /* the override (a map in Service.overrides) */
    Service *inst;  /* NULL when the decoding failed */
    Diag **diags;
    int ndiags;
} EnvOverride;

/* base with over laid on top: maps merge key by key, anything else is
 * replaced.  The result shares nodes with its inputs. */
const Node *node_merge(Arena *a, const Node *base, const Node *over);

/* Defaults that depend on other keys: the group is the kind, alerts go
 * to the owning team. */
void service_defaults(Service *s);

#endif
