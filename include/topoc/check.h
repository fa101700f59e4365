/* check.h - stage 3: the validation rules.
 *
 * Every rule has a stable id, a default severity and an explanation
 * (rules.c).  Checks report through check_report(), which applies the
 * spec's severity overrides and --werror; waivers are applied once all
 * checks have run, and suppressed findings are kept, marked, not dropped.
 */
#ifndef TOPOC_CHECK_H
#define TOPOC_CHECK_H

#include <stdbool.h>

#include "topoc/diag.h"
#include "topoc/load.h"
#include "topoc/model.h"

typedef enum { RSEV_OFF, RSEV_WARNING, RSEV_ERROR } RuleSeverity;

typedef struct Rule {
    const char *id;
    const char *family; /* input, environment, residency, routing, ... */
    RuleSeverity severity;
    const char *summary; /* one line */
    const char *explain; /* one paragraph */
} Rule;

extern const Rule rules[];
extern const int nrules;
const Rule *rule_find(const char *id);
/* notices: a file not read, what a build target cannot do as asked;
 * not rules, so not configurable (rules.c).  A notice has no default
 * severity but the levels it is reported at, which `topoc explain` names
 * (a test holds them to the diag_* calls that report it). */
enum { AS_NOTE = 1, AS_WARNING = 2, AS_ERROR = 4 };
typedef struct Notice {
    const char *id;
    const char *family;
    unsigned as; /* AS_*: every level it is reported at */
    const char *summary;
    const char *explain;
} Notice;
extern const Notice notices[];
extern const int nnotices;
const Notice *notice_find(const char *id);

typedef struct CheckOptions {
    bool werror;
    const char *today; /* YYYY-MM-DD, for waiver expiry */
    bool stats;        /* time each rule family, on stderr */
    bool highlight;    /* check: draw the views with the findings in red */
} CheckOptions;

typedef struct Checker Checker; /* private to check.c */

/* Run every rule over the model; findings land in ds. */
void check_model(Arena *a, Diags *ds, const Model *m,
                 const CheckOptions *opt);

/* For the rule families (check_*.c). */
Diag *check_report(Checker *ck, const char *rule, Loc loc, const char *target,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
Arena *check_arena(Checker *ck);
Diags *check_diags(Checker *ck);
const Model *check_model_of(Checker *ck);
/* The name of the instance's environment when loc lies in the service's
 * override for it ('environments: ENV:'), else NULL: a finding about a
 * value changed in one environment points there and names it. */
const char *check_override_env(const Service *s, Loc loc);
const char *check_store_override_env(const Store *s, Loc loc);
/* For a finding about a service's value at loc: " in ENV" when an override
 * set it, else ""; and its waiver target, "ENV/service/NAME[/REST]" when an
 * override set it (so each environment's is waived alone), else
 * "service/NAME[/REST]" (rest may be NULL). */
const char *check_in_env(Checker *ck, const Service *s, Loc loc);
const char *check_service_target(Checker *ck, const Service *s, Loc loc,
                                 const char *rest);
struct PatternSet *check_patterns(Checker *ck); /* freed after checking */

void check_environments(Checker *ck);
void check_cross_references(Checker *ck); /* check_xref.c */
void check_residency(Checker *ck);
void check_routes(Checker *ck);
void check_services(Checker *ck);
void check_security(Checker *ck);
void check_policy(Checker *ck);
void check_consistency(Checker *ck);
void check_waf(Checker *ck);
void check_openapi(Checker *ck); /* check_openapi.c */
void check_keys(Checker *ck);    /* keys with no effect where written */
void check_appgw(Checker *ck);   /* what App Gateway cannot hold */
void check_names(Checker *ck);   /* names a service lists twice */

#endif
