/* diagrams_worker.h - pictures laid out in a worker process within a
 * time limit (diagrams_worker.c), so that a Graphviz that never ends or
 * aborts cannot hang or crash the build. */
#ifndef TOPOC_DIAGRAMS_WORKER_H
#define TOPOC_DIAGRAMS_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "topoc/graph.h"
#include "topoc/strbuf.h"

enum { WORKER_DOT, WORKER_SVG, WORKER_PNG, WORKER_OUTS };

/* Draws g in the worker (stuck: why it is to be packed, or NULL) into
 * outs (outs[WORKER_PNG] may be NULL); on failure returns non-zero with a
 * message in err.  seconds: the layout's own time. */
typedef int (*WorkerFn)(void *ctx, const Graph *g, const char *stuck,
                        Strbuf **outs, char *err, size_t errlen,
                        double *seconds);

typedef enum {
    WORK_OK,      /* outs made */
    WORK_FAILED,  /* fn failed: its message is in err */
    WORK_TIMEOUT, /* the worker was killed at the time limit */
    WORK_CRASHED  /* the worker died (an abort in Graphviz) */
} WorkResult;

typedef struct Worker Worker;
/* A worker that will run fn(ctx, ...); its process is forked when the
 * first picture is sent, and again after one is killed or dies. */
Worker *worker_new(WorkerFn fn, void *ctx);
/* g drawn by the worker within limit seconds, appended to outs.  Without
 * a process (no fork or socket), fn runs here. */
WorkResult worker_render(Worker *w, const Graph *g, const char *stuck,
                         Strbuf **outs, double limit, char *err,
                         size_t errlen, double *seconds);
void worker_free(Worker *w);

#endif
