/* util.c - small helpers (see util.h). */
#include "topoc/util.h"
#include "topoc/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

uint64_t fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Optimal string alignment distance: Levenshtein plus adjacent
 * transpositions, the commonest typo ("wbe" for "web"). */
int edit_distance(const char *a, const char *b, int limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return limit;
    if ((int)(la > lb ? la - lb : lb - la) >= limit)
        return limit;
    int prev2[65], prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best >= limit)
            return limit;
        memcpy(prev2, prev, sizeof prev);
        memcpy(prev, cur, sizeof cur);
    }
    return prev[lb] < limit ? prev[lb] : limit;
}

bool streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

long utf8_invalid_at(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* ASCII runs, eight bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = p[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000;
        } else {
            return (long)i;
        }
        if (i + len > n)
            return (long)i;
        unsigned cp = c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return (long)i;
        i += len;
    }
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void sort_strings(const char **v, int n)
{
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, cmp_str);
}

/* Invalid bytes (and, for XML, C0 controls other than tab, LF and CR)
 * become U+FFFD; NULL when s needs no change. */
char *utf8_sanitize(const char *s, bool no_controls)
{
    size_t n = strlen(s);
    bool bad = utf8_invalid_at(s, n) >= 0;
    for (size_t i = 0; i < n && !bad && no_controls; i++)
        bad = (unsigned char)s[i] < 0x20 && !strchr("\t\n\r", s[i]);
    if (!bad)
        return NULL;
    char *out = xmalloc(n * 3 + 1), *q = out;
    for (size_t i = 0; i < n;) {
        long at = utf8_invalid_at(s + i, n - i);
        size_t good = at < 0 ? n - i : (size_t)at;
        for (size_t k = 0; k < good; k++, i++) {
            unsigned char c = (unsigned char)s[i];
            if (no_controls && c < 0x20 && !strchr("\t\n\r", c))
                q += sprintf(q, "\xef\xbf\xbd");
            else
                *q++ = (char)c;
        }
        if (i < n) {
            q += sprintf(q, "\xef\xbf\xbd");
            i++;
        }
    }
    *q = '\0';
    return out;
}

double stats_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void stats_line(const char *stage, double t0, size_t bytes)
{
    struct rusage ru;
    long peak = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    fprintf(stderr, "topoc: stats: %-18s %8.3f s %8.1f MB  peak %6.1f MB\n",
            stage, stats_now() - t0, (double)bytes / 1e6,
            (double)peak / 1024.0);
}
