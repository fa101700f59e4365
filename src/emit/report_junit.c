/* report_junit.c - JUnit XML; the only file that uses libxml2's writer.
 * Shape (validated in the tests against the Jenkins xunit junit-10 XSD):
 *   <testsuites name="topoc" tests= failures= errors=>
 *     <testsuite name="FILE" tests= failures= skipped=>
 *       <testcase classname="FILE" name="RULE TARGET-or-LINE:COL">
 *         <failure type="RULE" message="...">FILE:L:C: error: ...</failure>
 *   Errors are failures, waived findings are skipped, warnings pass with
 *   their text in system-out; a file without findings gets one passing
 *   test case, so a clean run still shows what was checked. */
#include "topoc/report.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

typedef struct Suite {
    const char *name;
    int first, n; /* a run of diagnostics (they are sorted by file) */
} Suite;

static const char *file_of(const Diag *d)
{
    return d->loc.src ? d->loc.src->path : "topoc";
}

static void attr_int(xmlTextWriterPtr w, const char *name, int v)
{
    xmlTextWriterWriteFormatAttribute(w, (const xmlChar *)name, "%d", v);
}

static void attr(xmlTextWriterPtr w, const char *name, const char *v)
{
    xmlTextWriterWriteAttribute(w, (const xmlChar *)name,
                                (const xmlChar *)v);
}

static void testcase(xmlTextWriterPtr w, const Diag *d)
{
    char name[512], line[1024];
    if (d->target)
        snprintf(name, sizeof name, "%s %s", d->rule, d->target);
    else
        snprintf(name, sizeof name, "%s %d:%d", d->rule, d->loc.line,
                 d->loc.col);
    snprintf(line, sizeof line, "%s:%d:%d: %s: %s [%s]", file_of(d),
             d->loc.line, d->loc.col,
             d->sev == SEV_ERROR ? "error" : "warning", d->msg, d->rule);
    xmlTextWriterStartElement(w, (const xmlChar *)"testcase");
    attr(w, "classname", file_of(d));
    attr(w, "name", name);
    if (d->suppressed) {
        xmlTextWriterStartElement(w, (const xmlChar *)"skipped");
        attr(w, "message", d->justification ? d->justification : "waived");
        xmlTextWriterWriteString(w, (const xmlChar *)line);
        xmlTextWriterEndElement(w);
    } else if (d->sev == SEV_ERROR) {
        xmlTextWriterStartElement(w, (const xmlChar *)"failure");
        attr(w, "type", d->rule);
        attr(w, "message", d->msg);
        xmlTextWriterWriteString(w, (const xmlChar *)line);
        for (int i = 0; i < d->nsubs; i++)
            xmlTextWriterWriteFormatString(w, "\n%s: %s",
                                           d->subs[i].help ? "help" : "note",
                                           d->subs[i].msg);
        xmlTextWriterEndElement(w);
    } else {
        xmlTextWriterWriteElement(w, (const xmlChar *)"system-out",
                                  (const xmlChar *)line);
    }
    xmlTextWriterEndElement(w);
}

static void counts(const Diags *ds, int first, int n, int *fail, int *skip)
{
    *fail = *skip = 0;
    for (int i = first; i < first + n; i++) {
        if (ds->v[i]->suppressed)
            (*skip)++;
        else if (ds->v[i]->sev == SEV_ERROR)
            (*fail)++;
    }
}

void report_junit(const Diags *ds, Strbuf *out)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, (const xmlChar *)"  ");
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    int fail, skip;
    counts(ds, 0, ds->n, &fail, &skip);
    xmlTextWriterStartElement(w, (const xmlChar *)"testsuites");
    attr(w, "name", "topoc");
    attr_int(w, "tests", ds->n ? ds->n : 1);
    attr_int(w, "failures", fail);
    attr_int(w, "errors", 0); /* the schema has no 'skipped' here */
    for (int i = 0; i < ds->n || (i == 0 && ds->n == 0);) {
        const char *file = ds->n ? file_of(ds->v[i]) : "topoc";
        int n = 0;
        while (i + n < ds->n && strcmp(file_of(ds->v[i + n]), file) == 0)
            n++;
        counts(ds, i, n, &fail, &skip);
        xmlTextWriterStartElement(w, (const xmlChar *)"testsuite");
        attr(w, "name", file);
        attr_int(w, "tests", n ? n : 1);
        attr_int(w, "failures", fail);
        attr_int(w, "errors", 0);
        attr_int(w, "skipped", skip);
        for (int k = i; k < i + n; k++)
            testcase(w, ds->v[k]);
        if (n == 0) {
            xmlTextWriterStartElement(w, (const xmlChar *)"testcase");
            attr(w, "classname", "topoc");
            attr(w, "name", "no findings");
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
        i += n ? n : 1;
    }
    xmlTextWriterEndDocument(w); /* closes every open element */
    xmlFreeTextWriter(w);
    sb_add(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    xmlBufferFree(buf);
}
