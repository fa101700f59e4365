/* naming.h - the names of the Azure resources an environment deploys, and
 * the host names they answer on.
 *
 * One home for them: the App Service manifests name the resources with
 * these functions, and the environment-separation checks look for the same
 * names inside values, so a manifest and the checker cannot disagree about
 * what 'production's SQL server' is called.
 */
#ifndef TOPOC_NAMING_H
#define TOPOC_NAMING_H

#include <stdbool.h>
#include <stddef.h>

#include "topoc/arena.h"
#include "topoc/model.h"

/* An Azure name with a length limit and a restricted alphabet (lower-case
 * letters and digits, and '-' when hyphens): kept when it fits, else cut
 * and made unique with a hash of the whole. */
const char *az_name(Arena *a, const char *want, size_t max, bool hyphens);

/* The environment's own Key Vault: kv-PLATFORM-ENV, at most 24. */
const char *env_vault_name(Arena *a, const Model *m, const Environment *e);

/* The Azure resource name of a resolved store instance (its SQL server,
 * storage account, vault or cache), under that kind's length and alphabet
 * rules. */
const char *store_azure_name(Arena *a, const Store *s);

/* The DNS suffix the store's kind answers on ('.database.windows.net',
 * '.blob.core.windows.net', ...); store_azure_name + suffix is the host
 * name a connection string or URL names. */
const char *store_host_suffix(const Store *s);

/* Every host suffix of an Azure data or secret service, so a value such as
 * NAME.servicebus.windows.net can be tied to NAME whatever the kind. */
extern const char *const azure_service_suffixes[];

#endif
