/* manifests_stores.c - the environment's data stores, in parts of their
 * own (manifests/azure/stores-FIRST.json, cut by manifests_parts.c): SQL
 * (Entra-only, TDE, auditing, geo backups, failover groups), storage
 * accounts (blob, queue), Key Vaults and Redis caches.
 * Public access is off on every one; each gets a private endpoint and
 * diagnostic settings, and an entry of its part's "stores" output (id,
 * name, host) through which the services find it.
 *
 * Every store key that reaches a template is emitted or refused here:
 * failover-region, backup-region and sku are honoured for SQL and refused
 * with a diagnostic elsewhere (storage replicates by its redundancy), and a
 * backup-region must be the region's pair (where Azure's geo backups go).
 */
#include "manifests_azure.h"
#include "topoc/regions.h"

#include <string.h>

/* A stores part is fed the environment deployment's outputs (parameter
 * 'environment'): the network, the workspace and the privatelink zones
 * are the environment's, never named here. */
#define ENV_OUT(x) "[parameters('environment')." x ".value]"
#define LAW ENV_OUT("workspaceId")
#define PE_SUBNET ENV_OUT("peSubnetId")

static const char *pe_zone(Mf *f, const char *kind)
{
    return arena_printf(f->a,
                        "[parameters('environment').privateDnsZones.value[%s]]",
                        arm_quote(f->a, kind));
}

static const char *storage_sku(const char *redundancy)
{
    static const char *const map[][2] = {
        {"lrs", "Standard_LRS"}, {"zrs", "Standard_ZRS"},
        {"grs", "Standard_GRS"}, {"gzrs", "Standard_GZRS"},
        {"ra-grs", "Standard_RAGRS"}, {"ra-gzrs", "Standard_RAGZRS"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (streq(redundancy, map[i][0]))
            return map[i][1];
    return "Standard_ZRS";
}

static JsonVal *sub(const char *type, const char *version, const char *name,
                    JsonVal *props, const char *dep)
{
    JsonVal *r = jv_obj();
    jv_set(r, "type", jv_str(type));
    jv_set(r, "apiVersion", jv_str(version));
    jv_set(r, "name", jv_str(name));
    jv_set(r, "properties", props);
    jv_set(r, "dependsOn", mf_deps1(dep));
    return r;
}

static JsonVal *sql_server(Mf *f, const char *name, JsonVal *location,
                           JsonVal *tg)
{
    JsonVal *sp = jv_obj(), *admin = jv_obj();
    jv_set(sp, "minimalTlsVersion", jv_str("1.2"));
    jv_set(sp, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(admin, "administratorType", jv_str("ActiveDirectory"));
    jv_set(admin, "azureADOnlyAuthentication", jv_bool(true));
    jv_set(admin, "principalType", jv_str("Group"));
    jv_set(admin, "login", arm_code("[parameters('sqlAdminGroupName')]"));
    jv_set(admin, "sid", arm_code("[parameters('sqlAdminGroupObjectId')]"));
    jv_set(admin, "tenantId", arm_code("[subscription().tenantId]"));
    jv_set(sp, "administrators", admin);
    JsonVal *r = mf_resource("Microsoft.Sql/servers", SQL, name, location, tg);
    jv_set(r, "properties", sp);
    (void)f;
    return r;
}

static void sql(Mf *f, const Store *s, JsonVal *res, JsonVal *tg)
{
    const char *server = mf_store_resource(f, s);
    const char *sid = arm_id(f->a, "Microsoft.Sql/servers", server, NULL);
    jv_push(res, sql_server(f, server, jv_str(s->region.s), tg));
    JsonVal *ap = jv_obj();
    jv_set(ap, "state", jv_str("Enabled"));
    jv_set(ap, "isAzureMonitorTargetEnabled", jv_bool(true));
    jv_push(res, sub("Microsoft.Sql/servers/auditingSettings", SQL,
                     arena_printf(f->a, "%s/default", server), ap, sid));
    const char *db = arena_printf(f->a, "%s/%s", server, s->name.s);
    const char *dbid = arm_id(f->a, "Microsoft.Sql/servers/databases", server,
                              s->name.s);
    JsonVal *dp = jv_obj(), *sku = jv_obj();
    bool geo = redundancy_geo(s->redundancy.s);
    bool zone = redundancy_zonal(s->redundancy.s);
    if (s->backup_region.s) /* the pair's: check_keys.c */
        geo = true;
    jv_set(dp, "zoneRedundant", jv_bool(zone));
    jv_set(dp, "requestedBackupStorageRedundancy",
           jv_str(geo ? (zone ? "GeoZone" : "Geo") : zone ? "Zone" : "Local"));
    jv_set(sku, "name", jv_str(s->sku.s ? s->sku.s : "GP_Gen5_2"));
    JsonVal *dr = mf_resource("Microsoft.Sql/servers/databases", SQL, db,
                              jv_str(s->region.s), mf_tags(f, NULL, NULL));
    jv_set(dr, "sku", sku);
    jv_set(dr, "properties", dp);
    jv_set(dr, "dependsOn", mf_deps1(sid));
    jv_push(res, dr);
    JsonVal *tp = jv_obj();
    jv_set(tp, "state", jv_str("Enabled"));
    jv_push(res, sub("Microsoft.Sql/servers/databases/transparentDataEncryption",
                     SQL, arena_printf(f->a, "%s/current", db), tp, dbid));
    jv_push(res, mf_diagnostics(f, dbid, LAW, true, true, dbid));
    mf_private_endpoint(f, res, "Microsoft.Sql/servers", server, "sql",
                        PE_SUBNET, pe_zone(f, "sql"), NULL);
    if (!s->failover_region.s)
        return;
    /* a partner server in the failover region and a failover group */
    const char *partner = az_name(
        f->a, arena_printf(f->a, "%s-%s", s->resource_name.s,
                           s->failover_region.s),
        63, true);
    const char *pid = arm_id(f->a, "Microsoft.Sql/servers", partner, NULL);
    jv_push(res, sql_server(f, partner, jv_str(s->failover_region.s),
                            mf_tags(f, NULL, NULL)));
    mf_private_endpoint(f, res, "Microsoft.Sql/servers", partner, "sql",
                        PE_SUBNET, pe_zone(f, "sql"), NULL);
    JsonVal *fp = jv_obj(), *rw = jv_obj(), *partners = jv_arr(),
            *p = jv_obj(), *dbs = jv_arr();
    jv_set(rw, "failoverPolicy", jv_str("Automatic"));
    jv_set(rw, "failoverWithDataLossGracePeriodMinutes", jv_int(60));
    jv_set(fp, "readWriteEndpoint", rw);
    jv_set(p, "id", arm_code(pid));
    jv_push(partners, p);
    jv_set(fp, "partnerServers", partners);
    jv_push(dbs, arm_code(dbid));
    jv_set(fp, "databases", dbs);
    JsonVal *fg = sub("Microsoft.Sql/servers/failoverGroups", SQL,
                      arena_printf(f->a, "%s/%s", server, s->name.s), fp, dbid);
    jv_push((JsonVal *)jv_get(fg, "dependsOn"), arm_code(pid));
    jv_push(res, fg);
}

/* The account's blob service: deleted blobs and containers kept for 7
 * days (PSRule's Storage.SoftDelete and ContainerSoftDelete), its logs to
 * the workspace (the account itself has metrics only). */
static void blob_service(Mf *f, JsonVal *res, const char *account,
                         const char *account_id)
{
    JsonVal *p = jv_obj();
    static const char *const kept[] = {"deleteRetentionPolicy",
                                       "containerDeleteRetentionPolicy"};
    for (int i = 0; i < 2; i++) {
        JsonVal *k = jv_obj();
        jv_set(k, "enabled", jv_bool(true));
        jv_set(k, "days", jv_int(7));
        jv_set(p, kept[i], k);
    }
    JsonVal *r = jv_obj();
    jv_set(r, "type", jv_str("Microsoft.Storage/storageAccounts/blobServices"));
    jv_set(r, "apiVersion", jv_str(STORAGE));
    jv_set(r, "name", jv_str(arena_printf(f->a, "%s/default", account)));
    jv_set(r, "properties", p);
    jv_set(r, "dependsOn", mf_deps1(account_id));
    jv_push(res, r);
    const char *id = arm_id(f->a, "Microsoft.Storage/storageAccounts/blobServices",
                            account, "default");
    jv_push(res, mf_diagnostics(f, id, LAW, true, false, id));
}

static void storage(Mf *f, const Store *s, JsonVal *res, JsonVal *tg)
{
    const char *name = mf_store_resource(f, s);
    const char *id = arm_id(f->a, "Microsoft.Storage/storageAccounts", name,
                            NULL);
    JsonVal *p = jv_obj(), *sku = jv_obj(), *acl = jv_obj();
    jv_set(p, "minimumTlsVersion", jv_str("TLS1_2"));
    jv_set(p, "supportsHttpsTrafficOnly", jv_bool(true));
    jv_set(p, "allowBlobPublicAccess", jv_bool(false));
    jv_set(p, "allowSharedKeyAccess", jv_bool(false)); /* identities only */
    jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(acl, "defaultAction", jv_str("Deny"));
    jv_set(acl, "bypass", jv_str("AzureServices"));
    jv_set(p, "networkAcls", acl);
    jv_set(sku, "name", jv_str(storage_sku(s->redundancy.s)));
    JsonVal *r = mf_resource("Microsoft.Storage/storageAccounts", STORAGE, name,
                             jv_str(s->region.s), tg);
    jv_set(r, "kind", jv_str("StorageV2"));
    jv_set(r, "sku", sku);
    jv_set(r, "properties", p);
    jv_push(res, r);
    jv_push(res, mf_diagnostics(f, id, LAW, false, true, id));
    blob_service(f, res, name, id);
    mf_private_endpoint(f, res, "Microsoft.Storage/storageAccounts", name,
                        s->kind.s,
                        PE_SUBNET, pe_zone(f, s->kind.s), NULL);
}

static void key_vault(Mf *f, const Store *s, JsonVal *res, JsonVal *tg)
{
    const char *name = mf_store_resource(f, s);
    const char *id = arm_id(f->a, "Microsoft.KeyVault/vaults", name, NULL);
    JsonVal *p = jv_obj(), *sku = jv_obj(), *acl = jv_obj();
    jv_set(p, "tenantId", arm_code("[subscription().tenantId]"));
    jv_set(sku, "family", jv_str("A"));
    jv_set(sku, "name", jv_str("standard"));
    jv_set(p, "sku", sku);
    jv_set(p, "enableRbacAuthorization", jv_bool(true));
    jv_set(p, "enableSoftDelete", jv_bool(true));
    jv_set(p, "enablePurgeProtection", jv_bool(true));
    jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(acl, "defaultAction", jv_str("Deny"));
    jv_set(acl, "bypass", jv_str("AzureServices"));
    jv_set(p, "networkAcls", acl);
    JsonVal *r = mf_resource("Microsoft.KeyVault/vaults", KV, name,
                             jv_str(s->region.s), tg);
    jv_set(r, "properties", p);
    jv_push(res, r);
    jv_push(res, mf_diagnostics(f, id, LAW, true, true, id));
    mf_private_endpoint(f, res, "Microsoft.KeyVault/vaults", name, "key-vault",
                        PE_SUBNET, pe_zone(f, "key-vault"), NULL);
}

static void cache(Mf *f, const Store *s, JsonVal *res, JsonVal *tg)
{
    const char *name = mf_store_resource(f, s);
    const char *id = arm_id(f->a, "Microsoft.Cache/redis", name, NULL);
    JsonVal *p = jv_obj(), *sku = jv_obj(), *cfg = jv_obj();
    /* zone redundancy needs Premium, and a region with zones (a zonal
     * redundancy elsewhere is refused: zones-unavailable) */
    bool zone = redundancy_zonal(s->redundancy.s) &&
                region_has_zones(s->region.s);
    jv_set(sku, "name", jv_str(zone ? "Premium" : "Standard"));
    jv_set(sku, "family", jv_str(zone ? "P" : "C"));
    jv_set(sku, "capacity", jv_int(1));
    jv_set(p, "sku", sku);
    jv_set(p, "enableNonSslPort", jv_bool(false));
    jv_set(p, "minimumTlsVersion", jv_str("1.2"));
    jv_set(p, "publicNetworkAccess", jv_str("Disabled"));
    jv_set(p, "disableAccessKeyAuthentication", jv_bool(true));
    jv_set(cfg, "aad-enabled", jv_str("true")); /* Entra identities only */
    jv_set(p, "redisConfiguration", cfg);
    JsonVal *r = mf_resource("Microsoft.Cache/redis", REDIS, name,
                             jv_str(s->region.s), tg);
    if (zone) {
        JsonVal *z = jv_arr();
        jv_push(z, jv_str("1"));
        jv_push(z, jv_str("2"));
        jv_set(r, "zones", z);
    }
    jv_set(r, "properties", p);
    jv_push(res, r);
    jv_push(res, mf_diagnostics(f, id, LAW, true, true, id));
    mf_private_endpoint(f, res, "Microsoft.Cache/redis", name, "cache",
                        PE_SUBNET, pe_zone(f, "cache"), NULL);
}

/* "reference(<id>, '<version>').<path>" for the stores output */
static JsonVal *host(Mf *f, const Store *s)
{
    const char *id = arm_id(f->a, mf_store_type(s), mf_store_resource(f, s),
                            NULL);
    const char *path = "primaryEndpoints.blob", *ver = STORAGE;
    if (streq(s->kind.s, "sql"))
        path = "fullyQualifiedDomainName", ver = SQL;
    else if (streq(s->kind.s, "key-vault"))
        path = "vaultUri", ver = KV;
    else if (streq(s->kind.s, "cache"))
        path = "hostName", ver = REDIS;
    else if (streq(s->kind.s, "queue"))
        path = "primaryEndpoints.queue";
    return arm_code(arena_printf(f->a, "[reference(%s, '%s').%s]",
                                 mf_inner(f, id), ver, path));
}

/* failover-region, backup-region and sku are SQL's: elsewhere check_keys.c
 * refuses them, and a build with errors writes nothing. */
static bool store_keys_honoured(const Store *s)
{
    return streq(s->kind.s, "sql") ||
           !(s->failover_region.s || s->backup_region.s || s->sku.s);
}

int mf_store_units(Mf *f, MfUnit *u)
{
    int n = 0;
    for (int i = 0; i < f->env->nstores; i++) {
        const Store *s = f->env->stores[i];
        JsonVal *tg = mf_tags(f, NULL, NULL), *res = jv_arr();
        jv_set(tg, "store", jv_str(s->name.s));
        if (!store_keys_honoured(s)) {
            jv_free(tg);
            jv_free(res);
            continue;
        }
        if (streq(s->kind.s, "sql"))
            sql(f, s, res, tg);
        else if (streq(s->kind.s, "key-vault"))
            key_vault(f, s, res, tg);
        else if (streq(s->kind.s, "cache"))
            cache(f, s, res, tg);
        else
            storage(f, s, res, tg);
        JsonVal *o = jv_obj();
        jv_set(o, "id", arm_code(arm_id(f->a, mf_store_type(s),
                                        mf_store_resource(f, s), NULL)));
        jv_set(o, "name", jv_str(mf_store_resource(f, s)));
        jv_set(o, "host", host(f, s));
        u[n++] = (MfUnit){s->name.s, s->name.loc, res, o};
    }
    return n;
}
