/* regions.c - Azure regions with their geography and pair (regions.h).
 *
 * From learn.microsoft.com, "Azure geographies" and "Azure region pairs".
 * A region without a pair replicates nowhere outside itself ("" below). */
#include "topoc/regions.h"
#include "topoc/util.h"

#include <string.h>

static const struct {
    const char *region, *geography, *pair;
} regions[] = {
    {"uksouth", "united-kingdom", "ukwest"},
    {"ukwest", "united-kingdom", "uksouth"},
    {"northeurope", "europe", "westeurope"},
    {"westeurope", "europe", "northeurope"},
    {"francecentral", "france", "francesouth"},
    {"francesouth", "france", "francecentral"},
    {"germanywestcentral", "germany", "germanynorth"},
    {"germanynorth", "germany", "germanywestcentral"},
    {"switzerlandnorth", "switzerland", "switzerlandwest"},
    {"switzerlandwest", "switzerland", "switzerlandnorth"},
    {"norwayeast", "norway", "norwaywest"},
    {"norwaywest", "norway", "norwayeast"},
    {"swedencentral", "sweden", "swedensouth"},
    {"swedensouth", "sweden", "swedencentral"},
    {"polandcentral", "poland", ""},
    {"italynorth", "italy", ""},
    {"spaincentral", "spain", ""},
    {"eastus", "united-states", "westus"},
    {"westus", "united-states", "eastus"},
    {"eastus2", "united-states", "centralus"},
    {"centralus", "united-states", "eastus2"},
    {"northcentralus", "united-states", "southcentralus"},
    {"southcentralus", "united-states", "northcentralus"},
    {"westus2", "united-states", "westcentralus"},
    {"westcentralus", "united-states", "westus2"},
    {"westus3", "united-states", "eastus"},
    {"canadacentral", "canada", "canadaeast"},
    {"canadaeast", "canada", "canadacentral"},
    {"brazilsouth", "brazil", "southcentralus"},
    {"australiaeast", "australia", "australiasoutheast"},
    {"australiasoutheast", "australia", "australiaeast"},
    {"eastasia", "asia-pacific", "southeastasia"},
    {"southeastasia", "asia-pacific", "eastasia"},
    {"japaneast", "japan", "japanwest"},
    {"japanwest", "japan", "japaneast"},
    {"koreacentral", "korea", "koreasouth"},
    {"koreasouth", "korea", "koreacentral"},
    {"centralindia", "india", "southindia"},
    {"southindia", "india", "centralindia"},
    {"uaenorth", "uae", "uaecentral"},
    {"southafricanorth", "south-africa", "southafricawest"},
    {"qatarcentral", "qatar", ""},
    {"israelcentral", "israel", ""},
};
enum { NREGIONS = sizeof regions / sizeof regions[0] };


const char *const geography_ids[] = {
    "united-kingdom", "europe",       "france",       "germany",
    "switzerland",    "norway",       "sweden",       "poland",
    "italy",          "spain",        "united-states", "canada",
    "brazil",         "australia",    "asia-pacific", "japan",
    "korea",          "india",        "uae",          "south-africa",
    "qatar",          "israel",       NULL,
};

static const char *const geography_names[] = {
    "United Kingdom", "Europe",       "France",       "Germany",
    "Switzerland",    "Norway",       "Sweden",       "Poland",
    "Italy",          "Spain",        "United States", "Canada",
    "Brazil",         "Australia",    "Asia Pacific", "Japan",
    "Korea",          "India",        "UAE",          "South Africa",
    "Qatar",          "Israel",
};

const char *geography_name(const char *id)
{
    for (int i = 0; geography_ids[i]; i++)
        if (streq(geography_ids[i], id))
            return geography_names[i];
    return id;
}

static int region_index(const char *r)
{
    for (int i = 0; r && i < NREGIONS; i++)
        if (strcmp(regions[i].region, r) == 0)
            return i;
    return -1;
}

const char *const *region_names(Arena *a, int *n)
{
    const char **v = arena_alloc(a, NREGIONS * sizeof *v);
    for (int i = 0; i < NREGIONS; i++)
        v[i] = regions[i].region;
    *n = NREGIONS;
    return v;
}

bool region_known(const char *region) { return region_index(region) >= 0; }

const char *region_geography(const char *region)
{
    int i = region_index(region);
    return i < 0 ? NULL : regions[i].geography;
}

const char *region_pair(const char *region)
{
    int i = region_index(region);
    return i < 0 ? NULL : regions[i].pair;
}

/* Regions with availability zones (learn.microsoft.com, "Azure regions
 * with availability zone support"); a region left out is taken to have
 * none, so a template never asks for zones a region cannot give. */
static const char *const zonal[] = {
    "uksouth", "northeurope", "westeurope", "francecentral",
    "germanywestcentral", "switzerlandnorth", "norwayeast", "swedencentral",
    "polandcentral", "italynorth", "spaincentral", "eastus", "eastus2",
    "centralus", "southcentralus", "westus2", "westus3", "canadacentral",
    "brazilsouth", "australiaeast", "eastasia", "southeastasia", "japaneast",
    "koreacentral", "centralindia", "uaenorth", "southafricanorth",
    "qatarcentral", "israelcentral", NULL};

bool region_has_zones(const char *region)
{
    for (int i = 0; region && zonal[i]; i++)
        if (streq(zonal[i], region))
            return true;
    return false;
}

bool redundancy_readable(const char *redundancy)
{
    return redundancy && !strncmp(redundancy, "ra-", 3);
}

bool redundancy_geo(const char *redundancy)
{
    if (redundancy_readable(redundancy))
        redundancy += 3;
    return redundancy && (streq(redundancy, "grs") || streq(redundancy, "gzrs"));
}

bool redundancy_zonal(const char *redundancy)
{
    if (redundancy_readable(redundancy))
        redundancy += 3;
    return redundancy && (streq(redundancy, "zrs") || streq(redundancy, "gzrs"));
}

static bool in_geography(const Residency *r, const char *region)
{
    return streq(region_geography(region), r->geography.s);
}

int residency_regions(Arena *a, const Residency *r, const char ***out)
{
    const char **v = arena_alloc(a, (NREGIONS + 1) * sizeof *v);
    int n = 0;
    if (r->allowed_regions.n == 0) {
        for (int i = 0; i < NREGIONS; i++)
            if (streq(regions[i].geography, r->geography.s))
                v[n++] = regions[i].region;
    } else {
        for (int i = 0; i < r->allowed_regions.n && n < NREGIONS; i++)
            if (in_geography(r, r->allowed_regions.v[i].s))
                v[n++] = r->allowed_regions.v[i].s;
    }
    *out = v;
    return n;
}

bool residency_allows(const Residency *r, const char *region)
{
    if (!in_geography(r, region))
        return false;
    if (r->allowed_regions.n == 0)
        return true;
    for (int i = 0; i < r->allowed_regions.n; i++)
        if (streq(r->allowed_regions.v[i].s, region))
            return true;
    return false;
}
