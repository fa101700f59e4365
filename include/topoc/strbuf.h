/* strbuf.h - a growable string for building output.
 *
 * Invariants (as git's strbuf): buf is never NULL and is always
 * NUL-terminated; len excludes the terminator.  A strbuf owns its heap
 * memory; sb_release() frees it and leaves an empty, reusable buffer.
 */
#ifndef TOPOC_STRBUF_H
#define TOPOC_STRBUF_H

#include <stddef.h>

typedef struct Strbuf {
    char *buf;
    size_t len, cap;
} Strbuf;

#define STRBUF_INIT {sb_empty, 0, 0}
extern char sb_empty[];

void sb_init(Strbuf *sb);
void sb_release(Strbuf *sb);
void sb_reset(Strbuf *sb);
void sb_grow(Strbuf *sb, size_t extra);
void sb_add(Strbuf *sb, const void *data, size_t n);
void sb_puts(Strbuf *sb, const char *s);
void sb_putc(Strbuf *sb, char c);
void sb_printf(Strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Take the buffer; the strbuf is left empty.  Free the result with free(). */
char *sb_detach(Strbuf *sb, size_t *len);

#endif
