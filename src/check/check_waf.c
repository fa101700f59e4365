/* check_waf.c - the values of the WAF's custom rules, per operator.
 *
 * Every value goes to ModSecurity (a SecRule operand) and to the App
 * Gateway policy as the spec wrote it, so each is validated here, with a
 * diagnostic at the value, instead of being filtered or copied:
 *   - ip-match: an IPv4 or IPv6 address, or a network in CIDR notation;
 *   - regex: compiles (PCRE2), uses only the portable subset (groups,
 *     classes, alternation, repetition; no backreferences, lookaround,
 *     verbs, inline options) and cannot backtrack exponentially: no
 *     repeated group that itself repeats or alternates (`(a+)+`, `(a|aa)*`).
 */
#include "topoc/check.h"
#include "topoc/pattern.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_GROUPS = 64 };

static bool valid_ip(const char *s, const char **why)
{
    char buf[64];
    size_t n = strlen(s);
    *why = "not an IPv4 or IPv6 address, or a network such as 10.0.0.0/8";
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    long prefix = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        prefix = strtol(slash + 1, &end, 10);
        if (slash[1] < '0' || slash[1] > '9' || *end)
            return false;
    }
    unsigned char a[16];
    bool v4 = inet_pton(AF_INET, buf, a) == 1;
    if (!v4 && inet_pton(AF_INET6, buf, a) != 1)
        return false;
    int bits = v4 ? 32 : 128;
    if (prefix > bits) {
        *why = "the prefix length is longer than the address";
        return false;
    }
    for (int b = prefix < 0 ? bits : (int)prefix; b < bits; b++)
        if (a[b / 8] & (0x80 >> (b % 8))) {
            *why = "the address has bits set after the prefix; use the "
                   "network's first address";
            return false;
        }
    return true;
}

typedef struct Group {
    bool repeats, alternates; /* anywhere inside */
} Group;

/* The quantifier at p, if any: its length, and whether it allows more
 * than one repetition. */
static size_t quantifier(const char *p, bool *many)
{
    *many = *p == '*' || *p == '+';
    if (*p == '*' || *p == '+' || *p == '?')
        return 1;
    if (*p != '{')
        return 0;
    char *end;
    long lo = strtol(p + 1, &end, 10), hi = lo;
    if (end == p + 1)
        return 0; /* a literal brace */
    if (*end == ',') {
        const char *q = end + 1;
        hi = *q == '}' ? -1 : strtol(q, &end, 10);
    }
    if (*end != '}')
        return 0;
    *many = hi < 0 || hi > 1;
    return (size_t)(end - p) + 1;
}

/* Past a character class starting at p ('['), or NULL if unclosed. */
static const char *skip_class(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    for (; *p && *p != ']'; p++)
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '[' && p[1] == ':' && strstr(p + 2, ":]"))
            p = strstr(p + 2, ":]") + 1;
    return *p ? p + 1 : NULL;
}

/* NULL when re is safe, else why not; *at gets the character. */
static const char *regex_problem(const char *re, size_t *at)
{
    Group g[MAX_GROUPS + 1] = {{0}};
    int depth = 0;
    Group last = {0}; /* the atom before a quantifier, if a group */
    bool last_group = false;
    for (const char *p = re; *p;) {
        *at = (size_t)(p - re);
        bool many, was_group = last_group;
        last_group = false;
        size_t q = quantifier(p, &many);
        if (q) {
            g[depth].repeats = true;
            if (many && was_group && (last.repeats || last.alternates))
                return "a repeated group that itself repeats or "
                       "alternates can take exponential time "
                       "(ReDoS); write it without nesting";
            p += q;
            if (*p == '?' || *p == '+')
                p++; /* lazy or possessive */
            continue;
        }
        switch (*p) {
        case '\\':
            if (strchr("123456789gkKQEC", p[1]))
                return "backreferences, \\Q..\\E and \\C are not allowed";
            p += p[1] ? 2 : 1;
            if (p[-1] == 'x' && *p == '{' && strchr(p, '}'))
                p = strchr(p, '}') + 1;
            break;
        case '[':
            if (!(p = skip_class(p)))
                return "the character class is not closed";
            break;
        case '(':
            if (p[1] == '*' || (p[1] == '?' && p[2] != ':'))
                return "only plain and (?:...) groups are allowed: no "
                       "lookaround, verbs, named groups or inline options";
            if (depth == MAX_GROUPS)
                return "groups nested too deeply";
            g[++depth] = (Group){0};
            p += p[1] == '?' ? 3 : 1;
            break;
        case ')':
            if (depth == 0)
                return "unmatched ')'";
            last = g[depth--];
            last_group = true;
            g[depth].repeats |= last.repeats;
            g[depth].alternates |= last.alternates;
            p++;
            break;
        case '|':
            g[depth].alternates = true;
            p++;
            break;
        default:
            p++;
        }
    }
    return NULL;
}

static void check_value(Checker *ck, const CustomRule *r, const Str *v,
                        const char *target)
{
    Diags *ds = check_diags(ck);
    const char *why = NULL;
    char err[256];
    size_t at = 0;
    if (!strcmp(r->operator.s, "ip-match")) {
        if (!valid_ip(v->s, &why))
            diag_help(ds,
                      check_report(ck, "invalid-value", v->loc, target,
                                   "ip-match value '%s': %s", v->s, why),
                      "write one address or network per list item");
        return;
    }
    if (strcmp(r->operator.s, "regex"))
        return; /* literals: quoted per target */
    if (!pattern_compile(check_patterns(ck), v->s, 0, err, sizeof err, &at))
        why = err;
    else
        why = regex_problem(v->s, &at);
    if (why)
        diag_help(ds,
                  check_report(ck, "invalid-value", v->loc, target,
                               "regex value '%s' at character %zu: %s",
                               v->s, at + 1, why),
                  "custom-rule regexes are PCRE2 without backreferences or "
                  "lookaround, and without nested repetition");
}

void check_waf(Checker *ck)
{
    const Waf *w = check_model_of(ck)->platform->edge->waf;
    for (int i = 0; i < w->custom_rules.n; i++) {
        const CustomRule *r = w->custom_rules.v[i];
        const char *target = arena_printf(check_arena(ck),
                                          "edge/waf/custom-rule/%s",
                                          r->name.s);
        for (int k = 0; k < r->values.n; k++)
            check_value(ck, r, &r->values.v[k], target);
    }
}
