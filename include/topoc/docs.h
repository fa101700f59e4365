/* docs.h - the docs of the topology (src/docs/): out/docs/, a catalogue
 * that is complete on its own (HTML pages, the same pages as Markdown for
 * MkDocs and Docusaurus, the pictures they show) and the model as a
 * Structurizr workspace.  Runs after emit_diagrams: it copies the
 * pictures it shows from o.
 */
#ifndef TOPOC_DOCS_H
#define TOPOC_DOCS_H

#include "topoc/emit.h"

/* docs/: findings (warnings and notes of check; may be NULL) are listed on
 * the pages of the services they are about. */
void emit_docs(const Model *m, const Diags *findings, Outputs *o);
/* docs/structurizr.json: C4 (the platform as a software system, services
 * and stores as containers, sources as external systems) with a
 * deployment per environment. */
void emit_structurizr(const Model *m, Outputs *o);

#endif
