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
                             overrides and, in node, the parts of its
                             document they reach (copied) */
    int nsvcs, cap;
    Arena scratch; /* what resolution reads once (the services' parts of
                      documents, merged overrides): freed when the model
                      is built */
};

/* Defaults that depend on other keys: the group is the kind, alerts go
 * to the owning team. */
void service_defaults(Service *s);

#endif
