/* escape.h - quoting for each output format, in one place (escape.c).
 * Values that reach a generated file pass through exactly one of these. */
#ifndef TOPOC_ESCAPE_H
#define TOPOC_ESCAPE_H

#include <stddef.h>

#include "topoc/strbuf.h"

/* A PCRE pattern in which none of the bytes in `unsafe`, and no control
 * byte, appears raw: each becomes \xHH, which PCRE reads as the same
 * literal (an escaped unsafe byte too).  Escape pairs are kept whole. */
void escape_pcre(Strbuf *sb, const char *re, const char *unsafe);

/* For templates ({{name}}), chosen by the output file's extension. */
void escape_json_text(Strbuf *out, const char *s, size_t n); /* .json */
void escape_xml(Strbuf *out, const char *s, size_t n);       /* .xml .html */
/* .cfg .conf: values are validated names, hosts and regexes; a template
 * puts any that may hold special characters in single quotes (HAProxy
 * reads them literally), so a quote or a control byte, which could end the
 * token or the line, is written as \xHH. */
void escape_config(Strbuf *out, const char *s, size_t n);

#endif
