/* manifests_environment.c - ENV/manifests/azure/environment.json: what
 * the services of an environment share.
 *
 *   network      a VNet with five subnets (gateway, apps and connectors
 *                (a /25 each), private endpoints, API Management), the
 *                NSG APIM needs and the Web Apps' network security
 *                (manifests_network.c)
 *   monitoring   Log Analytics and workspace-based Application Insights
 *   Key Vault    the environment's vault (secrets, the edge certificate)
 *   DNS zones    the privatelink zones (linked to the VNet) where the
 *                vault's, the stores' and the Web Apps' private endpoints
 *                register (the stores themselves: manifests_stores.c)
 *   API Mgmt     the service the edge's APIs live in, inside the VNet
 *   the edge's   user-assigned identity (reads the certificate) and the
 *                public IP addresses of App Gateway and APIM
 *
 * Everything that supports diagnostic settings sends them to the
 * workspace.  What the stores, the edge and the services need from here
 * leaves through outputs; the stores and the teams' action groups grow
 * with the platform and are parts of their own (manifests_parts.c), so
 * this template's size does not.
 */
#include "manifests_azure.h"
#include "topoc/regions.h"

#include <stdio.h>
#include <string.h>

typedef struct Zone {
    const char *kind, *group, *zone; /* store kind -> PE group, DNS zone */
} Zone;

static const Zone zones[] = {
    {"key-vault", "vault", "privatelink.vaultcore.azure.net"},
    {"sql", "sqlServer", "privatelink.database.windows.net"},
    {"blob", "blob", "privatelink.blob.core.windows.net"},
    {"queue", "queue", "privatelink.queue.core.windows.net"},
    {"cache", "redisCache", "privatelink.redis.cache.windows.net"},
    {"sites", "sites", "privatelink.azurewebsites.net"},
};

static const Zone *zone_of(const char *kind)
{
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++)
        if (streq(zones[i].kind, kind))
            return &zones[i];
    return NULL;
}

static const char *law_id(Mf *f);

static const char *zone_id(Mf *f, const char *zone)
{
    return arm_id(f->a, "Microsoft.Network/privateDnsZones", zone, NULL);
}

const char *mf_law_id(Mf *f) { return law_id(f); }

static const char *law_id(Mf *f)
{
    return arm_id(f->a, "Microsoft.OperationalInsights/workspaces",
                  mf_workspace(f), NULL);
}

static const char *subnet_id(Mf *f, const char *subnet)
{
    return arm_id(f->a, "Microsoft.Network/virtualNetworks/subnets", mf_vnet(f),
                  subnet);
}

static JsonVal *named(const char *name, JsonVal *props)
{
    JsonVal *o = jv_obj();
    jv_set(o, "name", jv_str(name));
    jv_set(o, "properties", props);
    return o;
}

static JsonVal *idref(const char *expr)
{
    JsonVal *o = jv_obj();
    jv_set(o, "id", arm_code(expr));
    return o;
}

/* ---- network ---- */

static JsonVal *subnet(Mf *f, const char *name, const char *prefix,
                       const char *delegation, bool secured)
{
    JsonVal *p = jv_obj();
    const char *nsg = secured ? arm_id(f->a,
                                       "Microsoft.Network/networkSecurityGroups",
                                       mf_nsg_name(f, name), NULL)
                              : NULL;
    jv_set(p, "addressPrefix", jv_str(prefix));
    if (delegation) {
        JsonVal *dels = jv_arr(), *dp = jv_obj();
        jv_set(dp, "serviceName", jv_str(delegation));
        jv_push(dels, named("delegation", dp));
        jv_set(p, "delegations", dels);
    }
    if (nsg)
        jv_set(p, "networkSecurityGroup", idref(nsg));
    if (streq(name, "private-endpoints"))
        jv_set(p, "privateEndpointNetworkPolicies", jv_str("Enabled"));
    return named(name, p);
}

static JsonVal *nsg_rule(const char *name, int prio, const char *src,
                         const char *port, const char *dst)
{
    JsonVal *p = jv_obj();
    jv_set(p, "priority", jv_int(prio));
    jv_set(p, "direction", jv_str("Inbound"));
    jv_set(p, "access", jv_str("Allow"));
    jv_set(p, "protocol", jv_str("Tcp"));
    jv_set(p, "sourceAddressPrefix", jv_str(src));
    jv_set(p, "sourcePortRange", jv_str("*"));
    jv_set(p, "destinationAddressPrefix", jv_str(dst));
    jv_set(p, "destinationPortRange", jv_str(port));
    return named(name, p);
}

/* APIM in a VNet: its control plane and load balancer must get in */
static void apim_nsg(Mf *f, JsonVal *res)
{
    const char *name = mf_nsg_name(f, "apim");
    JsonVal *rules = jv_arr(), *p = jv_obj();
    jv_push(rules, nsg_rule("management", 100, "ApiManagement", "3443",
                            "VirtualNetwork"));
    jv_push(rules, nsg_rule("load-balancer", 110, "AzureLoadBalancer", "6390",
                            "VirtualNetwork"));
    jv_push(rules, nsg_rule("gateway", 120, "VirtualNetwork", "443",
                            "VirtualNetwork"));
    jv_set(p, "securityRules", rules);
    JsonVal *r = mf_resource("Microsoft.Network/networkSecurityGroups", NRP, name,
                             mf_location(), mf_tags(f, NULL, NULL));
    jv_set(r, "properties", p);
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.Network/networkSecurityGroups",
                            name, NULL);
    jv_push(res, mf_diagnostics(f, id, law_id(f), true, false, id));
}

static bool network(Mf *f, JsonVal *res)
{
    const Environment *e = f->env->env;
    unsigned a, b, c, d;
    int prefix;
    if (sscanf(e->address_space.s, "%u.%u.%u.%u/%d", &a, &b, &c, &d,
               &prefix) != 5 ||
        prefix > 22) /* too small: check_keys.c refuses it */
        return false;
    /* gateway, apps and connectors (a /25 each), endpoints, APIM */
    const char *pre[] = {
        arena_printf(f->a, "%u.%u.%u.0/24", a, b, c),
        arena_printf(f->a, "%u.%u.%u.0/25", a, b, c + 1),
        arena_printf(f->a, "%u.%u.%u.128/25", a, b, c + 1),
        arena_printf(f->a, "%u.%u.%u.0/24", a, b, c + 2),
        arena_printf(f->a, "%u.%u.%u.0/24", a, b, c + 3)};
    const char *edge[] = {pre[0], pre[4]};
    apim_nsg(f, res);
    mf_network_security(f, res, edge, pre[1], pre[2]);
    JsonVal *subnets = jv_arr(), *deps = jv_arr();
    jv_push(subnets, subnet(f, "gateway", pre[0], NULL, false));
    jv_push(subnets, subnet(f, "apps", pre[1], "Microsoft.Web/serverFarms", true));
    jv_push(subnets, subnet(f, "connectors", pre[2], "Microsoft.Web/serverFarms",
                            true));
    jv_push(subnets, subnet(f, "private-endpoints", pre[3], NULL, true));
    jv_push(subnets, subnet(f, "apim", pre[4], NULL, true));
    static const char *const secured[] = {"apim", "apps", "connectors",
                                          "private-endpoints"};
    for (int i = 0; i < 4; i++)
        jv_push(deps, arm_code(arm_id(f->a,
                                      "Microsoft.Network/networkSecurityGroups",
                                      mf_nsg_name(f, secured[i]), NULL)));
    JsonVal *props = jv_obj(), *space = jv_obj(), *prefixes = jv_arr();
    jv_push(prefixes, jv_str(e->address_space.s));
    jv_set(space, "addressPrefixes", prefixes);
    jv_set(props, "addressSpace", space);
    jv_set(props, "subnets", subnets);
    JsonVal *r = mf_resource("Microsoft.Network/virtualNetworks", NRP,
                             mf_vnet(f), mf_location(), mf_tags(f, NULL, NULL));
    jv_set(r, "properties", props);
    jv_set(r, "dependsOn", deps);
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.Network/virtualNetworks",
                            mf_vnet(f), NULL);
    jv_push(res, mf_diagnostics(f, id, law_id(f), true, true, id));
    return true;
}

/* Zones 1-3 (zone-redundant) for a resource that takes them, where the
 * environment's region has zones. */
static void zone_redundant(Mf *f, JsonVal *r)
{
    if (!region_has_zones(f->env->env->region.s))
        return;
    JsonVal *z = jv_arr();
    for (int i = 1; i <= 3; i++)
        jv_push(z, jv_str(arena_printf(f->a, "%d", i)));
    jv_set(r, "zones", z);
}

/* A Standard public IP, zone-redundant when ZONED (what uses it is). */
static void public_ip(Mf *f, JsonVal *res, const char *name, bool label,
                      bool zoned)
{
    JsonVal *p = jv_obj(), *sku = jv_obj();
    jv_set(p, "publicIPAllocationMethod", jv_str("Static"));
    jv_set(p, "publicIPAddressVersion", jv_str("IPv4"));
    if (label) { /* APIM in a VNet needs a DNS label on its management IP */
        JsonVal *dns = jv_obj();
        jv_set(dns, "domainNameLabel", jv_str(name));
        jv_set(p, "dnsSettings", dns);
    }
    jv_set(sku, "name", jv_str("Standard"));
    jv_set(sku, "tier", jv_str("Regional"));
    JsonVal *r = mf_resource("Microsoft.Network/publicIPAddresses", NRP, name,
                             mf_location(), mf_tags(f, NULL, NULL));
    jv_set(r, "sku", sku);
    if (zoned)
        zone_redundant(f, r);
    jv_set(r, "properties", p);
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.Network/publicIPAddresses", name,
                            NULL);
    jv_push(res, mf_diagnostics(f, id, law_id(f), true, true, id));
}

static void dns_zone(Mf *f, JsonVal *res, const char *zone)
{
    JsonVal *z = mf_resource("Microsoft.Network/privateDnsZones", DNS, zone,
                             jv_str("global"), mf_tags(f, NULL, NULL));
    jv_set(z, "properties", jv_obj());
    jv_push(res, z);
    JsonVal *lp = jv_obj();
    jv_set(lp, "registrationEnabled", jv_bool(false));
    jv_set(lp, "virtualNetwork",
           idref(arm_id(f->a, "Microsoft.Network/virtualNetworks", mf_vnet(f),
                        NULL)));
    JsonVal *l = mf_resource("Microsoft.Network/privateDnsZones/"
                             "virtualNetworkLinks",
                             DNS, arena_printf(f->a, "%s/%s", zone, mf_vnet(f)),
                             jv_str("global"), mf_tags(f, NULL, NULL));
    jv_set(l, "properties", lp);
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(zone_id(f, zone)));
    jv_push(deps, arm_code(arm_id(f->a, "Microsoft.Network/virtualNetworks",
                                  mf_vnet(f), NULL)));
    jv_set(l, "dependsOn", deps);
    jv_push(res, l);
}

void mf_private_endpoint(Mf *f, JsonVal *res, const char *type,
                         const char *name, const char *kind,
                         const char *subnet_expr, const char *zone_expr,
                         JsonVal *asgs)
{
    const Zone *z = zone_of(kind);
    const char *pe = az_name(f->a, arena_printf(f->a, "pe-%s", name), 80, true);
    const char *target = arm_id(f->a, type, name, NULL);
    JsonVal *p = jv_obj(), *conns = jv_arr(), *cp = jv_obj(), *groups = jv_arr();
    jv_set(p, "subnet", idref(subnet_expr));
    jv_set(cp, "privateLinkServiceId", arm_code(target));
    jv_push(groups, jv_str(z->group));
    jv_set(cp, "groupIds", groups);
    jv_push(conns, named(name, cp));
    jv_set(p, "privateLinkServiceConnections", conns);
    if (asgs)
        jv_set(p, "applicationSecurityGroups", asgs);
    JsonVal *r = mf_resource("Microsoft.Network/privateEndpoints", NRP, pe,
                             mf_location(), mf_tags(f, NULL, NULL));
    jv_set(r, "properties", p);
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(target));
    if (subnet_expr[1] == 'r') /* a resourceId of this template */
        jv_push(deps, arm_code(arm_id(f->a, "Microsoft.Network/virtualNetworks",
                                      mf_vnet(f), NULL)));
    jv_set(r, "dependsOn", deps);
    jv_push(res, r);
    JsonVal *gp = jv_obj(), *cfgs = jv_arr(), *cfgp = jv_obj();
    jv_set(cfgp, "privateDnsZoneId", arm_code(zone_expr ? zone_expr
                                                        : zone_id(f, z->zone)));
    jv_push(cfgs, named("default", cfgp));
    jv_set(gp, "privateDnsZoneConfigs", cfgs);
    JsonVal *g = jv_obj();
    jv_set(g, "type", jv_str("Microsoft.Network/privateEndpoints/"
                             "privateDnsZoneGroups"));
    jv_set(g, "apiVersion", jv_str(NRP));
    jv_set(g, "name", jv_str(arena_printf(f->a, "%s/default", pe)));
    jv_set(g, "properties", gp);
    JsonVal *gd = jv_arr();
    jv_push(gd, arm_code(arm_id(f->a, "Microsoft.Network/privateEndpoints", pe,
                                NULL)));
    if (!zone_expr)
        jv_push(gd, arm_code(zone_id(f, z->zone)));
    jv_set(g, "dependsOn", gd);
    jv_push(res, g);
}

static void private_endpoint(Mf *f, JsonVal *res, const char *type,
                             const char *name, const char *kind)
{
    mf_private_endpoint(f, res, type, name, kind,
                        subnet_id(f, "private-endpoints"), NULL, NULL);
}

/* ---- monitoring ---- */

static void monitoring(Mf *f, JsonVal *res)
{
    JsonVal *wp = jv_obj(), *sku = jv_obj();
    jv_set(sku, "name", jv_str("PerGB2018"));
    jv_set(wp, "sku", sku);
    jv_set(wp, "retentionInDays",
           jv_int(streq(mf_env(f), "production") ? 90 : 30));
    JsonVal *w = mf_resource("Microsoft.OperationalInsights/workspaces", LOGS,
                             mf_workspace(f), mf_location(),
                             mf_tags(f, NULL, NULL));
    jv_set(w, "properties", wp);
    jv_push(res, w);
    jv_push(res, mf_diagnostics(f, law_id(f), law_id(f), true, true,
                                law_id(f)));
    JsonVal *ap = jv_obj();
    jv_set(ap, "Application_Type", jv_str("web"));
    jv_set(ap, "WorkspaceResourceId", arm_code(law_id(f)));
    jv_set(ap, "IngestionMode", jv_str("LogAnalytics"));
    JsonVal *ai = mf_resource("Microsoft.Insights/components",
                              INSIGHTS_COMPONENTS, mf_insights(f), mf_location(),
                              mf_tags(f, NULL, NULL));
    jv_set(ai, "kind", jv_str("web"));
    jv_set(ai, "properties", ap);
    jv_set(ai, "dependsOn", mf_deps1(law_id(f)));
    jv_push(res, ai);
}

/* ---- vaults and stores ---- */

static JsonVal *deny_acls(void)
{
    JsonVal *acl = jv_obj();
    jv_set(acl, "defaultAction", jv_str("Deny"));
    jv_set(acl, "bypass", jv_str("AzureServices"));
    return acl;
}

static void vault(Mf *f, JsonVal *res, const char *name, JsonVal *tg)
{
    JsonVal *p = jv_obj(), *sku = jv_obj();
    jv_set(p, "tenantId", arm_code("[subscription().tenantId]"));
    jv_set(sku, "family", jv_str("A"));
    jv_set(sku, "name", jv_str("standard"));
    jv_set(p, "sku", sku);
    jv_set(p, "enableRbacAuthorization", jv_bool(true));
    jv_set(p, "enableSoftDelete", jv_bool(true));
    jv_set(p, "enablePurgeProtection", jv_bool(true));
    jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(p, "networkAcls", deny_acls());
    JsonVal *r = mf_resource("Microsoft.KeyVault/vaults", KV, name,
                             mf_location(), tg);
    jv_set(r, "properties", p);
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.KeyVault/vaults", name, NULL);
    jv_push(res, mf_diagnostics(f, id, law_id(f), true, true, id));
    private_endpoint(f, res, "Microsoft.KeyVault/vaults", name, "key-vault");
}

/* ---- API Management and the edge ---- */

/* The service's properties: inside the VNet (Internal), old protocols and
 * the cipher suites PSRule's baseline wants off turned off. */
static JsonVal *apim_properties(Mf *f, const char *pip)
{
    JsonVal *p = jv_obj(), *vnet = jv_obj(), *cp = jv_obj(), *ver = jv_obj();
    jv_set(p, "publisherEmail", arm_code("[parameters('apimPublisherEmail')]"));
    jv_set(p, "publisherName", arm_code("[parameters('apimPublisherName')]"));
    jv_set(p, "virtualNetworkType", jv_str("Internal"));
    jv_set(vnet, "subnetResourceId", arm_code(subnet_id(f, "apim")));
    jv_set(p, "virtualNetworkConfiguration", vnet);
    jv_set(p, "publicIpAddressId",
           arm_code(arm_id(f->a, "Microsoft.Network/publicIPAddresses", pip,
                           NULL)));
    jv_set(ver, "minApiVersion", jv_str("2021-08-01"));
    jv_set(p, "apiVersionConstraint", ver);
    static const char *const off[] = {
        "Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30",
        "Backend.Protocols.Tls10", "Backend.Protocols.Tls11",
        "Backend.Protocols.Ssl30", "Ciphers.TripleDes168",
        /* the suites PSRule's Azure.APIM.Ciphers wants off: CBC, and RSA
         * key exchange without forward secrecy */
        "Ciphers.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "Ciphers.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "Ciphers.TLS_RSA_WITH_AES_256_GCM_SHA384",
        "Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256",
        "Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256",
        "Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256",
        "Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA",
        "Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA"};
    for (size_t i = 0; i < sizeof off / sizeof *off; i++)
        jv_set(cp, arena_printf(f->a,
                                "Microsoft.WindowsAzure.ApiManagement.Gateway."
                                "Security.%s",
                                off[i]),
               jv_str("False"));
    jv_set(p, "customProperties", cp);
    return p;
}

/* Internal mode registers nothing in public DNS: the App Gateway finds
 * the gateway host through a private zone and an A record to its address. */
static void apim_dns(Mf *f, JsonVal *res, const char *aid)
{
    dns_zone(f, res, "azure-api.net");
    JsonVal *ap = jv_obj(), *recs = jv_arr(), *rec = jv_obj();
    jv_set(ap, "ttl", jv_int(300));
    jv_set(rec, "ipv4Address",
           arm_code(arena_printf(f->a, "[reference(%s, '%s').privateIPAddresses[0]]",
                                 mf_inner(f, aid), APIM)));
    jv_push(recs, rec);
    jv_set(ap, "aRecords", recs);
    JsonVal *a = jv_obj();
    jv_set(a, "type", jv_str("Microsoft.Network/privateDnsZones/A"));
    jv_set(a, "apiVersion", jv_str(DNS));
    jv_set(a, "name", jv_str(arena_printf(f->a, "azure-api.net/%s", mf_apim(f))));
    jv_set(a, "properties", ap);
    JsonVal *adeps = jv_arr();
    jv_push(adeps, arm_code(zone_id(f, "azure-api.net")));
    jv_push(adeps, arm_code(aid));
    jv_set(a, "dependsOn", adeps);
    jv_push(res, a);
}

static void apim(Mf *f, JsonVal *res)
{
    bool prod = streq(mf_env(f), "production");
    bool zoned = prod && region_has_zones(f->env->env->region.s);
    const char *pip = arena_printf(f->a, "pip-apim-%s-%s", mf_platform(f),
                                   mf_env(f));
    public_ip(f, res, pip, true, zoned);
    JsonVal *sku = jv_obj(), *id = jv_obj();
    /* Developer outside production, Premium (zone-redundant) in it: the
     * two tiers that can live inside a VNet */
    jv_set(sku, "name", jv_str(prod ? "Premium" : "Developer"));
    jv_set(sku, "capacity", jv_int(prod ? 2 : 1));
    jv_set(id, "type", jv_str("SystemAssigned"));
    JsonVal *r = mf_resource("Microsoft.ApiManagement/service", APIM, mf_apim(f),
                             mf_location(), mf_tags(f, NULL, NULL));
    jv_set(r, "sku", sku);
    if (zoned) { /* two units, one per zone */
        JsonVal *z = jv_arr();
        jv_push(z, jv_str("1"));
        jv_push(z, jv_str("2"));
        jv_set(r, "zones", z);
    }
    jv_set(r, "identity", id);
    jv_set(r, "properties", apim_properties(f, pip));
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(arm_id(f->a, "Microsoft.Network/virtualNetworks",
                                  mf_vnet(f), NULL)));
    jv_push(deps, arm_code(arm_id(f->a, "Microsoft.Network/publicIPAddresses",
                                  pip, NULL)));
    jv_set(r, "dependsOn", deps);
    jv_push(res, r);
    const char *aid = arm_id(f->a, "Microsoft.ApiManagement/service",
                             mf_apim(f), NULL);
    jv_push(res, mf_diagnostics(f, aid, law_id(f), true, true, aid));
    apim_dns(f, res, aid);
}

static void edge(Mf *f, JsonVal *res)
{
    const char *idn = mf_edge_identity(f);
    JsonVal *r = mf_resource("Microsoft.ManagedIdentity/userAssignedIdentities",
                             IDENTITY, idn, mf_location(), mf_tags(f, NULL, NULL));
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.ManagedIdentity/"
                                  "userAssignedIdentities",
                            idn, NULL);
    const char *in = mf_inner(f, id);
    JsonVal *deps = jv_arr();
    jv_push(deps, arm_code(id));
    jv_push(deps, arm_code(arm_id(f->a, "Microsoft.KeyVault/vaults",
                                  mf_vault(f), NULL)));
    /* App Gateway reads its certificate as a secret (RBAC vault) */
    jv_push(res, mf_role(f, &ROLE_KV_SECRETS_USER,
                         arm_id(f->a, "Microsoft.KeyVault/vaults", mf_vault(f),
                                NULL),
                         arena_printf(f->a, "[reference(%s, '%s').principalId]",
                                      in, IDENTITY),
                         id, deps));
    public_ip(f, res, arena_printf(f->a, "pip-agw-%s-%s", mf_platform(f),
                                   mf_env(f)),
              false, true); /* App Gateway spans the zones */
}

static void output(JsonVal *outs, const char *name, const char *type,
                   JsonVal *value)
{
    JsonVal *o = jv_obj();
    jv_set(o, "type", jv_str(type));
    jv_set(o, "value", value);
    jv_set(outs, name, o);
}

static const char *shared_plan_id(Mf *f, bool connectors);
static bool has_connectors(const Mf *f);

static void outputs(Mf *f, JsonVal *outs, const bool *used)
{
    output(outs, "appsSubnetId", "string", arm_code(subnet_id(f, "apps")));
    output(outs, "connectorsSubnetId", "string",
           arm_code(subnet_id(f, "connectors")));
    output(outs, "siteGroups", "object", mf_site_groups_output(f));
    output(outs, "gatewaySubnetId", "string", arm_code(subnet_id(f, "gateway")));
    output(outs, "peSubnetId", "string",
           arm_code(subnet_id(f, "private-endpoints")));
    output(outs, "sitesDnsZoneId", "string",
           arm_code(zone_id(f, "privatelink.azurewebsites.net")));
    output(outs, "publicIpAddressId", "string",
           arm_code(arm_id(f->a, "Microsoft.Network/publicIPAddresses",
                           arena_printf(f->a, "pip-agw-%s-%s", mf_platform(f),
                                        mf_env(f)),
                           NULL)));
    output(outs, "edgeIdentityId", "string",
           arm_code(arm_id(f->a,
                           "Microsoft.ManagedIdentity/userAssignedIdentities",
                           mf_edge_identity(f), NULL)));
    output(outs, "workspaceId", "string", arm_code(law_id(f)));
    output(outs, "appInsightsId", "string",
           arm_code(arm_id(f->a, "Microsoft.Insights/components",
                           mf_insights(f), NULL)));
    output(outs, "vaultName", "string", jv_str(mf_vault(f)));
    output(outs, "apimName", "string", jv_str(mf_apim(f)));
    const char *vid = arm_id(f->a, "Microsoft.KeyVault/vaults", mf_vault(f), NULL);
    output(outs, "vaultUri", "string",
           arm_code(arena_printf(f->a, "[reference(%s, '%s').vaultUri]",
                                 mf_inner(f, vid),
                                 KV)));
    JsonVal *zs = jv_obj(); /* the stores parts' endpoints register here */
    for (size_t z = 0; z < sizeof zones / sizeof *zones - 1; z++)
        if (used[z])
            jv_set(zs, zones[z].kind, arm_code(zone_id(f, zones[z].zone)));
    output(outs, "privateDnsZones", "object", zs);
    if (f->env->env->plan->shared.v) {
        output(outs, "planId", "string", arm_code(shared_plan_id(f, false)));
        if (has_connectors(f))
            output(outs, "connectorsPlanId", "string",
                   arm_code(shared_plan_id(f, true)));
    }
}

static const char *shared_plan_name(Mf *f, bool connectors)
{
    return arena_printf(f->a, "plan-%s-%s%s", mf_platform(f), mf_env(f),
                        connectors ? "-connectors" : "");
}

static const char *shared_plan_id(Mf *f, bool connectors)
{
    return arm_id(f->a, "Microsoft.Web/serverfarms",
                  shared_plan_name(f, connectors), NULL);
}

/* environments.NAME.plan.shared: one plan for every service, sized by
 * plan.instances, each app on its own scaling.min workers (per-app
 * scaling), so adding a service still changes nothing here; and one more
 * for the connectors, because a plan leaves by one subnet and only theirs
 * reaches the internet (when the environment has connectors: a plan
 * costs its instances even when empty). */
static bool has_connectors(const Mf *f)
{
    for (int i = 0; i < f->env->nservices; i++)
        if (streq(f->env->services[i]->kind.s, "connector"))
            return true;
    return false;
}

static void shared_plan(Mf *f, JsonVal *res)
{
    if (!f->env->env->plan->shared.v)
        return;
    for (int c = 0; c < (has_connectors(f) ? 2 : 1); c++) {
        const char *id = shared_plan_id(f, c);
        jv_push(res, mf_plan(f, shared_plan_name(f, c), mf_tags(f, NULL, NULL),
                             f->env->env->plan->instances.v, true));
        jv_push(res, mf_diagnostics(f, id, law_id(f), false, true, id));
    }
}

void mf_environment(Mf *f, Outputs *o)
{
    JsonVal *res = jv_arr(), *outs = jv_obj();
    monitoring(f, res);
    if (!network(f, res)) {
        jv_free(res);
        jv_free(outs);
        return;
    }
    /* the zones the environment's endpoints register in */
    bool used[sizeof zones / sizeof *zones] = {false};
    used[0] = true; /* the environment's vault */
    used[5] = true; /* the Web Apps */
    for (int i = 0; i < f->env->nstores; i++)
        for (size_t z = 0; z < sizeof zones / sizeof *zones; z++)
            if (streq(zones[z].kind, f->env->stores[i]->kind.s))
                used[z] = true;
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++)
        if (used[z])
            dns_zone(f, res, zones[z].zone);
    vault(f, res, mf_vault(f), mf_tags(f, NULL, NULL));
    apim(f, res);
    edge(f, res);
    shared_plan(f, res);
    outputs(f, outs, used);
    JsonVal *root = mf_template(f, res);
    JsonVal *params = (JsonVal *)jv_get(root, "parameters");
    static const char *const ps[][2] = {
        {"apimPublisherEmail", "API Management publisher email"},
        {"apimPublisherName", "API Management publisher name"}};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++)
        jv_set(params, ps[i][0], arm_parameter("string", ps[i][1]));
    jv_set(root, "outputs", outs);
    /* (nothing here grows with the platform: the stores and the teams'
     * action groups are parts of their own, manifests_parts.c) */
    mf_write(f, root, "manifests/azure/environment.json", o,
             f->env->env->name.loc);
}
