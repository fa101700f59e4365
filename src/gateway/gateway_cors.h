/* gateway_cors.h - CORS policies as every gateway target reads them
 * (gateway_cors.c). */
#ifndef TOPOC_GATEWAY_CORS_H
#define TOPOC_GATEWAY_CORS_H

#include "topoc/model.h"
#include "topoc/strbuf.h"

/* A host's policy (edge.gateway.cors), or NULL. */
const Cors *host_cors(const Model *m, const char *host);
/* The policy for a route: its own, else its host's, else NULL. */
const Cors *route_cors(const Model *m, const Route *r);
/* An origin as a browser sends it: '*', a URL kept as written, or a host
 * label made https://LABEL.DOMAIN for the environment. */
const char *cors_origin(Arena *a, const Str *origin, const Environment *env);
bool cors_any_origin(const Cors *c);
/* The allowed methods, "GET, POST": the policy's, else every method the
 * environment's routes on the policy's host (or the route) take. */
void cors_methods(const Cors *c, const EnvModel *env, const Route *own,
                  Strbuf *out);
/* A list of header names joined by ", ". */
void cors_join(const StrList *l, Strbuf *out);



/* ---- nginx (gateway_nginx_cors.c) ---- */

/* The http-level map that tells a preflight from other requests. */
void nginx_cors_preflight_map(Strbuf *maps);
/* A location's CORS: its maps (once per policy; 'seen' remembers which,
 * and holds up to 'max' policies), the headers, and the preflight
 * answer.  'name' names the location; 'hsts' is the Strict-Transport-
 * Security value or NULL (a location with add_header of its own no longer
 * inherits the server's). */
typedef struct NginxCorsSeen {
    const Cors **v;
    int n;
} NginxCorsSeen;
void nginx_cors_location(Arena *a, const Model *m, const EnvModel *env,
                         const Route *r, const char *name, const char *hsts,
                         NginxCorsSeen *seen, Strbuf *maps, Strbuf *conf);
#endif
