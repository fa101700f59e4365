/* manifests_kube.h - what the Kubernetes files of the manifests room share
 * (manifests_kubernetes.c, manifests_kube_access.c). */
#ifndef TOPOC_MANIFESTS_KUBE_H
#define TOPOC_MANIFESTS_KUBE_H

#include "topoc/json.h"
#include "topoc/model.h"

typedef struct Kube {
    const Model *m;
    const EnvModel *env;
    Arena *a;
    const char *ns;
    /* who calls env->services[i]: callers[caller_at[i] .. caller_at[i+1]) */
    int *caller_at;
    const Service **callers;
} Kube;

JsonVal *kube_labels(Kube *k, const Service *s);
JsonVal *kube_selector(const char *name);
JsonVal *kube_doc(Kube *k, const char *api, const char *kind, const char *name,
                  JsonVal *labels);

JsonVal *kube_service_account(Kube *k, const Service *s);
JsonVal *kube_secret_provider(Kube *k, const Service *s, const char *vault);
JsonVal *kube_stores_config(Kube *k, const Service *s);
JsonVal *kube_egress_policy(Kube *k, const Service *s);
JsonVal *kube_default_deny_egress(Kube *k);

#endif
