/* manifests_kube_access.c - what a Kubernetes workload may reach and read
 * (for manifests_kubernetes.c):
 *
 *   ServiceAccount        annotated for Azure workload identity (the
 *                         service's user-assigned identity, ${AZURE_CLIENT_
 *                         ID_SERVICE} filled in at apply time)
 *   SecretProviderClass   the Secrets Store CSI driver's Azure provider: the
 *                         service's secrets from the environment's vault,
 *                         synced into SERVICE-secrets for its env vars
 *   ConfigMap             SERVICE-stores: where each store it uses is
 *   egress NetworkPolicy  DNS (namespace-wide), the pods it depends on, the
 *                         private endpoints subnet for its stores, and the
 *                         internet (443) for a connector only
 */
#include "topoc/manifests.h"
#include "topoc/json.h"
#include "topoc/util.h"
#include "manifests_kube.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_var(Kube *k, const char *prefix, const char *name)
{
    char *v = arena_printf(k->a, "%s%s", prefix, name);
    for (char *p = v; *p; p++)
        *p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    return v;
}

JsonVal *kube_service_account(Kube *k, const Service *s)
{
    JsonVal *d = kube_doc(k, "v1", "ServiceAccount", s->name.s,
                          kube_labels(k, s));
    JsonVal *ann = jv_obj();
    jv_set(ann, "azure.workload.identity/client-id",
           jv_str(arena_printf(k->a, "${%s}",
                               env_var(k, "AZURE_CLIENT_ID_", s->name.s))));
    jv_set((JsonVal *)jv_get(d, "metadata"), "annotations", ann);
    return d;
}

/* The provider's "objects" parameter: a YAML array of YAML strings. */
static const char *objects(Kube *k, const Service *s)
{
    Strbuf sb = STRBUF_INIT;
    sb_puts(&sb, "array:\n");
    for (int i = 0; i < s->secrets.n; i++) {
        const Secret *sec = s->secrets.v[i];
        sb_printf(&sb,
                  "  - |\n    objectName: %s\n    objectType: secret\n"
                  "    objectAlias: %s\n",
                  sec->key_vault_secret.s, sec->name.s);
    }
    const char *out = arena_strdup(k->a, sb.buf);
    sb_release(&sb);
    return out;
}

JsonVal *kube_secret_provider(Kube *k, const Service *s, const char *vault)
{
    JsonVal *d = kube_doc(k, "secrets-store.csi.x-k8s.io/v1",
                          "SecretProviderClass",
                          arena_printf(k->a, "%s-key-vault", s->name.s),
                          kube_labels(k, s));
    JsonVal *spec = jv_obj(), *params = jv_obj(), *sobjs = jv_arr(),
            *so = jv_obj(), *data = jv_arr();
    jv_set(spec, "provider", jv_str("azure"));
    jv_set(params, "usePodIdentity", jv_str("false"));
    jv_set(params, "clientID",
           jv_str(arena_printf(k->a, "${%s}",
                               env_var(k, "AZURE_CLIENT_ID_", s->name.s))));
    jv_set(params, "tenantID", jv_str("${AZURE_TENANT_ID}"));
    jv_set(params, "keyvaultName", jv_str(vault));
    jv_set(params, "objects", jv_str(objects(k, s)));
    jv_set(spec, "parameters", params);
    for (int i = 0; i < s->secrets.n; i++) {
        const Secret *sec = s->secrets.v[i];
        JsonVal *e = jv_obj();
        jv_set(e, "objectName", jv_str(sec->name.s));
        jv_set(e, "key", jv_str(sec->name.s));
        jv_push(data, e);
    }
    jv_set(so, "secretName", jv_str(arena_printf(k->a, "%s-secrets", s->name.s)));
    jv_set(so, "type", jv_str("Opaque"));
    jv_set(so, "data", data);
    jv_push(sobjs, so);
    jv_set(spec, "secretObjects", sobjs);
    jv_set(d, "spec", spec);
    return d;
}

JsonVal *kube_stores_config(Kube *k, const Service *s)
{
    JsonVal *d = kube_doc(k, "v1", "ConfigMap",
                          arena_printf(k->a, "%s-stores", s->name.s),
                          kube_labels(k, s));
    JsonVal *data = jv_obj();
    for (int i = 0; i < s->stores.n; i++) {
        const StoreUse *u = s->stores.v[i];
        const Store *st = NULL;
        for (int j = 0; j < k->env->nstores; j++)
            if (streq(k->env->stores[j]->name.s, u->store.s))
                st = k->env->stores[j];
        if (!st)
            continue;
        const char *up = env_var(k, "STORE_", u->store.s);
        jv_set(data, arena_printf(k->a, "%s_HOST", up),
               jv_str(mf_store_endpoint(k->a, st)));
        jv_set(data, arena_printf(k->a, "%s_ACCESS", up), jv_str(u->access.s));
        if (streq(st->kind.s, "sql"))
            jv_set(data, arena_printf(k->a, "%s_DATABASE", up),
                   jv_str(u->store.s));
    }
    jv_set(d, "data", data);
    return d;
}

static JsonVal *port(const char *proto, JsonVal *p)
{
    JsonVal *o = jv_obj();
    jv_set(o, "protocol", jv_str(proto));
    jv_set(o, "port", p);
    return o;
}

static JsonVal *rule(JsonVal *to, JsonVal *ports)
{
    JsonVal *r = jv_obj();
    jv_set(r, "to", to);
    jv_set(r, "ports", ports);
    return r;
}

/* The private endpoints subnet (manifests_environment.c: the third /24). */
static const char *pe_subnet(Kube *k)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    sscanf(k->env->env->address_space.s, "%u.%u.%u.%u", &a, &b, &c, &d);
    return arena_printf(k->a, "%u.%u.%u.0/24", a, b, c + 2);
}

static const char *store_port(const Store *st)
{
    if (streq(st->kind.s, "sql"))
        return "1433";
    if (streq(st->kind.s, "cache"))
        return "6380";
    return "443";
}

JsonVal *kube_egress_policy(Kube *k, const Service *s)
{
    JsonVal *egress = jv_arr();
    for (int i = 0; i < s->depends_on.n; i++) { /* what it calls */
        const Service *d = env_service(k->env, s->depends_on.v[i].s);
        if (!d)
            continue;
        JsonVal *to = jv_arr(), *peer = jv_obj(), *ps = jv_obj(), *ports = jv_arr();
        jv_set(ps, "matchLabels", kube_selector(d->name.s));
        jv_set(peer, "podSelector", ps);
        jv_push(to, peer);
        jv_push(ports, port("TCP", jv_int(d->runtime->port.v)));
        jv_push(egress, rule(to, ports));
    }
    if (s->stores.n) { /* its stores, through their private endpoints */
        JsonVal *to = jv_arr(), *peer = jv_obj(), *ip = jv_obj(), *ports = jv_arr();
        bool seen[3] = {false, false, false};
        static const char *const order[] = {"443", "1433", "6380"};
        for (int i = 0; i < s->stores.n; i++) {
            const StoreUse *u = s->stores.v[i];
            for (int j = 0; j < k->env->nstores; j++)
                if (streq(k->env->stores[j]->name.s, u->store.s))
                    for (int o = 0; o < 3; o++)
                        if (streq(order[o], store_port(k->env->stores[j])))
                            seen[o] = true;
        }
        for (int o = 0; o < 3; o++)
            if (seen[o])
                jv_push(ports, port("TCP", jv_int(atoll(order[o]))));
        jv_set(ip, "cidr", jv_str(pe_subnet(k)));
        jv_set(peer, "ipBlock", ip);
        jv_push(to, peer);
        jv_push(egress, rule(to, ports));
    }
    if (streq(s->kind.s, "connector") && s->connector) { /* its source */
        JsonVal *to = jv_arr(), *peer = jv_obj(), *ip = jv_obj(), *ex = jv_arr(),
                *ports = jv_arr();
        jv_set(ip, "cidr", jv_str("0.0.0.0/0"));
        jv_push(ex, jv_str("10.0.0.0/8"));
        jv_push(ex, jv_str("172.16.0.0/12"));
        jv_push(ex, jv_str("192.168.0.0/16"));
        jv_set(ip, "except", ex);
        jv_set(peer, "ipBlock", ip);
        jv_push(to, peer);
        jv_push(ports, port("TCP", jv_int(443)));
        jv_push(egress, rule(to, ports));
    }
    JsonVal *spec = jv_obj(), *sel = jv_obj(), *types = jv_arr();
    jv_set(sel, "matchLabels", kube_selector(s->name.s));
    jv_set(spec, "podSelector", sel);
    jv_push(types, jv_str("Egress"));
    jv_set(spec, "policyTypes", types);
    jv_set(spec, "egress", egress);
    JsonVal *d = kube_doc(k, "networking.k8s.io/v1", "NetworkPolicy",
                          arena_printf(k->a, "%s-egress", s->name.s),
                          kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

JsonVal *kube_default_deny_egress(Kube *k)
{
    JsonVal *d = kube_doc(k, "networking.k8s.io/v1", "NetworkPolicy",
                          "default-deny-egress", NULL);
    JsonVal *spec = jv_obj(), *types = jv_arr(), *egress = jv_arr(),
            *to = jv_arr(), *peer = jv_obj(), *ns = jv_obj(), *nsl = jv_obj(),
            *pod = jv_obj(), *podl = jv_obj(), *ports = jv_arr();
    jv_set(spec, "podSelector", jv_obj());
    jv_push(types, jv_str("Egress"));
    jv_set(spec, "policyTypes", types);
    /* but DNS: CoreDNS in kube-system */
    jv_set(nsl, "kubernetes.io/metadata.name", jv_str("kube-system"));
    jv_set(ns, "matchLabels", nsl);
    jv_set(podl, "k8s-app", jv_str("kube-dns"));
    jv_set(pod, "matchLabels", podl);
    jv_set(peer, "namespaceSelector", ns);
    jv_set(peer, "podSelector", pod);
    jv_push(to, peer);
    jv_push(ports, port("UDP", jv_int(53)));
    jv_push(ports, port("TCP", jv_int(53)));
    jv_push(egress, rule(to, ports));
    jv_set(spec, "egress", egress);
    jv_set(d, "spec", spec);
    return d;
}
