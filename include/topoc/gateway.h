/* gateway.h - the edge: what sends a client's request through the WAF to
 * the right service (src/gateway/).  Every target reads the same routing
 * table (routing.h), so they route alike.
 */
#ifndef TOPOC_GATEWAY_H
#define TOPOC_GATEWAY_H

#include "topoc/emit.h"

/* ENV/gateway/routes.json: the routing table in matching order. */
void emit_gateway(const Model *m, Outputs *o);
/* ENV/gateway/nginx/: nginx + ModSecurity + CRS for Debian 12. */
void emit_nginx(const Model *m, Outputs *o);
/* ENV/gateway/azure/: Application Gateway WAF_v2, its WAF policy and API
 * Management, as an ARM template; notes in ds say what App Gateway's
 * prefix-only paths make of templates. */
void emit_azure(const Model *m, Diags *ds, Outputs *o);
/* API Management's backends, operations and their policies of ENV are
 * templates of their own under ARM's limits, gateway/azure/NAME.json, one
 * template spec each: their NAMES (also their deployments' names) in
 * order, and AFTER[i] the part that part i waits for (NULL: the edge's
 * deployment only).  Returns how many; the top-level deployment
 * (src/manifests) deploys them after the edge. */
int azure_apim_parts(Arena *a, const EnvModel *env, const char ***names,
                     const char ***after);
/* ENV/gateway/TARGET/: every template target (built-in templates/, plus
 * user_dir if given).  Returns -1 after reporting a broken template. */
int emit_templates(const Model *m, const char *user_dir, Diags *ds,
                   Outputs *o);

#endif
