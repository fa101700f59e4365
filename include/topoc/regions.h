/* regions.h - Azure regions, their geographies and their pairs.
 *
 * Residency names a geography (residency.geography, United Kingdom by
 * default); residency.allowed-regions can only narrow it.  The checks and
 * the manifests (the ARM templates' allowed locations) both take the
 * allowed regions from residency_regions(), so a spec edit to the list
 * cannot widen what is deployed.
 */
#ifndef TOPOC_REGIONS_H
#define TOPOC_REGIONS_H

#include <stdbool.h>

#include "topoc/arena.h"
#include "topoc/model.h"

/* The geography ids residency.geography accepts (NULL-terminated). */
extern const char *const geography_ids[];
/* "United Kingdom" for "united-kingdom"; the id itself if unknown. */
const char *geography_name(const char *id);

/* Every region topoc knows, for did-you-mean (n set to the count). */
const char *const *region_names(Arena *a, int *n);
bool region_known(const char *region);
/* The region's geography id, or NULL when the region is unknown. */
const char *region_geography(const char *region);
/* The region Azure replicates geo-redundant storage to; "" when it has
 * none, NULL when the region is unknown. */
const char *region_pair(const char *region);
/* Whether the region has availability zones. */
bool region_has_zones(const char *region);

/* What a store's redundancy (lrs, zrs, grs, gzrs, ra-grs, ra-gzrs) asks
 * for, read in one place: copies across the region's zones (zrs, gzrs,
 * ra-gzrs); copies in the region's pair (grs, gzrs and their ra- forms);
 * the pair's copy readable (ra-).  NULL asks for none. */
bool redundancy_zonal(const char *redundancy);
bool redundancy_geo(const char *redundancy);
bool redundancy_readable(const char *redundancy);

/* The regions residency allows: allowed-regions inside the geography when
 * written, else every region of the geography.  Returns the count. */
int residency_regions(Arena *a, const Residency *r, const char ***out);
/* Whether region is one of them. */
bool residency_allows(const Residency *r, const char *region);

#endif
