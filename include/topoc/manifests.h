/* manifests.h - how each service is deployed and scaled, per environment
 * (src/manifests/).
 */
#ifndef TOPOC_MANIFESTS_H
#define TOPOC_MANIFESTS_H

#include "topoc/emit.h"

/* ENV/main.json (+ parameters, deploy.sh) and ENV/manifests/azure/: one
 * Azure deployment per environment.  Reports what a template cannot
 * honour as errors in DS. */
void emit_appservice(const Model *m, Diags *ds, Outputs *o);
/* ENV/manifests/kubernetes/: namespace, workloads, autoscalers, policies. */
void emit_kubernetes(const Model *m, Diags *ds, Outputs *o);

/* A store's Azure resource name, and the endpoint clients use (the name
 * resolves to its private endpoint inside the VNet). */
const char *mf_store_name(Arena *a, const Store *s);
/* The environment's Key Vault (secrets, the edge certificate). */
const char *mf_vault_name(Arena *a, const Model *m, const EnvModel *e);
const char *mf_store_endpoint(Arena *a, const Store *s);

#endif
