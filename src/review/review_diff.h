/* review_diff.h - diff's parts (review_diff.c compares the models,
 * review_diff_out.c adds findings and files and renders the result). */
#ifndef TOPOC_REVIEW_DIFF_H
#define TOPOC_REVIEW_DIFF_H

#include "topoc/json.h"
#include "topoc/model.h"

enum { MAX_MOVES = 4096 };

typedef struct Diff {
    Arena *a;
    JsonVal *items; /* array of {class, change, subject, detail, ...} */
    const char *moves[MAX_MOVES]; /* traffic moves seen, per environment */
    int nmoves;
} Diff;

/* Two lists' entries paired by a key that may repeat (review_diff.c):
 * among one key's entries those the same in every field first (same, when
 * set), then the rest in order; n log n in the lists' lengths. */
typedef struct Pairing {
    const char **ka, **kb; /* each entry's key */
    int na, nb;
    bool (*same)(void *ctx, int i, int k); /* equal in every field */
    void *ctx;
    int *pa, *pb; /* out: the partner's index or -1 */
} Pairing;

void pairing_clear(Pairing *p);
/* Pairs what is not paired yet (pairing_clear first). */
void pair_entries(Pairing *p);

/* The platform document (environments, edge, teams, sources, policy). */
void diff_platform(Diff *d, const Model *a, const Model *b);
/* One environment present on both sides: services, stores, routes,
 * traffic moves. */
void diff_env_models(Diff *d, const EnvModel *a, const EnvModel *b);

#endif
