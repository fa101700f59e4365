/* manifests_network.c - who may talk to whom on Azure: the network
 * security of environment.json and of each service's Web App.
 *
 *   out   each Web App sends everything through its VNet integration
 *         (vnetRouteAllEnabled), in one of two subnets: `apps` (its NSG
 *         admits the VNet and Azure Monitor, and denies the internet) or
 *         `connectors` (the internet on 443 as well): only connectors
 *         reach outside, as the spec's egress rule says
 *   in    Web Apps have public access off and a private endpoint in the
 *         private-endpoints subnet, whose NSG applies to endpoints
 *         (privateEndpointNetworkPolicies); every app's endpoint is in the
 *         application security group `sites`, which the VNet may not
 *         reach, and in one group per kind of caller it has: `edge` (App
 *         Gateway's and APIM's subnets) when it has public routes, `apps`
 *         when a service depends on it, `connectors` when a connector does
 *
 * The groups and rules live in environment.json and name no service, so
 * adding a service changes only its own template (which joins groups).
 * What a subnet cannot tell apart, the groups cannot either: a service
 * called by one app admits every app of the apps subnet (App Service
 * integrates a plan with one subnet; a subnet per service would need an
 * address plan the spec does not have; README says so).
 */
#include "manifests_azure.h"
#include "topoc/routing.h"

#include <string.h>

enum { FROM_APPS = 1, FROM_CONNECTORS = 2 };

static const char *const groups[] = {"sites", "edge", "apps", "connectors"};

static const char *asg_name(Mf *f, const char *group)
{
    return arena_printf(f->a, "asg-%s-%s-%s", group, mf_platform(f), mf_env(f));
}

static const char *asg_id(Mf *f, const char *group)
{
    return arm_id(f->a, "Microsoft.Network/applicationSecurityGroups",
                  asg_name(f, group), NULL);
}

const char *mf_nsg_name(Mf *f, const char *subnet)
{
    return arena_printf(f->a, "nsg-%s-%s-%s", subnet, mf_platform(f),
                        mf_env(f));
}

static JsonVal *rule(const char *name, int prio, bool in, bool allow,
                     const char *proto, const char *port)
{
    JsonVal *p = jv_obj(), *r = jv_obj();
    jv_set(p, "priority", jv_int(prio));
    jv_set(p, "direction", jv_str(in ? "Inbound" : "Outbound"));
    jv_set(p, "access", jv_str(allow ? "Allow" : "Deny"));
    jv_set(p, "protocol", jv_str(proto));
    jv_set(p, "sourcePortRange", jv_str("*"));
    jv_set(p, "destinationPortRange", jv_str(port));
    jv_set(r, "name", jv_str(name));
    jv_set(r, "properties", p);
    return r;
}

static void set_prop(JsonVal *r, const char *key, JsonVal *v)
{
    jv_set((JsonVal *)jv_get(r, "properties"), key, v);
}

/* An outbound rule from the subnet to the service tag or range DST. */
static JsonVal *out_rule(const char *name, int prio, bool allow,
                         const char *dst, const char *port)
{
    JsonVal *r = rule(name, prio, false, allow, allow ? "Tcp" : "*", port);
    set_prop(r, "sourceAddressPrefix", jv_str("VirtualNetwork"));
    set_prop(r, "destinationAddressPrefix", jv_str(dst));
    return r;
}

static void nsg(Mf *f, JsonVal *res, const char *subnet, JsonVal *rules,
                JsonVal *deps)
{
    JsonVal *p = jv_obj();
    jv_set(p, "securityRules", rules);
    JsonVal *r = mf_resource("Microsoft.Network/networkSecurityGroups", NRP,
                             mf_nsg_name(f, subnet), mf_location(),
                             mf_tags(f, NULL, NULL));
    jv_set(r, "properties", p);
    if (deps)
        jv_set(r, "dependsOn", deps);
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.Network/networkSecurityGroups",
                            mf_nsg_name(f, subnet), NULL);
    jv_push(res, mf_diagnostics(f, id, mf_law_id(f), true, false, id));
}

/* The integration subnets' NSGs: the VNet (private endpoints, APIM) and
 * Azure Monitor (Application Insights ingestion) for every app, the
 * internet on 443 for connectors only; anything else out is denied. */
static void egress(Mf *f, JsonVal *res, bool connectors)
{
    JsonVal *rules = jv_arr();
    JsonVal *vnet = out_rule("vnet", 100, true, "VirtualNetwork", "*");
    set_prop(vnet, "protocol", jv_str("*"));
    jv_push(rules, vnet);
    jv_push(rules, out_rule("azure-monitor", 110, true, "AzureMonitor", "443"));
    if (connectors)
        jv_push(rules, out_rule("internet-https", 120, true, "Internet", "443"));
    jv_push(rules, out_rule("deny-internet", 4000, false, "Internet", "*"));
    nsg(f, res, connectors ? "connectors" : "apps", rules, NULL);
}

static JsonVal *prefixes(const char *const *p, int n)
{
    JsonVal *a = jv_arr();
    for (int i = 0; i < n; i++)
        jv_push(a, jv_str(p[i]));
    return a;
}

static JsonVal *asg_refs(Mf *f, const char *group)
{
    JsonVal *a = jv_arr(), *o = jv_obj();
    jv_set(o, "id", arm_code(asg_id(f, group)));
    jv_push(a, o);
    return a;
}

/* The private endpoints' NSG: a kind of caller reaches the endpoints of
 * the group named after it, on 443; nothing else in the VNet reaches a
 * Web App's endpoint (the stores' endpoints keep Azure's default, the
 * VNet). */
static void endpoints_nsg(Mf *f, JsonVal *res, const char *const *edge,
                          const char *apps, const char *conns)
{
    JsonVal *rules = jv_arr(), *deps = jv_arr();
    static const char *const names[] = {"from-edge", "from-apps",
                                        "from-connectors"};
    const char *const *src[] = {edge, &apps, &conns};
    for (int i = 0; i < 3; i++) {
        JsonVal *r = rule(names[i], 100 + 10 * i, true, true, "Tcp", "443");
        set_prop(r, "sourceAddressPrefixes", prefixes(src[i], i ? 1 : 2));
        set_prop(r, "destinationApplicationSecurityGroups",
                 asg_refs(f, groups[i + 1]));
        jv_push(rules, r);
    }
    JsonVal *deny = rule("deny-sites", 4000, true, false, "*", "*");
    set_prop(deny, "sourceAddressPrefix", jv_str("VirtualNetwork"));
    set_prop(deny, "destinationApplicationSecurityGroups",
             asg_refs(f, "sites"));
    jv_push(rules, deny);
    for (int i = 0; i < 4; i++)
        jv_push(deps, arm_code(asg_id(f, groups[i])));
    nsg(f, res, "private-endpoints", rules, deps);
}

void mf_network_security(Mf *f, JsonVal *res, const char *const *edge,
                         const char *apps, const char *conns)
{
    for (int i = 0; i < 4; i++) {
        JsonVal *r = mf_resource("Microsoft.Network/applicationSecurityGroups",
                                 NRP, asg_name(f, groups[i]), mf_location(),
                                 mf_tags(f, NULL, NULL));
        jv_set(r, "properties", jv_obj());
        jv_push(res, r);
    }
    egress(f, res, false);
    egress(f, res, true);
    endpoints_nsg(f, res, edge, apps, conns);
}

JsonVal *mf_site_groups_output(Mf *f)
{
    JsonVal *o = jv_obj();
    for (int i = 0; i < 4; i++)
        jv_set(o, groups[i], arm_code(asg_id(f, groups[i])));
    return o;
}

/* Who calls each service of the environment, by kind: built once per
 * environment, so a service's template does not read every other
 * service's dependencies. */
void mf_index_callers(Mf *f)
{
    const EnvModel *e = f->env;
    f->callers = arena_alloc(f->a, (size_t)e->nservices + 1);
    memset(f->callers, 0, (size_t)e->nservices + 1);
    for (int i = 0; i < e->nservices; i++) {
        const Service *s = e->services[i];
        unsigned char kind = streq(s->kind.s, "connector") ? FROM_CONNECTORS
                                                           : FROM_APPS;
        for (int j = 0; j < s->depends_on.n; j++) {
            int t = env_service_index(e, s->depends_on.v[j].s);
            if (t >= 0)
                f->callers[t] |= kind;
        }
    }
}

/* The groups a service's private endpoint joins (parameters('siteGroups')
 * holds their ids). */
JsonVal *mf_site_groups(Mf *f, const Service *s)
{
    int i = env_service_index(f->env, s->name.s);
    unsigned char by = i >= 0 && f->callers ? f->callers[i] : 0;
    bool member[4] = {true, has_public_route(s), by & FROM_APPS,
                      by & FROM_CONNECTORS};
    JsonVal *a = jv_arr();
    for (int g = 0; g < 4; g++) {
        if (!member[g])
            continue;
        JsonVal *o = jv_obj();
        jv_set(o, "id", arm_code(arena_printf(
                            f->a, "[parameters('siteGroups').%s]", groups[g])));
        jv_push(a, o);
    }
    return a;
}
