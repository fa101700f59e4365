/* gateway_modsec.h - the ModSecurity files of the nginx edge
 * (gateway_modsec.c), which gateway_nginx.c writes beside nginx.conf. */
#ifndef TOPOC_GATEWAY_MODSEC_H
#define TOPOC_GATEWAY_MODSEC_H

#include "topoc/emit.h"
#include "topoc/model.h"

/* DIR/modsec/{main,engine,crs-tuning,custom-rules}.conf for the platform's
 * edge; methods: the route_method_names bits the edge's routes take (CRS
 * allows those, and OPTIONS for CORS). */
void nginx_modsec_files(const Model *m, unsigned methods, Outputs *o,
                        const char *dir);

#endif
