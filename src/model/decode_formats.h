/* decode_formats.h - value formats of the spec language (model-private,
 * decode_formats.c), used by decode.c. */
#ifndef TOPOC_DECODE_FORMATS_H
#define TOPOC_DECODE_FORMATS_H

#include "topoc/arena.h"

#include <stdbool.h>

/* An integer, with the rest of the text in *end. */
bool fmt_parse_ll(const char *s, long long *out, char **end);
/* "512", "64KiB", "10m" (MiB): a size in bytes. */
bool fmt_parse_bytes(const char *s, long long *out);
/* "30", "30s", "5m", "1h", "2d": a duration in seconds. */
bool fmt_parse_seconds(const char *s, long long *out);
/* "500m", "2": CPU in millicores. */
bool fmt_parse_cpu(const char *s, long long *out);
bool fmt_valid_name(const char *s);
bool fmt_valid_domain(const char *s);
bool fmt_valid_url(const char *s);
/* An IPv4 (or, unless v4_only, IPv6) address or network; *why says what
 * is wrong when it is not. */
bool fmt_valid_ipnet(const char *s, bool v4_only, bool need_prefix,
                     const char **why);
/* NULL for a valid route path, else what is wrong with it (made in a)
 * and in *fix what to write instead. */
const char *fmt_path_problem(Arena *a, const char *s, const char **fix);
bool fmt_valid_image(const char *s);
/* YYYY-MM-DD, a real date. */
bool fmt_valid_date(const char *s);
/* local@domain as Azure Monitor and API Management take it. */
bool fmt_valid_email(const char *s);

#endif
