/* report_junit.c - JUnit XML, written through xml.h (libxml2).
 * Shape (validated in the tests against the Jenkins xunit junit-10 XSD):
 *   <testsuites name="topoc" tests= failures= errors=>
 *     <testsuite name="FILE" tests= failures= skipped=>
 *       <testcase classname="FILE" name="RULE TARGET-or-LINE:COL">
 *         <failure type="RULE" message="...">FILE:L:C: error: ...</failure>
 *   Errors are failures, waived findings are skipped, warnings pass with
 *   their text in system-out; a file without findings gets one passing
 *   test case, so a clean run still shows what was checked. */
#include "topoc/report.h"

#include "topoc/xml.h"
#include <stdio.h>
#include <string.h>

typedef struct Suite {
    const char *name;
    int first, n; /* a run of diagnostics (they are sorted by file) */
} Suite;

static const char *file_of(const Diag *d)
{
    return loc_src(d->loc) ? loc_src(d->loc)->path : "topoc";
}

static void testcase(XmlOut *w, const Diag *d)
{
    char name[512], line[1024];
    if (d->target)
        snprintf(name, sizeof name, "%s %s", d->rule, d->target);
    else
        snprintf(name, sizeof name, "%s %d:%d", d->rule, loc_line(d->loc),
                 loc_col(d->loc));
    snprintf(line, sizeof line, "%s:%d:%d: %s: %s [%s]", file_of(d),
             loc_line(d->loc), loc_col(d->loc),
             d->sev == SEV_ERROR     ? "error"
             : d->sev == SEV_WARNING ? "warning"
                                     : "note",
             d->msg, d->rule);
    xml_start(w, "testcase");
    xml_attr(w, "classname", file_of(d));
    xml_attr(w, "name", name);
    if (d->suppressed) {
        xml_start(w, "skipped");
        xml_attr(w, "message", d->justification ? d->justification : "waived");
        xml_text(w, line);
        xml_end(w);
    } else if (d->sev == SEV_ERROR) {
        xml_start(w, "failure");
        xml_attr(w, "type", d->rule);
        xml_attr(w, "message", d->msg);
        xml_text(w, line);
        for (int i = 0; i < d->nsubs; i++) {
            char sub[1200];
            snprintf(sub, sizeof sub, "\n%s: %s",
                     d->subs[i].help ? "help" : "note", d->subs[i].msg);
            xml_text(w, sub);
        }
        xml_end(w);
    } else {
        xml_start(w, "system-out");
        xml_text(w, line);
        xml_end(w);
    }
    xml_end(w);
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
    XmlOut *w = xml_new(true, true);
    int fail, skip;
    counts(ds, 0, ds->n, &fail, &skip);
    xml_start(w, "testsuites");
    xml_attr(w, "name", "topoc");
    xml_attr_int(w, "tests", ds->n ? ds->n : 1);
    xml_attr_int(w, "failures", fail);
    xml_attr_int(w, "errors", 0); /* the schema has no 'skipped' here */
    for (int i = 0; i < ds->n || (i == 0 && ds->n == 0);) {
        const char *file = ds->n ? file_of(ds->v[i]) : "topoc";
        int n = 0;
        while (i + n < ds->n && strcmp(file_of(ds->v[i + n]), file) == 0)
            n++;
        counts(ds, i, n, &fail, &skip);
        xml_start(w, "testsuite");
        xml_attr(w, "name", file);
        xml_attr_int(w, "tests", n ? n : 1);
        xml_attr_int(w, "failures", fail);
        xml_attr_int(w, "errors", 0);
        xml_attr_int(w, "skipped", skip);
        for (int k = i; k < i + n; k++)
            testcase(w, ds->v[k]);
        if (n == 0) {
            xml_start(w, "testcase");
            xml_attr(w, "classname", "topoc");
            xml_attr(w, "name", "no findings");
            xml_end(w);
        }
        xml_end(w);
        i += n ? n : 1;
    }
    xml_finish(w, out); /* closes every open element */
}
