/* manifests.h - how each service is deployed and scaled, per environment
 * (src/manifests/).
 */
#ifndef TOPOC_MANIFESTS_H
#define TOPOC_MANIFESTS_H

#include "topoc/emit.h"

/* ENV/manifests/azure/: App Service deployment templates. */
void emit_appservice(const Model *m, Outputs *o);
/* ENV/manifests/kubernetes/: namespace, workloads, autoscalers, policies. */
void emit_kubernetes(const Model *m, Outputs *o);

#endif
