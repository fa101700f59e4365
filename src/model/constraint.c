/* constraint.c - the constraint language: parser into topoc's own tree and
 * the printer of the gateway regex (see constraint.h).
 *
 * The parser is recursive descent over bytes; each refusal names the
 * construct at its offset and says how to write it in the language.  PCRE2
 * syntax outside the language is refused rather than passed on, because
 * any construct the checker does not model (captures, verbs, flags,
 * backreferences) can make the gateway do what the checker never decided.
 */
#include "topoc/constraint.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct Parser {
    Arena *a;
    const char *s;
    int pos, len, depth;
    ConsError *err;
    bool failed;
    long positions; /* character positions once repetition is expanded */
} Parser;

enum { MAX_DEPTH = 32 };

static void fail(Parser *p, int off, const char *msg, const char *help)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err->off = off;
    p->err->msg = msg;
    p->err->help = help;
}

static ConsNode *node(Parser *p, ConsKind k, int off)
{
    ConsNode *n = arena_alloc(p->a, sizeof *n);
    n->kind = k;
    n->off = off;
    return n;
}

static void set_add(uint8_t *set, int c) { set[c >> 3] |= (uint8_t)(1u << (c & 7)); }
static bool set_has(const uint8_t *set, int c) { return set[c >> 3] >> (c & 7) & 1; }

static void set_range(uint8_t *set, int lo, int hi)
{
    for (int c = lo; c <= hi; c++)
        set_add(set, c);
}

static void push_kid(Parser *p, ConsNode *n, ConsNode *kid)
{
    n->kids = arena_grow(p->a, n->kids, (size_t)n->nkids,
                         (size_t)n->nkids + 1, sizeof *n->kids);
    n->kids[n->nkids++] = kid;
}

/* \d \w \s (ASCII, as PCRE2 without UCP) and their negations. */
static bool class_escape(int c, uint8_t *set)
{
    uint8_t tmp[32] = {0};
    switch (tolower(c)) {
    case 'd':
        set_range(tmp, '0', '9');
        break;
    case 'w':
        set_range(tmp, '0', '9');
        set_range(tmp, 'a', 'z');
        set_range(tmp, 'A', 'Z');
        set_add(tmp, '_');
        break;
    case 's':
        set_range(tmp, '\t', '\r');
        set_add(tmp, ' ');
        break;
    default:
        return false;
    }
    for (int i = 0; i < 32; i++)
        set[i] |= isupper(c) ? (uint8_t)~tmp[i] : tmp[i];
    return true;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* An escape after '\' as one byte; -1 (with an error) when it is not a
 * literal.  Class escapes are the caller's. */
static int escape_byte(Parser *p, int at)
{
    int c = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
    if (c == 'x') {
        /* the text ends in a NUL, so reading one past a digit is safe */
        int h = hexval((unsigned char)p->s[p->pos + 1]);
        int l = h >= 0 ? hexval((unsigned char)p->s[p->pos + 2]) : -1;
        if (h < 0 || l < 0 || h * 16 + l >= 0x80 || h * 16 + l < 0x20) {
            fail(p, at, "'\\x' takes two hex digits of a printable ASCII "
                        "byte here",
                 "write \\x20 to \\x7e, or the character itself");
            return -1;
        }
        p->pos += 3;
        return h * 16 + l;
    }
    if (c && ispunct(c)) {
        p->pos++;
        return c;
    }
    if (c >= '1' && c <= '9')
        fail(p, at, "backreferences are not in the constraint language",
             "a constraint describes one value; repeat the pattern instead");
    else if (c == 'Q' || c == 'E')
        fail(p, at, "'\\Q...\\E' quoting is not in the constraint language",
             "escape each special character with '\\'");
    else if (strchr("AzZbBG", c) && c)
        fail(p, at, "assertions like '\\A', '\\z' and '\\b' are not in the "
                    "constraint language",
             "anchors are implied: a constraint always matches the whole "
             "value");
    else if (strchr("gkK", c) && c)
        fail(p, at, "backreferences are not in the constraint language",
             "a constraint describes one value; repeat the pattern instead");
    else
        fail(p, at, "this escape is not in the constraint language",
             "use \\d, \\w, \\s, \\xHH or '\\' before punctuation");
    return -1;
}

static const struct { const char *name; const char *ranges; } posix[] = {
    {"alpha", "azAZ"}, {"digit", "09"}, {"alnum", "azAZ09"},
    {"upper", "AZ"},   {"lower", "az"}, {"xdigit", "09afAF"},
    {"word", "azAZ09__"}, {"space", "\t\r  "}, {"blank", "\t\t  "},
    {"punct", "!/:@[`{~"}, {"print", " ~"}, {"graph", "!~"},
    {"cntrl", "\x01\x1f\x7f\x7f"},
};

/* [:name:] inside a class; p->pos is at '[' */
static bool posix_class(Parser *p, uint8_t *set)
{
    int at = p->pos;
    const char *end = strstr(p->s + at + 2, ":]");
    bool neg = p->s[at + 2] == '^';
    const char *name = p->s + at + 2 + neg;
    size_t n = end ? (size_t)(end - name) : 0;
    for (size_t i = 0; end && i < sizeof posix / sizeof *posix; i++) {
        if (strlen(posix[i].name) != n || strncmp(posix[i].name, name, n))
            continue;
        uint8_t tmp[32] = {0};
        for (const char *r = posix[i].ranges; *r; r += 2)
            set_range(tmp, (unsigned char)r[0], (unsigned char)r[1]);
        if (strcmp(posix[i].name, "cntrl") == 0)
            set_add(tmp, 0);
        for (int k = 0; k < 32; k++)
            set[k] |= neg ? (uint8_t)~tmp[k] : tmp[k];
        p->pos = (int)(end - p->s) + 2;
        return true;
    }
    fail(p, at, "unknown POSIX class",
         "use [:alpha:], [:digit:], [:alnum:], [:upper:], [:lower:], "
         "[:xdigit:], [:word:], [:space:], [:punct:] or a range");
    return false;
}

/* One member of a class: a byte (returned) or a whole set (-2). */
static int class_item(Parser *p, uint8_t *set)
{
    int at = p->pos, c = (unsigned char)p->s[p->pos];
    if (c == '[' && p->s[p->pos + 1] == ':')
        return posix_class(p, set) ? -2 : -1;
    if (c == '[' && (p->s[p->pos + 1] == '=' || p->s[p->pos + 1] == '.')) {
        fail(p, at, "collating elements are not in the constraint language",
             "list the characters themselves");
        return -1;
    }
    p->pos++;
    if (c != '\\')
        return c;
    int e = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
    if (class_escape(e, set)) {
        p->pos++;
        return -2;
    }
    return escape_byte(p, at);
}

/* '[' class ']' with ranges; p->pos is after '['. */
static ConsNode *parse_class(Parser *p, int at)
{
    ConsNode *n = node(p, CN_SET, at);
    bool neg = p->pos < p->len && p->s[p->pos] == '^';
    p->pos += neg;
    bool first = true;
    while (!p->failed) {
        if (p->pos >= p->len) {
            fail(p, at, "'[' is never closed", "end the class with ']'");
            return NULL;
        }
        if (p->s[p->pos] == ']' && !first)
            break;
        first = false;
        int lo = class_item(p, n->set);
        if (lo < 0)
            continue;
        if (p->s[p->pos] == '-' && p->pos + 1 < p->len &&
            p->s[p->pos + 1] != ']') {
            int rat = p->pos++;
            int hi = class_item(p, n->set);
            if (hi == -2 || (hi >= 0 && hi < lo)) {
                fail(p, rat, "this range is not in order",
                     "write the lower end first, e.g. a-z");
                return NULL;
            }
            if (hi >= 0)
                set_range(n->set, lo, hi);
        } else {
            set_add(n->set, lo);
        }
    }
    p->pos++;
    if (neg)
        for (int i = 0; i < 32; i++)
            n->set[i] = (uint8_t)~n->set[i];
    return n;
}

static ConsNode *parse_alt(Parser *p, bool look);

/* '(' ... ')'; p->pos is at '('. */
static ConsNode *parse_group(Parser *p)
{
    int at = p->pos++;
    const char *s = p->s + p->pos;
    if (*s == '*') {
        fail(p, at, "verbs like (*ACCEPT) are not in the constraint "
                    "language",
             "write what the value may be; the gateway's match is fixed");
        return NULL;
    }
    if (*s == '?') {
        if (s[1] == ':') {
            p->pos += 2;
        } else if (s[1] == '<' || s[1] == 'P' || s[1] == '\'') {
            bool behind = s[1] == '<' && (s[2] == '=' || s[2] == '!');
            fail(p, at,
                 behind ? "lookbehind is not in the constraint language"
                        : "named groups are not in the constraint language: "
                          "at the gateway a named group sets a variable",
                 behind ? "say what the value is from its start"
                        : "write (?:...) or (...); topoc never captures");
            return NULL;
        } else if (s[1] == '=' || s[1] == '!') {
            fail(p, at, "a lookahead is only allowed at the start of a "
                        "constraint",
                 "put (?!word$) first, before the pattern of the value");
            return NULL;
        } else {
            fail(p, at, "inline flags, atomic groups, comments and "
                        "recursion are not in the constraint language",
                 "write (?:...); list both cases in a class, e.g. [Aa]");
            return NULL;
        }
    }
    if (++p->depth > MAX_DEPTH) {
        fail(p, at, "groups nest too deeply", "nest at most 32 groups");
        return NULL;
    }
    ConsNode *n = parse_alt(p, false);
    p->depth--;
    if (!p->failed && (p->pos >= p->len || p->s[p->pos] != ')'))
        fail(p, at, "'(' is never closed", "end the group with ')'");
    p->pos++;
    return n;
}

/* An atom: a literal, a class, a group; NULL at '|' ')' or the end. */
static ConsNode *parse_atom(Parser *p)
{
    int at = p->pos, c = (unsigned char)p->s[p->pos];
    ConsNode *n;
    switch (c) {
    case '(':
        return parse_group(p);
    case '[':
        p->pos++;
        return parse_class(p, at);
    case '.':
        fail(p, at, "'.' also matches '/', which no parameter may contain",
             "write [^/] for any character but '/'");
        return NULL;
    case '^':
        fail(p, at, "'^' is only allowed first", "anchors are implied");
        return NULL;
    case '*': case '+': case '?':
        fail(p, at, "nothing before this to repeat",
             "put the repetition after a character, class or group");
        return NULL;
    case '{':
        fail(p, at, "'{' must follow something to repeat",
             "write \\{ for the character itself");
        return NULL;
    }
    n = node(p, CN_SET, at);
    if (c >= 0x80 || c < 0x20 || c == 0x7f) {
        fail(p, at, "only printable ASCII is allowed in a constraint",
             "a parameter's value is matched byte by byte; describe it in "
             "ASCII");
        return NULL;
    }
    p->pos++;
    if (c == '\\') {
        int e = p->pos < p->len ? (unsigned char)p->s[p->pos] : 0;
        if (class_escape(e, n->set)) {
            p->pos++;
            return n;
        }
        if ((c = escape_byte(p, at)) < 0)
            return NULL;
    }
    set_add(n->set, c);
    return n;
}

/* Digits of a bound; -1 when there are none. */
static int bound(Parser *p)
{
    int v = -1;
    while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos])) {
        v = (v < 0 ? 0 : v) * 10 + p->s[p->pos++] - '0';
        if (v > 100000)
            v = 100000;
    }
    return v;
}

/* A quantifier after an atom, or none. */
static ConsNode *parse_quant(Parser *p, ConsNode *atom)
{
    int at = p->pos, c = p->s[p->pos], min, max;
    if (c == '*' || c == '+' || c == '?') {
        min = c == '+';
        max = c == '?' ? 1 : -1;
        p->pos++;
    } else if (c == '{') {
        p->pos++;
        min = bound(p);
        max = min;
        if (p->s[p->pos] == ',') {
            p->pos++;
            max = bound(p);
        }
        if (min < 0 || p->s[p->pos] != '}') {
            fail(p, at, "a repetition is {n}, {n,} or {n,m}",
                 "write \\{ for the character itself");
            return NULL;
        }
        p->pos++;
        if (max > CONS_MAX_REPEAT || min > CONS_MAX_REPEAT ||
            (max >= 0 && max < min)) {
            fail(p, at, "a repetition's bounds must be in order and at most "
                        "255",
                 "write {n,m} with n <= m <= 255, or {n,} for no upper "
                 "bound");
            return NULL;
        }
    } else {
        return atom;
    }
    c = p->s[p->pos];
    if (c == '?' || c == '+' || c == '*' || c == '{') {
        fail(p, p->pos, c == '?' || c == '+'
                            ? "lazy and possessive repetition are not in the "
                              "constraint language"
                            : "a repetition cannot be repeated again",
             "a constraint matches the whole value: one plain repetition "
             "says it");
        return NULL;
    }
    ConsNode *n = node(p, CN_REP, at);
    n->min = min;
    n->max = max;
    push_kid(p, n, atom);
    return n;
}

/* A concatenation of quantified atoms; in a lookahead each alternative
 * ends with '$'. */
static ConsNode *parse_seq(Parser *p, bool look)
{
    ConsNode *n = node(p, CN_CAT, p->pos);
    while (!p->failed && p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '|' || c == ')')
            break;
        if (c == '$') {
            bool end = p->pos + 1 == p->len;
            char nx = end ? 0 : p->s[p->pos + 1];
            if ((look && (nx == '|' || nx == ')')) || (!look && end)) {
                p->pos++;
                break;
            }
            fail(p, p->pos, "'$' is only allowed last",
                 "anchors are implied: a constraint always matches the "
                 "whole value");
            return NULL;
        }
        int at = p->pos;
        ConsNode *a = parse_atom(p);
        if (!a)
            break;
        if (a->kind == CN_SET && set_has(a->set, '/')) {
            fail(p, at, "this can match '/', which no parameter may "
                        "contain",
                 "exclude '/', e.g. [^/] or [a-z0-9-]");
            return NULL;
        }
        a = parse_quant(p, a);
        if (a)
            push_kid(p, n, a);
    }
    if (look && !p->failed && (p->pos == 0 || p->s[p->pos - 1] != '$'))
        fail(p, p->pos, "each alternative of a lookahead must end with '$'",
             "write (?!word$|other$): the value is not one of these");
    return n;
}

static ConsNode *parse_alt(Parser *p, bool look)
{
    ConsNode *first = parse_seq(p, look);
    if (p->failed || p->pos >= p->len || p->s[p->pos] != '|')
        return first;
    ConsNode *n = node(p, CN_ALT, first->off);
    push_kid(p, n, first);
    while (!p->failed && p->pos < p->len && p->s[p->pos] == '|') {
        p->pos++;
        push_kid(p, n, parse_seq(p, look));
    }
    return n;
}

/* Leading lookaheads: (?!a$|b$) and (?=a$). */
static void parse_looks(Parser *p, Constraint *c)
{
    while (!p->failed && p->s[p->pos] == '(' && p->s[p->pos + 1] == '?' &&
           (p->s[p->pos + 2] == '!' || p->s[p->pos + 2] == '=')) {
        int at = p->pos;
        bool neg = p->s[p->pos + 2] == '!';
        p->pos += 3;
        ConsNode *body = parse_alt(p, true);
        if (p->failed)
            return;
        if (p->pos >= p->len || p->s[p->pos] != ')') {
            fail(p, at, "'(' is never closed", "end the lookahead with ')'");
            return;
        }
        p->pos++;
        c->looks = arena_grow(p->a, c->looks, (size_t)c->nlooks,
                              (size_t)c->nlooks + 1, sizeof *c->looks);
        c->looks[c->nlooks++] = (ConsLook){neg, body, at};
    }
}

/* Positions once bounded repetition is expanded, to bound the automata. */
static long count_positions(const ConsNode *n)
{
    long s = 0;
    switch (n->kind) {
    case CN_SET:
        return 1;
    case CN_EMPTY:
        return 0;
    case CN_REP:
        s = count_positions(n->kids[0]);
        return s * (n->max < 0 ? (n->min > 1 ? n->min : 1) : n->max);
    case CN_CAT:
    case CN_ALT:
        for (int i = 0; i < n->nkids; i++)
            s += count_positions(n->kids[i]);
        return s > 100000 ? 100000 : s;
    }
    return s;
}

Constraint *constraint_parse(Arena *a, const char *text, ConsError *err)
{
    Parser p = {.a = a, .s = text, .len = (int)strlen(text), .err = err};
    Constraint *c = arena_alloc(a, sizeof *c);
    c->text = text;
    if (p.len > CONS_MAX_TEXT) {
        fail(&p, 0, "a constraint is at most 1024 characters",
             "describe one path segment");
        return NULL;
    }
    if (p.len == 0 || strcmp(text, "^") == 0 || strcmp(text, "^$") == 0) {
        fail(&p, 0, "an empty constraint matches no parameter value",
             "describe the value, e.g. [0-9]+, or remove the constraint");
        return NULL;
    }
    p.pos += text[0] == '^';
    parse_looks(&p, c);
    if (!p.failed)
        c->main = parse_alt(&p, false);
    if (!p.failed && p.pos < p.len)
        fail(&p, p.pos, "')' closes no group", "write \\) for the character");
    if (p.failed)
        return NULL;
    long n = count_positions(c->main);
    for (int i = 0; i < c->nlooks; i++)
        n += count_positions(c->looks[i].body);
    if (n > CONS_MAX_POSITIONS) {
        fail(&p, 0, "this constraint is too large once its repetitions are "
                    "counted out (over 512 characters)",
             "use smaller bounds, e.g. {1,64}, or {1,} for no limit");
        return NULL;
    }
    c->positions = (int)n;
    return c;
}

/* ---- the printer ---- */

/* A byte as PCRE2 text that no gateway lexer reads specially. */
static void put_byte(Strbuf *out, int c, bool in_class)
{
    if (isalnum(c) || c == '_' || (!in_class && c == '-'))
        sb_putc(out, (char)c);
    else
        sb_printf(out, "\\x%02x", c);
}

static int set_count(const uint8_t *set)
{
    int n = 0;
    for (int c = 0; c < 256; c++)
        n += set_has(set, c);
    return n;
}

static void put_class(Strbuf *out, const uint8_t *set)
{
    int n = set_count(set);
    if (n == 1) {
        for (int c = 0; c < 256; c++)
            if (set_has(set, c))
                put_byte(out, c, false);
        return;
    }
    bool neg = n > 128;
    sb_puts(out, neg ? "[^" : "[");
    for (int c = 0; c < 256;) {
        if (set_has(set, c) == neg) {
            c++;
            continue;
        }
        int hi = c;
        while (hi + 1 < 256 && set_has(set, hi + 1) != neg)
            hi++;
        if (neg && c == '/' && hi == '/')
            sb_putc(out, '/'); /* [^/] reads best as it is */
        else
            put_byte(out, c, true);
        if (hi >= c + 2)
            sb_putc(out, '-');
        if (hi > c)
            put_byte(out, hi, true);
        c = hi + 1;
    }
    sb_putc(out, ']');
}

static void put_node(Strbuf *out, const ConsNode *n);

/* n as one unit for a quantifier (or inside a concatenation). */
static void put_grouped(Strbuf *out, const ConsNode *n, bool under_rep)
{
    while (n->kind == CN_CAT && n->nkids == 1)
        n = n->kids[0];
    bool wrap = n->kind == CN_ALT || (n->kind == CN_CAT && under_rep) ||
                (n->kind == CN_REP && under_rep);
    if (wrap)
        sb_puts(out, "(?:");
    put_node(out, n);
    if (wrap)
        sb_putc(out, ')');
}

static void put_node(Strbuf *out, const ConsNode *n)
{
    switch (n->kind) {
    case CN_SET:
        put_class(out, n->set);
        break;
    case CN_EMPTY:
        break;
    case CN_CAT:
        for (int i = 0; i < n->nkids; i++)
            put_grouped(out, n->kids[i], false);
        break;
    case CN_ALT:
        for (int i = 0; i < n->nkids; i++) {
            if (i)
                sb_putc(out, '|');
            put_node(out, n->kids[i]);
        }
        break;
    case CN_REP:
        put_grouped(out, n->kids[0], true);
        if (n->min == 0 && n->max == 1)
            sb_putc(out, '?');
        else if (n->min == 0 && n->max < 0)
            sb_putc(out, '*');
        else if (n->min == 1 && n->max < 0)
            sb_putc(out, '+');
        else if (n->max < 0)
            sb_printf(out, "{%d,}", n->min);
        else if (n->max == n->min)
            sb_printf(out, "{%d}", n->min);
        else
            sb_printf(out, "{%d,%d}", n->min, n->max);
        break;
    }
}

/* The end of the value, seen from inside it: the parameter's literal
 * suffix, then the end of the segment. */
static void put_value_end(Strbuf *out, const char *suf)
{
    sb_puts(out, "(?=");
    for (const unsigned char *s = (const unsigned char *)suf; *s; s++)
        put_byte(out, *s, false);
    sb_puts(out, "(?:/|$))");
}

void constraint_print(const Constraint *c, const char *suf, Strbuf *out)
{
    sb_puts(out, "(?:");
    for (int i = 0; i < c->nlooks; i++) {
        const ConsNode *b = c->looks[i].body;
        sb_puts(out, c->looks[i].neg ? "(?!" : "(?=");
        int nalt = b->kind == CN_ALT ? b->nkids : 1;
        for (int k = 0; k < nalt; k++) {
            if (k)
                sb_putc(out, '|');
            put_node(out, b->kind == CN_ALT ? b->kids[k] : b);
            put_value_end(out, suf);
        }
        sb_putc(out, ')');
    }
    /* a lookahead constrains the whole value, not just the first
     * alternative as it would in PCRE2 text */
    if (c->nlooks)
        put_grouped(out, c->main, false);
    else
        put_node(out, c->main);
    sb_putc(out, ')');
}
