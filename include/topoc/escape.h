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
/* A PCRE pattern that matches exactly the literal s: every byte that is
 * not a letter or digit as \xHH, so it is safe in a regex, in SecLang and
 * in an nginx double-quoted string alike ('%' cannot start a SecLang
 * macro), whatever s holds. */
void escape_pcre_literal(Strbuf *sb, const char *s);

/* Template targets: every TEMPLATES/TARGET declares its escaping by
 * name (gateway_templates.c), and {{value}} goes through that one. */
typedef void (*MustacheEscape)(Strbuf *out, const char *s, size_t n);
void escape_haproxy(Strbuf *out, const char *s, size_t n);   /* haproxy */
void escape_json_text(Strbuf *out, const char *s, size_t n); /* json */
void escape_yaml_text(Strbuf *out, const char *s, size_t n); /* yaml */
void escape_xml(Strbuf *out, const char *s, size_t n);       /* xml */
void escape_text(Strbuf *out, const char *s, size_t n);      /* text */
/* .md text read by Python-Markdown (MkDocs) and by MDX (Docusaurus): every
 * ASCII punctuation byte that either gives a meaning to ('{' opens a JSX
 * expression, '<' a tag, '|' a table cell, ':x' a directive, '*'
 * emphasis, '#' or '-' at the start of out's line a heading or a list)
 * becomes a numeric character reference, which both print as the byte;
 * line breaks become spaces, so a value stays on its line (a table row).
 * (The docs, not a template escaping.) */
void escape_markdown(Strbuf *out, const char *s, size_t n);
/* The escaping of that name, or NULL. */
MustacheEscape escape_named(const char *name);
#define ESCAPE_NAMES "haproxy, json, yaml, xml or text"

#endif
