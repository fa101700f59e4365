/* gateway_azure.h - what the Azure edge's two files share (room-private):
 * gateway_azure.c writes the template with the WAF policy and the
 * Application Gateway, gateway_apim.c adds API Management to it. */
#ifndef TOPOC_GATEWAY_AZURE_H
#define TOPOC_GATEWAY_AZURE_H

#include "topoc/gateway.h"
#include "topoc/routing.h"

typedef struct Az {
    const Model *m;
    const EnvModel *env;
    Diags *ds;
    Arena *a;
    RouteEntry *v; /* public routes, in matching order */
    int n;
    const RouteEntry **byroute; /* the same, by Route (gateway_apim.c) */
    char agw[128], wafp[128], apim[128];
} Az;

#define NRP_VERSION "2025-07-01" /* Microsoft.Network's API version */

/* The tags every resource of the edge carries. */
JsonVal *azure_tags(Az *z);
/* The Application Gateway WAF policy (gateway_azure_waf.c). */
JsonVal *azure_waf_policy(Az *z);
/* "api.example.com" -> "api-example-com": a host as a resource name. */
void azure_edge_label(char *out, size_t n, const char *host);
/* API Management: an API per host (in RESOURCES, edge.json's), and the
 * backends, operations and their policies in parts of their own
 * (gateway/azure/apis-*.json; azure_apim_parts() in gateway.h). */
void azure_apim(Az *z, JsonVal *resources, Outputs *o);

#endif
