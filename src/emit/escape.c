/* escape.c - quoting for every output format (see escape.h). */
#include "topoc/escape.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool needs_hex(unsigned char c, const char *unsafe)
{
    return c < 0x20 || c == 0x7f || (c && strchr(unsafe, c));
}

void escape_pcre(Strbuf *sb, const char *re, const char *unsafe)
{
    for (const unsigned char *p = (const unsigned char *)re; *p; p++) {
        unsigned char c = *p;
        if (c == '\\' && p[1]) {
            if (needs_hex(p[1], unsafe)) {
                sb_printf(sb, "\\x%02x", *++p);
            } else {
                sb_putc(sb, (char)c);
                sb_putc(sb, (char)*++p);
            }
        } else if (needs_hex(c, unsafe)) {
            sb_printf(sb, "\\x%02x", c);
        } else {
            sb_putc(sb, (char)c);
        }
    }
}

void escape_pcre_literal(Strbuf *sb, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p))
            sb_putc(sb, (char)*p);
        else
            sb_printf(sb, "\\x%02x", *p);
    }
}

/* The shape most formats share: each byte of `special` gets a backslash
 * before it, a control character is written with `control` (a printf
 * format of the byte), everything else is itself. */
static void backslashed(Strbuf *out, const char *s, size_t n,
                        const char *special, const char *control)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c && strchr(special, c))
            sb_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, control, c);
        else
            sb_putc(out, (char)c);
    }
}

void escape_json_text(Strbuf *out, const char *s, size_t n)
{
    backslashed(out, s, n, "\"\\", "\\u%04x");
}

/* XML 1.0 cannot carry C0 controls other than tab, LF and CR at all, not
 * even as references: those are shown as the text \xHH. */
void escape_xml(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': sb_puts(out, "&amp;"); break;
        case '<': sb_puts(out, "&lt;"); break;
        case '>': sb_puts(out, "&gt;"); break;
        case '"': sb_puts(out, "&quot;"); break;
        case '\'': sb_puts(out, "&#39;"); break;
        case '\t': case '\n': case '\r':
            sb_printf(out, "&#%d;", c);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                sb_printf(out, "\\x%02x", c);
            else
                sb_putc(out, (char)c);
        }
    }
}

void escape_markdown(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool line_start = out->len == 0 || out->buf[out->len - 1] == '\n';
        bool directive = c == ':' && i + 1 < n &&
                         (isalnum((unsigned char)s[i + 1]) || s[i + 1] == ':');
        if (c == '\n' || c == '\r' || c == '\t')
            sb_putc(out, ' ');
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, "&#%d;", 0x2400 + (c == 0x7f ? 0x21 : c));
        else if (strchr("\\`*_{}[]<>|&~", c) || directive ||
                 (line_start && strchr("#+-.!=", c))) /* a heading, a list */
            sb_printf(out, "&#%d;", c);
        else
            sb_putc(out, (char)c);
    }
}

/* HAProxy's lexer, unquoted: a backslash escapes space, '#', quotes and
 * itself, and \xHH is a byte; '$' is literal outside double quotes. */
void escape_haproxy(Strbuf *out, const char *s, size_t n)
{
    backslashed(out, s, n, "\\ #'\"", "\\x%02x");
}

/* The content of a double-quoted YAML scalar ("{{value}}"): YAML's own
 * escapes; characters outside the BMP stay UTF-8 (YAML has no surrogate
 * pairs). */
void escape_yaml_text(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            sb_printf(out, "\\x%02x", c);
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0)
            sb_printf(out, "\\x%02x", (unsigned char)s[++i] & 0xff);
        else
            sb_putc(out, (char)c);
    }
}

/* Plain text: a value cannot start a line of its own, or carry a control
 * character; those are shown as \xHH. */
void escape_text(Strbuf *out, const char *s, size_t n)
{
    backslashed(out, s, n, "", "\\x%02x");
}

static const struct {
    const char *name;
    MustacheEscape fn;
} escapings[] = {
    {"haproxy", escape_haproxy}, {"json", escape_json_text},
    {"yaml", escape_yaml_text},  {"xml", escape_xml},
    {"text", escape_text},
};

MustacheEscape escape_named(const char *name)
{
    for (size_t i = 0; i < sizeof escapings / sizeof *escapings; i++)
        if (!strcmp(escapings[i].name, name))
            return escapings[i].fn;
    return NULL;
}
