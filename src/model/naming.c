/* naming.c - names of the Azure resources of an environment (naming.h).
 * Used by the App Service manifests and by the environment checks. */
#include "topoc/naming.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

const char *az_name(Arena *a, const char *want, size_t max, bool hyphens)
{
    char buf[256];
    size_t k = 0;
    for (const char *p = want; *p && k < sizeof buf - 1; p++)
        if (isalnum((unsigned char)*p) || (hyphens && *p == '-'))
            buf[k++] = (char)tolower((unsigned char)*p);
    buf[k] = '\0';
    if (k <= max)
        return arena_strdup(a, buf);
    uint64_t h = fnv1a(want, strlen(want), 1469598103934665603ULL);
    return arena_printf(a, "%.*s%06llx", (int)(max - 6), buf,
                        (unsigned long long)(h & 0xffffff));
}

const char *env_vault_name(Arena *a, const Model *m, const Environment *e)
{
    return az_name(a,
                   arena_printf(a, "kv-%s-%s", m->platform->name.s,
                                e->name.s),
                   24, true);
}

/* Azure's rules per kind: SQL servers 63 with hyphens, storage accounts
 * 24 without, vaults 24 with, caches 63 with. */
const char *store_azure_name(Arena *a, const Store *s)
{
    const char *k = s->kind.s;
    if (streq(k, "blob") || streq(k, "queue"))
        return az_name(a, s->resource_name.s, 24, false);
    if (streq(k, "key-vault"))
        return az_name(a, s->resource_name.s, 24, true);
    return az_name(a, s->resource_name.s, 63, true);
}

const char *store_host_suffix(const Store *s)
{
    const char *k = s->kind.s;
    if (streq(k, "sql"))
        return ".database.windows.net";
    if (streq(k, "blob"))
        return ".blob.core.windows.net";
    if (streq(k, "queue"))
        return ".queue.core.windows.net";
    if (streq(k, "key-vault"))
        return ".vault.azure.net";
    return ".redis.cache.windows.net";
}

const char *const azure_service_suffixes[] = {
    ".database.windows.net",    ".blob.core.windows.net",
    ".queue.core.windows.net",  ".table.core.windows.net",
    ".file.core.windows.net",   ".dfs.core.windows.net",
    ".vault.azure.net",         ".servicebus.windows.net",
    ".redis.cache.windows.net", ".documents.azure.com",
    ".azurewebsites.net",       ".scm.azurewebsites.net",
    ".azurecr.io",              ".postgres.database.azure.com",
    NULL,
};
