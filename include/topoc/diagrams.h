/* diagrams.h - the pictures of the topology (src/diagrams/); the docs
 * that show them are src/docs/ (docs.h).  The views build plain graphs (graph.h);
 * diagrams_render.c is the only file that lays them out with Graphviz.
 */
#ifndef TOPOC_DIAGRAMS_H
#define TOPOC_DIAGRAMS_H

#include "topoc/emit.h"

/* The pictures: ENV/diagrams/, diagrams/overview; services with findings
 * in highlight (if given) are drawn in red.  Layout times go to stats if
 * given.  Returns -1 after reporting a layout error. */
int emit_diagrams(const Model *m, const Diags *highlight, Outputs *o,
                  Strbuf *stats);

#endif
