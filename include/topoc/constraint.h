/* constraint.h - topoc's own language for route parameter constraints
 * (routes[].params; specs/README.md documents it).
 *
 * A constraint is parsed into a tree (constraint.c), decided as automata
 * over bytes (constraint_fa.c), checked for ambiguous repetition
 * (constraint_amb.c) and printed for each gateway from the tree, so the
 * regex a gateway runs is generated, never copied from the spec.
 *
 * The language: literals, character classes (with ranges, \d \w \s and
 * POSIX names, all ASCII), '|' alternation, groups '(...)' and '(?:...)'
 * (never capturing), repetition * + ? {n} {n,} {n,m}; anchors are implied
 * ('^' first and '$' last are accepted and mean nothing more); and, at the
 * start only, lookaheads (?!...) and (?=...) whose every alternative ends
 * with '$' (the value is, or is not, one of these).  A parameter never
 * matches '/': an atom that could is refused.
 */
#ifndef TOPOC_CONSTRAINT_H
#define TOPOC_CONSTRAINT_H

#include <stdbool.h>
#include <stdint.h>

#include "topoc/arena.h"
#include "topoc/strbuf.h"

enum { CONS_MAX_TEXT = 1024, CONS_MAX_REPEAT = 255, CONS_MAX_POSITIONS = 512 };

typedef enum { CN_SET, CN_CAT, CN_ALT, CN_REP, CN_EMPTY } ConsKind;

typedef struct ConsNode ConsNode;
struct ConsNode {
    ConsKind kind;
    int off;          /* offset of the construct in the constraint text */
    uint8_t set[32];  /* CN_SET: the bytes it matches, a bit each */
    ConsNode **kids;  /* CN_CAT, CN_ALT; CN_REP has one */
    int nkids;
    int min, max;     /* CN_REP: max < 0 for unbounded */
};

typedef struct ConsLook {
    bool neg;       /* (?!...) rather than (?=...) */
    ConsNode *body; /* alternatives, each matching the whole value */
    int off;
} ConsLook;

typedef struct Constraint {
    const char *text;
    ConsNode *main;
    ConsLook *looks;
    int nlooks;
    int positions;  /* character positions once repetition is expanded */
} Constraint;

typedef struct ConsError {
    int off;          /* byte offset in the text */
    const char *msg;  /* what is wrong */
    const char *help; /* how to write it in the language */
} ConsError;

/* NULL with err set when text is not in the language. */
Constraint *constraint_parse(Arena *a, const char *text, ConsError *err);

/* The constraint as a PCRE2 pattern for the value of a parameter written
 * pre{name}suf: non-capturing groups only, and every byte that is not a
 * letter, digit, '-' or '_' written as \xHH, so the result holds no quote,
 * space, control byte or '$' that a gateway's lexer could take. */
void constraint_print(const Constraint *c, const char *suf, Strbuf *out);

/* ---- automata (constraint_fa.c) ---- */

/* A deterministic automaton over bytes; state 0 is the start, -1 dead. */
typedef struct Dfa {
    int n;
    int *next;   /* n * 256 */
    bool *acc;
} Dfa;

enum { DFA_MAX_STATES = 4096 };

/* The segment pre{value}suf as a DFA, where the value is c's language
 * (c == NULL: any non-empty text without '/').  NULL when it would need
 * more than DFA_MAX_STATES states. */
Dfa *segment_dfa(Arena *a, const Constraint *c, const char *pre,
                 const char *suf);
bool dfa_match(const Dfa *d, const char *s, size_t n);
bool dfa_empty(const Dfa *d);
/* Does d accept exactly one string?  It is appended to w either way. */
bool dfa_single(const Dfa *d, Strbuf *w);
/* Is there a string both accept?  Then the shortest (friendliest first)
 * is written to w. */
bool dfa_intersect(const Dfa *x, const Dfa *y, Strbuf *w);
/* Does y accept every string x accepts?  If not, a string x accepts and y
 * does not is written to w. */
bool dfa_subset(const Dfa *x, const Dfa *y, Strbuf *w);

/* The language {s}, x and y, x less y (NULL when too big). */
Dfa *dfa_literal(Arena *a, const char *s);
Dfa *dfa_and(Arena *a, const Dfa *x, const Dfa *y);
Dfa *dfa_minus(Arena *a, const Dfa *x, const Dfa *y);

/* ---- ambiguity (constraint_amb.c) ---- */

typedef enum { AMB_NONE, AMB_POLY, AMB_EXP, AMB_TOO_BIG } Ambiguity;

/* How ambiguous a backtracking matcher finds the segment pre{value}suf
 * (and each lookahead alone); *off is the offset of a repetition that can
 * match the same text in more than one way. */
Ambiguity constraint_ambiguity(const Constraint *c, const char *pre,
                               const char *suf, int *off);

#endif
