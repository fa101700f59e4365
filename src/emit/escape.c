/* escape.c - quoting for every output format (see escape.h). */
#include "topoc/escape.h"

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

void escape_json_text(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sb_printf(out, "\\%c", c);
        else if (c < 0x20)
            sb_printf(out, "\\u%04x", c);
        else
            sb_putc(out, (char)c);
    }
}

void escape_xml(Strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': sb_puts(out, "&amp;"); break;
        case '<': sb_puts(out, "&lt;"); break;
        case '>': sb_puts(out, "&gt;"); break;
        case '"': sb_puts(out, "&quot;"); break;
        case '\'': sb_puts(out, "&#39;"); break;
        default: sb_putc(out, s[i]);
        }
    }
}

void escape_config(Strbuf *out, const char *s, size_t n)
{
    char *tmp = strndup(s, n);
    if (!tmp)
        return;
    escape_pcre(out, tmp, "'"); /* templates put such values in '...' */
    free(tmp);
}
