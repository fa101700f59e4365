/* manifests_kubernetes.c - where the platform grows: ENV/manifests/kubernetes/.
 *
 *   namespace.yaml          the environment's namespace, and NetworkPolicies
 *                           that deny all ingress and all egress but DNS
 *   apply.sh                kubectl apply of them all, filling in the
 *                           installation values and nothing else
 *   services/SERVICE.yaml   ServiceAccount (workload identity), the
 *                           SecretProviderClass that mounts its Key Vault
 *                           secrets (Secrets Store CSI driver, synced to a
 *                           Secret its env reads), a ConfigMap locating its
 *                           stores, Deployment, Service, HPA
 *                           (autoscaling/v2), PodDisruptionBudget (in
 *                           production), and two NetworkPolicies: ingress
 *                           from the gateway (public routes) and from the
 *                           services that depend on it; egress to what it
 *                           depends on, to the private endpoints of its
 *                           stores, and to the internet only for a connector
 *
 * Policies select pods only, never namespaces, so nothing crosses from
 * another environment's namespace.  Installation values (the tenant, each
 * service's identity client id) are ${VARIABLES}; apply.sh gives envsubst
 * exactly those names, so a '$' in a spec's value is never filled from
 * the deployer's environment.  Written from JSON trees as YAML with
 * every string quoted (json.c), in sorted key order: deterministic, and one
 * file per service.
 */
#include "topoc/manifests.h"
#include "topoc/json.h"
#include "topoc/routing.h"
#include "topoc/util.h"
#include "manifests_kube.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>



JsonVal *kube_labels(Kube *k, const Service *s)
{
    JsonVal *l = jv_obj();
    jv_set(l, "app.kubernetes.io/name", jv_str(s->name.s));
    jv_set(l, "app.kubernetes.io/part-of", jv_str(k->m->platform->name.s));
    jv_set(l, "topoc.io/environment", jv_str(k->env->env->name.s));
    jv_set(l, "topoc.io/team", jv_str(s->team.s));
    jv_set(l, "topoc.io/kind", jv_str(s->kind.s));
    return l;
}

JsonVal *kube_selector(const char *name)
{
    JsonVal *l = jv_obj();
    jv_set(l, "app.kubernetes.io/name", jv_str(name));
    return l;
}

JsonVal *kube_doc(Kube *k, const char *api, const char *kind,
                  const char *name, JsonVal *lbl)
{
    JsonVal *d = jv_obj(), *meta = jv_obj();
    jv_set(d, "apiVersion", jv_str(api));
    jv_set(d, "kind", jv_str(kind));
    jv_set(meta, "name", jv_str(name));
    if (k->ns)
        jv_set(meta, "namespace", jv_str(k->ns));
    if (lbl)
        jv_set(meta, "labels", lbl);
    jv_set(d, "metadata", meta);
    return d;
}

static void add_doc(Strbuf *sb, JsonVal *d)
{
    sb_puts(sb, "---\n");
    jv_write_yaml(d, sb);
    jv_free(d);
}

static JsonVal *probe(const Service *s, int delay, int period)
{
    JsonVal *p = jv_obj(), *get = jv_obj();
    jv_set(get, "path", jv_str(s->runtime->health_path.s));
    jv_set(get, "port", jv_str("http"));
    jv_set(p, "httpGet", get);
    jv_set(p, "initialDelaySeconds", jv_int(delay));
    jv_set(p, "periodSeconds", jv_int(period));
    return p;
}

static bool autoscaled(const Service *s)
{
    return s->scaling->rules.n && s->scaling->min.v != s->scaling->max.v;
}

static JsonVal *resources(Kube *k, const Runtime *rt)
{
    JsonVal *res = jv_obj(), *req = jv_obj(), *lim = jv_obj();
    const char *mem = arena_printf(k->a, "%lldMi", rt->memory.v >> 20);
    jv_set(req, "cpu", jv_str(arena_printf(k->a, "%lldm", rt->cpu.v)));
    jv_set(req, "memory", jv_str(mem));
    jv_set(res, "requests", req);
    jv_set(lim, "memory", jv_str(mem));
    jv_set(res, "limits", lim);
    return res;
}

/* settings as values, secrets from the Key Vault sync (never a value) */
static JsonVal *container_env(Kube *k, const Service *s)
{
    JsonVal *env = jv_arr();
    for (int i = 0; i < s->settings.n; i++) {
        const KeyVal *kv = s->settings.v[i];
        JsonVal *e = jv_obj();
        jv_set(e, "name", jv_str(kv->key.s));
        jv_set(e, "value", jv_str(kv->value.s));
        jv_push(env, e);
    }
    for (int i = 0; i < s->secrets.n; i++) {
        const Secret *sec = s->secrets.v[i];
        JsonVal *e = jv_obj(), *from = jv_obj(), *ref = jv_obj();
        jv_set(ref, "name", jv_str(arena_printf(k->a, "%s-secrets", s->name.s)));
        jv_set(ref, "key", jv_str(sec->name.s));
        jv_set(from, "secretKeyRef", ref);
        jv_set(e, "name", jv_str(sec->name.s));
        jv_set(e, "valueFrom", from);
        jv_push(env, e);
    }
    return env;
}

static JsonVal *container(Kube *k, const Service *s)
{
    const Runtime *rt = s->runtime;
    JsonVal *c = jv_obj(), *ports = jv_arr(), *port = jv_obj();
    jv_set(c, "name", jv_str(s->name.s));
    jv_set(c, "image", jv_str(rt->image.s));
    jv_set(port, "name", jv_str("http"));
    jv_set(port, "containerPort", jv_int(rt->port.v));
    jv_push(ports, port);
    jv_set(c, "ports", ports);
    jv_set(c, "resources", resources(k, rt));
    jv_set(c, "readinessProbe", probe(s, 5, 10));
    jv_set(c, "livenessProbe", probe(s, 15, 20));
    jv_set(c, "env", container_env(k, s));
    if (s->stores.n) { /* where its stores are */
        JsonVal *ef = jv_arr(), *src = jv_obj(), *cm = jv_obj();
        jv_set(cm, "name", jv_str(arena_printf(k->a, "%s-stores", s->name.s)));
        jv_set(src, "configMapRef", cm);
        jv_push(ef, src);
        jv_set(c, "envFrom", ef);
    }
    if (s->secrets.n) {
        JsonVal *mounts = jv_arr(), *m = jv_obj();
        jv_set(m, "name", jv_str("key-vault"));
        jv_set(m, "mountPath", jv_str("/mnt/secrets-store"));
        jv_set(m, "readOnly", jv_bool(true));
        jv_push(mounts, m);
        jv_set(c, "volumeMounts", mounts);
    }
    JsonVal *sc = jv_obj();
    jv_set(sc, "runAsNonRoot", jv_bool(true));
    jv_set(sc, "allowPrivilegeEscalation", jv_bool(false));
    jv_set(sc, "readOnlyRootFilesystem", jv_bool(true));
    jv_set(c, "securityContext", sc);
    return c;
}

static JsonVal *pod_template(Kube *k, const Service *s)
{
    JsonVal *containers = jv_arr(), *pspec = jv_obj(), *tmpl = jv_obj(),
            *tmeta = jv_obj();
    jv_push(containers, container(k, s));
    jv_set(pspec, "containers", containers);
    jv_set(pspec, "serviceAccountName", jv_str(s->name.s));
    if (s->secrets.n) { /* the CSI driver mounts (and syncs) the secrets */
        JsonVal *vols = jv_arr(), *v = jv_obj(), *csi = jv_obj(), *va = jv_obj();
        jv_set(va, "secretProviderClass",
               jv_str(arena_printf(k->a, "%s-key-vault", s->name.s)));
        jv_set(csi, "driver", jv_str("secrets-store.csi.k8s.io"));
        jv_set(csi, "readOnly", jv_bool(true));
        jv_set(csi, "volumeAttributes", va);
        jv_set(v, "name", jv_str("key-vault"));
        jv_set(v, "csi", csi);
        jv_push(vols, v);
        jv_set(pspec, "volumes", vols);
    }
    JsonVal *plabels = kube_labels(k, s);
    jv_set(plabels, "azure.workload.identity/use", jv_str("true"));
    jv_set(tmeta, "labels", plabels);
    jv_set(tmpl, "metadata", tmeta);
    jv_set(tmpl, "spec", pspec);
    return tmpl;
}

static JsonVal *deployment(Kube *k, const Service *s)
{
    JsonVal *spec = jv_obj(), *sel = jv_obj(), *strategy = jv_obj(),
            *ru = jv_obj();
    jv_set(sel, "matchLabels", kube_selector(s->name.s));
    jv_set(spec, "selector", sel);
    if (!autoscaled(s)) /* an autoscaler owns replicas otherwise */
        jv_set(spec, "replicas", jv_int(s->scaling->min.v));
    jv_set(ru, "maxSurge", jv_int(1));
    jv_set(ru, "maxUnavailable", jv_int(0));
    jv_set(strategy, "type", jv_str("RollingUpdate"));
    jv_set(strategy, "rollingUpdate", ru);
    jv_set(spec, "strategy", strategy);
    jv_set(spec, "template", pod_template(k, s));
    JsonVal *d = kube_doc(k, "apps/v1", "Deployment", s->name.s, kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

static JsonVal *service(Kube *k, const Service *s)
{
    JsonVal *spec = jv_obj(), *ports = jv_arr(), *p = jv_obj();
    jv_set(p, "name", jv_str("http"));
    jv_set(p, "port", jv_int(s->runtime->port.v));
    jv_set(p, "targetPort", jv_str("http"));
    jv_push(ports, p);
    jv_set(spec, "type", jv_str("ClusterIP"));
    jv_set(spec, "selector", kube_selector(s->name.s));
    jv_set(spec, "ports", ports);
    JsonVal *d = kube_doc(k, "v1", "Service", s->name.s, kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

static JsonVal *hpa_metric(Kube *k, const ScaleRule *r)
{
    JsonVal *m = jv_obj(), *t = jv_obj();
    if (streq(r->metric.s, "cpu") || streq(r->metric.s, "memory")) {
        JsonVal *rs = jv_obj();
        jv_set(t, "type", jv_str("Utilization"));
        jv_set(t, "averageUtilization", jv_int(r->above.v));
        jv_set(rs, "name", jv_str(r->metric.s));
        jv_set(rs, "target", t);
        jv_set(m, "type", jv_str("Resource"));
        jv_set(m, "resource", rs);
        return m;
    }
    /* per-pod metrics from the metrics adapter */
    JsonVal *pods = jv_obj(), *metric = jv_obj();
    char *name = arena_strdup(k->a, r->metric.s);
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    jv_set(metric, "name", jv_str(name));
    jv_set(t, "type", jv_str("AverageValue"));
    jv_set(t, "averageValue", jv_str(arena_printf(k->a, "%lld", r->above.v)));
    jv_set(pods, "metric", metric);
    jv_set(pods, "target", t);
    jv_set(m, "type", jv_str("Pods"));
    jv_set(m, "pods", pods);
    return m;
}

/* One direction of the HPA's behavior: each rule adds or removes `step`
 * pods at most once per `cooldown` (as App Service's autoscale does), one
 * policy per distinct pair.  Scale-out takes the largest step any rule
 * allows; scale-in the smallest, and only after the load has stayed low
 * for the longest cooldown (the stabilisation window), because App
 * Service scales in only when every rule agrees.  The schema keeps
 * cooldown within the HPA's limit (periodSeconds <= 1800). */
static JsonVal *hpa_direction(const Scaling *sc, bool up)
{
    JsonVal *dir = jv_obj(), *pols = jv_arr();
    long long window = 0;
    for (int i = 0; i < sc->rules.n; i++) {
        const ScaleRule *r = sc->rules.v[i];
        bool seen = false;
        for (int j = 0; j < i && !seen; j++) {
            const ScaleRule *q = sc->rules.v[j];
            seen = q->step.v == r->step.v && q->cooldown.v == r->cooldown.v;
        }
        if (r->cooldown.v > window)
            window = r->cooldown.v;
        if (seen)
            continue;
        JsonVal *p = jv_obj();
        jv_set(p, "type", jv_str("Pods"));
        jv_set(p, "value", jv_int(r->step.v));
        jv_set(p, "periodSeconds", jv_int(r->cooldown.v));
        jv_push(pols, p);
    }
    jv_set(dir, "policies", pols);
    jv_set(dir, "selectPolicy", jv_str(up ? "Max" : "Min"));
    jv_set(dir, "stabilizationWindowSeconds", jv_int(up ? 0 : window));
    return dir;
}

static JsonVal *autoscaler(Kube *k, const Service *s)
{
    JsonVal *spec = jv_obj(), *target = jv_obj(), *metrics = jv_arr(),
            *behavior = jv_obj();
    jv_set(target, "apiVersion", jv_str("apps/v1"));
    jv_set(target, "kind", jv_str("Deployment"));
    jv_set(target, "name", jv_str(s->name.s));
    jv_set(spec, "scaleTargetRef", target);
    jv_set(spec, "minReplicas",
           jv_int(s->scaling->min.v < 1 ? 1 : s->scaling->min.v));
    jv_set(spec, "maxReplicas", jv_int(s->scaling->max.v));
    for (int i = 0; i < s->scaling->rules.n; i++)
        jv_push(metrics, hpa_metric(k, s->scaling->rules.v[i]));
    jv_set(spec, "metrics", metrics);
    jv_set(behavior, "scaleUp", hpa_direction(s->scaling, true));
    jv_set(behavior, "scaleDown", hpa_direction(s->scaling, false));
    jv_set(spec, "behavior", behavior);
    JsonVal *d = kube_doc(k, "autoscaling/v2", "HorizontalPodAutoscaler",
                     s->name.s, kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

static JsonVal *disruption_budget(Kube *k, const Service *s)
{
    JsonVal *spec = jv_obj(), *sel = jv_obj();
    jv_set(sel, "matchLabels", kube_selector(s->name.s));
    jv_set(spec, "selector", sel);
    jv_set(spec, "maxUnavailable", jv_int(1));
    JsonVal *d = kube_doc(k, "policy/v1", "PodDisruptionBudget", s->name.s,
                     kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

/* Who calls each service, in the order the services are listed: built
 * once, so that a service's policy does not read every other service's
 * dependencies (quadratic in services). */
static void index_callers(Kube *k)
{
    const EnvModel *e = k->env;
    int n = e->nservices, total = 0;
    int *to = NULL, nto = 0;
    for (int i = 0; i < n; i++)
        total += e->services[i]->depends_on.n;
    to = arena_alloc(k->a, ((size_t)total + 1) * sizeof *to);
    k->caller_at = arena_alloc(k->a, ((size_t)n + 2) * sizeof *k->caller_at);
    k->callers = arena_alloc(k->a, ((size_t)total + 1) * sizeof *k->callers);
    for (int i = 0; i < n; i++) {
        const Service *d = e->services[i];
        for (int j = 0; j < d->depends_on.n; j++) {
            int t = env_service_index(e, d->depends_on.v[j].s);
            to[nto++] = t;
            if (t >= 0)
                k->caller_at[t + 2]++;
        }
    }
    for (int t = 0; t < n; t++) /* counts at t+2, then starts at t+1 */
        k->caller_at[t + 2] += k->caller_at[t + 1];
    nto = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < e->services[i]->depends_on.n; j++) {
            int t = to[nto++];
            if (t >= 0)
                k->callers[k->caller_at[t + 1]++] = e->services[i];
        }
}

static JsonVal *network_policy(Kube *k, int si)
{
    const Service *s = k->env->services[si];
    JsonVal *from = jv_arr();
    if (has_public_route(s)) {
        JsonVal *peer = jv_obj(), *ps = jv_obj(), *l = jv_obj();
        jv_set(l, "app.kubernetes.io/component", jv_str("gateway"));
        jv_set(ps, "matchLabels", l);
        jv_set(peer, "podSelector", ps);
        jv_push(from, peer);
    }
    for (int i = k->caller_at[si]; i < k->caller_at[si + 1]; i++) {
        JsonVal *peer = jv_obj(), *ps = jv_obj();
        jv_set(ps, "matchLabels", kube_selector(k->callers[i]->name.s));
        jv_set(peer, "podSelector", ps);
        jv_push(from, peer);
    }
    JsonVal *spec = jv_obj(), *sel = jv_obj(), *types = jv_arr(),
            *ingress = jv_arr();
    jv_set(sel, "matchLabels", kube_selector(s->name.s));
    jv_set(spec, "podSelector", sel);
    jv_push(types, jv_str("Ingress"));
    jv_set(spec, "policyTypes", types);
    if (jv_len(from)) {
        JsonVal *rule = jv_obj(), *ports = jv_arr(), *p = jv_obj();
        jv_set(p, "port", jv_str("http"));
        jv_set(p, "protocol", jv_str("TCP"));
        jv_push(ports, p);
        jv_set(rule, "from", from);
        jv_set(rule, "ports", ports);
        jv_push(ingress, rule);
    } else {
        jv_free(from);
    }
    jv_set(spec, "ingress", ingress);
    JsonVal *d = kube_doc(k, "networking.k8s.io/v1", "NetworkPolicy",
                     arena_printf(k->a, "%s-ingress", s->name.s),
                     kube_labels(k, s));
    jv_set(d, "spec", spec);
    return d;
}

/* kubectl apply of the environment's files.  envsubst fills in only the
 * names given: the tenant and the file's own service's identity
 * (AZURE_CLIENT_ID_ and its name in capitals, '-' as '_', as
 * manifests_kube_access.c writes it); a plain `envsubst` would fill in
 * every $NAME a spec's value holds from the deployer's environment, CI's
 * secrets included. */
static void apply_script(const EnvModel *env, Arena *a, Outputs *o)
{
    Strbuf sb = STRBUF_INIT;
    sb_printf(&sb,
              "#!/bin/sh\n"
              "# apply.sh - applies the %s environment's Kubernetes objects "
              "with kubectl,\n# filling in the installation values: export "
              "AZURE_TENANT_ID and, per\n# service, AZURE_CLIENT_ID_SERVICE "
              "(its user-assigned identity's client id,\n# the name in "
              "capitals with '_' for '-') first.  Nothing else is filled "
              "in:\n# a '$' in a spec's value stays as written.  Written by "
              "topoc.\n"
              "set -eu\n"
              "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
              "kubectl apply -f \"$here/namespace.yaml\"\n"
              "for f in \"$here\"/services/*.yaml; do\n"
              "    id=AZURE_CLIENT_ID_$(basename \"$f\" .yaml | tr 'a-z-' "
              "'A-Z_')\n"
              "    envsubst \"\\$AZURE_TENANT_ID \\$$id\" <\"$f\" | "
              "kubectl apply -f -\n"
              "done\n",
              env->env->name.s);
    out_add(o, arena_printf(a, "%s/manifests/kubernetes/apply.sh",
                            env->env->name.s),
            &sb);
}

static void emit_env(const Model *m, const EnvModel *env, Outputs *o)
{
    Arena a;
    arena_init(&a);
    Kube k = {m, env, &a, NULL, NULL, NULL};
    index_callers(&k);
    const char *ns = arena_printf(&a, "%s-%s", m->platform->name.s,
                                  env->env->name.s);
    Strbuf sb = STRBUF_INIT;
    JsonVal *nl = jv_obj();
    jv_set(nl, "topoc.io/platform", jv_str(m->platform->name.s));
    jv_set(nl, "topoc.io/environment", jv_str(env->env->name.s));
    add_doc(&sb, kube_doc(&k, "v1", "Namespace", ns, nl));
    k.ns = ns;
    JsonVal *deny = kube_doc(&k, "networking.k8s.io/v1", "NetworkPolicy",
                        "default-deny-ingress", NULL);
    JsonVal *spec = jv_obj(), *types = jv_arr();
    jv_set(spec, "podSelector", jv_obj());
    jv_push(types, jv_str("Ingress"));
    jv_set(spec, "policyTypes", types);
    jv_set(deny, "spec", spec);
    add_doc(&sb, deny);
    add_doc(&sb, kube_default_deny_egress(&k));
    out_add(o, arena_printf(&a, "%s/manifests/kubernetes/namespace.yaml",
                            env->env->name.s),
            &sb);
    apply_script(env, &a, o);
    for (int i = 0; i < env->nservices; i++) {
        const Service *s = env->services[i];
        add_doc(&sb, kube_service_account(&k, s));
        if (s->secrets.n)
            add_doc(&sb, kube_secret_provider(&k, s, mf_vault_name(&a, m, env)));
        if (s->stores.n)
            add_doc(&sb, kube_stores_config(&k, s));
        add_doc(&sb, deployment(&k, s));
        add_doc(&sb, service(&k, s));
        if (autoscaled(s))
            add_doc(&sb, autoscaler(&k, s));
        if (streq(env->env->name.s, "production") && s->scaling->min.v >= 2)
            add_doc(&sb, disruption_budget(&k, s));
        add_doc(&sb, network_policy(&k, i));
        add_doc(&sb, kube_egress_policy(&k, s));
        out_add(o,
                arena_printf(&a, "%s/manifests/kubernetes/services/%s.yaml",
                             env->env->name.s, s->name.s),
                &sb);
    }
    arena_free(&a);
}

static int loc_cmp(const void *pa, const void *pb)
{
    const Loc *a = pa, *b = pb;
    int c = strcmp(loc_src(*a)->path, loc_src(*b)->path);
    return c ? c : loc_pos_cmp(*a, *b);
}

/* autoscaling/v2 (Kubernetes up to 1.32, whose schema the documents
 * follow) has one target per metric and no scale-in threshold: an HPA
 * scales in as soon as the load fits fewer pods at `above`. Every `below`
 * the spec writes (in a service or an environment's override) therefore
 * holds on App Service only. One notice says so, at the first, with how
 * many there are: a line per rule would bury the build's output. */
static void below_notice(const Model *m, Diags *ds)
{
    Loc *v = NULL;
    int n = 0, cap = 0;
    for (int e = 0; e < m->nenvs; e++)
        for (int i = 0; i < m->envs[e].nservices; i++) {
            const Scaling *sc = m->envs[e].services[i]->scaling;
            for (int r = 0; sc && r < sc->rules.n; r++) {
                const ScaleRule *rule = sc->rules.v[r];
                if (!rule->below.loc.set || !loc_src(rule->below.loc))
                    continue;
                if (n == cap)
                    v = xrealloc(v, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *v);
                v[n++] = rule->below.loc;
            }
        }
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, loc_cmp);
    int distinct = 0; /* a base value shared by the environments is one */
    for (int i = 0; i < n; i++)
        distinct += i == 0 || loc_cmp(&v[i - 1], &v[i]) != 0;
    if (n > 0) {
        Diag *d = diag_info(ds, v[0], "k8s-scale-in",
                            "a Kubernetes HPA has no scale-in threshold: it "
                            "scales in when the load fits fewer pods at "
                            "'above', so 'below' holds on App Service only "
                            "(%d value%s in the spec)",
                            distinct, distinct == 1 ? "" : "s");
        diag_help(ds, d, "nothing to change for App Service; on Kubernetes "
                         "1.33 or later behavior.scaleDown.tolerance can "
                         "express it");
    }
    free(v);
}

void emit_kubernetes(const Model *m, Diags *ds, Outputs *o)
{
    for (int i = 0; i < m->nenvs; i++)
        emit_env(m, &m->envs[i], o);
    below_notice(m, ds);
}
