/* build.h - stage 2: documents -> the resolved model.
 *
 * model_build() decodes the platform and service documents (schema.h),
 * then resolves them for each environment: per-environment overrides are
 * merged onto the spec before decoding, so an override is checked exactly
 * like the value it replaces; names are resolved, duplicates reported.
 * Returns NULL only when there is no platform document to build on.
 */
#ifndef TOPOC_BUILD_H
#define TOPOC_BUILD_H

#include "topoc/load.h"
#include "topoc/model.h"

Model *model_build(Arena *a, Diags *ds, const Inputs *in);

#endif
