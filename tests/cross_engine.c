/* cross_engine.c - the checker's automaton against PCRE2 as the gateways
 * run it, on the same constraints and strings.
 *
 *   cross-engine [CONSTRAINT...]
 *
 * Each constraint given (the example's, collected by tests/run.sh) and a
 * generated corpus of constraints is parsed; each one the language accepts
 * is printed for the gateway, embedded as nginx and HAProxy see it
 * (^/pre(?:...)suf$, byte mode, no UTF: PAT_GATEWAY) and matched by PCRE2
 * against every short string over a small alphabet, random longer strings
 * with '/' and other bytes, and the automaton's own witness.  The checker's
 * DFA and PCRE2 must agree on every string, and PCRE2 must never hit its
 * match limit on an accepted (unambiguous) constraint.  Prints "ok NAME"
 * or "FAIL NAME: why" lines for tests/run.sh.
 */
#include "topoc/constraint.h"
#include "topoc/pattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long seed = 12345;

static unsigned rnd(unsigned n)
{
    seed = seed * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)(seed >> 33) % n;
}

static void gen_alt(Strbuf *sb, int depth);

static void gen_atom(Strbuf *sb, int depth)
{
    static const char *const classes[] = {
        "[ab]", "[^/]", "[a-c0-9]", "[^a/]", "\\d", "[[:alpha:]]", "[.-]",
        "\\w", "[^/.]", "[0-9a-f]", "\\.", "\\x41"};
    static const char lits[] = "ab-0_~A";
    unsigned k = rnd(depth > 2 ? 2 : 4);
    if (k == 0)
        sb_putc(sb, lits[rnd(sizeof lits - 1)]);
    else if (k == 1)
        sb_puts(sb, classes[rnd(sizeof classes / sizeof *classes)]);
    else {
        sb_puts(sb, k == 2 ? "(?:" : "(");
        gen_alt(sb, depth + 1);
        sb_putc(sb, ')');
    }
    static const char *const quants[] = {"", "", "", "*", "+", "?",
                                         "{2}", "{1,3}", "{0,2}", "{2,}"};
    sb_puts(sb, quants[rnd(sizeof quants / sizeof *quants)]);
}

static void gen_alt(Strbuf *sb, int depth)
{
    int nalt = 1 + (int)rnd(2);
    for (int a = 0; a < nalt; a++) {
        if (a)
            sb_putc(sb, '|');
        int n = 1 + (int)rnd(3);
        for (int i = 0; i < n; i++)
            gen_atom(sb, depth);
    }
}

static void gen_constraint(Strbuf *sb)
{
    if (rnd(5) == 0)
        sb_puts(sb, rnd(2) ? "(?!a$|ab$)" : "(?=[ab0]+$)");
    gen_alt(sb, 0);
}

/* A literal as PCRE2 text (the structure around a parameter). */
static void put_lit(Strbuf *sb, const char *s)
{
    for (; *s; s++)
        sb_printf(sb, "\\x%02x", (unsigned char)*s);
}

typedef struct Stats {
    long constraints, refused, strings, failures;
} Stats;

static void fail(Stats *st, const char *c, const char *why, const char *s)
{
    if (st->failures++ < 20)
        printf("FAIL cross-engine: constraint '%s': %s on '%s'\n", c, why, s);
}

static void compare(Stats *st, const Dfa *d, Pattern *p, const char *text,
                    const char *pre, const char *suf, const char *s)
{
    char seg[256], path[260];
    snprintf(seg, sizeof seg, "%s%s%s", pre, s, suf);
    snprintf(path, sizeof path, "/%s", seg);
    st->strings++;
    bool want = dfa_match(d, seg, strlen(seg));
    int got = pattern_match(p, path, strlen(path));
    if (got == PATTERN_LIMIT)
        fail(st, text, "PCRE2 hit its match limit", path);
    else if ((got == PATTERN_MATCH) != want)
        fail(st, text, want ? "the automaton accepts, PCRE2 does not"
                            : "PCRE2 accepts, the automaton does not",
             path);
}

static void try_one(Stats *st, PatternSet *ps, const char *text,
                    const char *pre, const char *suf)
{
    Arena a;
    arena_init(&a);
    ConsError err;
    Constraint *c = constraint_parse(&a, text, &err);
    int off;
    st->constraints++;
    if (!c || constraint_ambiguity(c, pre, suf, &off) != AMB_NONE) {
        st->refused++;
        arena_free(&a);
        return;
    }
    Dfa *d = segment_dfa(&a, c, pre, suf);
    if (!d) { /* the checker refuses it as too large */
        st->refused++;
        arena_free(&a);
        return;
    }
    Strbuf re = STRBUF_INIT;
    sb_puts(&re, "^/");
    put_lit(&re, pre);
    constraint_print(c, suf, &re);
    put_lit(&re, suf);
    sb_puts(&re, "$");
    char msg[256];
    size_t eoff;
    Pattern *p = pattern_compile(ps, re.buf, PAT_GATEWAY, msg, sizeof msg,
                                 &eoff);
    if (!p) {
        fail(st, text, msg, re.buf);
        goto done;
    }
    /* every string up to 4 bytes over a small alphabet, then random ones */
    static const char alpha[] = "ab-0.A";
    char s[64];
    Strbuf w = STRBUF_INIT;
    for (int n = 0; n <= 4; n++) {
        long total = 1;
        for (int i = 0; i < n; i++)
            total *= (long)sizeof alpha - 1;
        for (long k = 0; k < total; k++) {
            long x = k;
            for (int i = 0; i < n; i++, x /= (long)sizeof alpha - 1)
                s[i] = alpha[x % ((long)sizeof alpha - 1)];
            s[n] = '\0';
            compare(st, d, p, text, pre, suf, s);
        }
    }
    for (int k = 0; k < 40; k++) {
        static const char wide[] = "ab-0.A/%~_ zZ9\x7f\x80\xff";
        int n = 1 + (int)rnd(12);
        for (int i = 0; i < n; i++)
            s[i] = wide[rnd(sizeof wide - 1)];
        s[n] = '\0';
        compare(st, d, p, text, pre, suf, s);
    }
    if (dfa_intersect(d, d, &w) && strlen(w.buf) < sizeof s) {
        /* the segment's witness, without its pre and suf */
        size_t lp = strlen(pre), ls = strlen(suf), lw = strlen(w.buf);
        if (lw >= lp + ls) {
            memcpy(s, w.buf + lp, lw - lp - ls);
            s[lw - lp - ls] = '\0';
            compare(st, d, p, text, pre, suf, s);
        }
    }
    sb_release(&w);
done:
    sb_release(&re);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    PatternSet *ps = patterns_new();
    Stats ex = {0}, gen = {0};
    for (int i = 1; i < argc; i++)
        try_one(&ex, ps, argv[i], "", "");
    if (ex.failures == 0)
        printf("ok cross-engine: the example's %ld constraints agree on %ld "
               "strings\n", ex.constraints, ex.strings);
    if (ex.refused)
        printf("FAIL cross-engine: %ld of the example's constraints are "
               "refused\n", ex.refused);
    static const char *const pres[] = {"", "", "v", "x-"};
    static const char *const sufs[] = {"", "", ".json", "a"};
    Strbuf c = STRBUF_INIT;
    for (int i = 0; i < 1500; i++) {
        sb_reset(&c);
        gen_constraint(&c);
        try_one(&gen, ps, c.buf, pres[rnd(4)], sufs[rnd(4)]);
    }
    sb_release(&c);
    long accepted = gen.constraints - gen.refused;
    if (gen.failures == 0 && accepted >= 300)
        printf("ok cross-engine: %ld generated constraints (%ld refused) "
               "agree on %ld strings\n", gen.constraints, gen.refused,
               gen.strings);
    else if (gen.failures == 0)
        printf("FAIL cross-engine: only %ld generated constraints were "
               "accepted\n", accepted);
    patterns_free(ps);
    return ex.failures || gen.failures || ex.refused;
}
