/* report.h - the diagnostics of a run, for machines (src/report/).
 *
 *   json    one JSON document: every diagnostic with location, severity,
 *           rule, target, notes and help, and the counts
 *   sarif   SARIF 2.1.0 for code scanning: every rule's metadata, stable
 *           ruleIds, partialFingerprints, waived findings as suppressions
 *   junit   JUnit XML (the Jenkins xunit schema): a test suite per spec
 *           file, a test case per finding, failures for errors
 *   github  GitHub Actions workflow commands (::error file=...::message)
 *
 * Each writes the whole report into out; the caller decides where it goes.
 */
#ifndef TOPOC_REPORT_H
#define TOPOC_REPORT_H

#include "topoc/diag.h"
#include "topoc/strbuf.h"

void report_json(const Diags *ds, Strbuf *out);
void report_sarif(const Diags *ds, const char *version, Strbuf *out);
void report_junit(const Diags *ds, Strbuf *out);
void report_github(const Diags *ds, Strbuf *out);

/* A stable fingerprint of a finding: rule, file and target (or message),
 * never the line, so that moving a finding does not make it new. */
void report_fingerprint(const Diag *d, char out[17]);

#endif
