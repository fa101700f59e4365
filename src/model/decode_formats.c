/* decode_formats.c - the formats of scalar values in the spec language:
 * numbers with units (bytes, durations, CPU), names, domains, URLs, IP
 * networks, route paths, container images and dates.  decode.c calls these
 * for the field types of schema.c; each answers yes or no (or why not),
 * and the caller reports.
 */
#include "decode_formats.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fmt_parse_ll(const char *s, long long *out, char **end)
{
    errno = 0;
    if (!isdigit((unsigned char)s[0]) && s[0] != '-')
        return false;
    *out = strtoll(s, end, 10);
    return errno == 0;
}

/* Number with a unit suffix from units[]: {suffix, multiplier}. */
typedef struct Unit {
    const char *suffix;
    long long mult;
} Unit;

static const Unit byte_units[] = {
    {"", 1},           {"b", 1},          {"B", 1},
    {"k", 1LL << 10},  {"K", 1LL << 10},  {"KB", 1LL << 10},
    {"Ki", 1LL << 10}, {"KiB", 1LL << 10}, {"m", 1LL << 20},
    {"M", 1LL << 20},  {"MB", 1LL << 20}, {"Mi", 1LL << 20},
    {"MiB", 1LL << 20}, {"g", 1LL << 30}, {"G", 1LL << 30},
    {"GB", 1LL << 30}, {"Gi", 1LL << 30}, {"GiB", 1LL << 30},
    {NULL, 0}};
static const Unit time_units[] = {{"", 1},      {"s", 1},    {"m", 60},
                                  {"h", 3600},  {"d", 86400}, {NULL, 0}};

static bool fmt_parse_units(const char *s, const Unit *units, long long *out)
{
    long long v;
    char *end;
    if (!fmt_parse_ll(s, &v, &end) || v < 0)
        return false;
    for (const Unit *u = units; u->suffix; u++) {
        if (strcmp(end, u->suffix) == 0) {
            if (v > LLONG_MAX / u->mult)
                return false;
            *out = v * u->mult;
            return true;
        }
    }
    return false;
}

bool fmt_parse_bytes(const char *s, long long *out)
{
    return fmt_parse_units(s, byte_units, out);
}

bool fmt_parse_seconds(const char *s, long long *out)
{
    return fmt_parse_units(s, time_units, out);
}

bool fmt_parse_cpu(const char *s, long long *out)
{
    long long whole = 0, frac = 0;
    int digits = 0;
    char *end;
    size_t n = strlen(s);
    if (n > 1 && s[n - 1] == 'm') {
        if (!fmt_parse_ll(s, &whole, &end) || *end != 'm' || whole < 0)
            return false;
        *out = whole;
        return true;
    }
    if (!fmt_parse_ll(s, &whole, &end) || whole < 0 || whole > 1000000)
        return false;
    if (*end == '.') {
        for (end++; isdigit((unsigned char)*end); end++) {
            if (++digits > 3)
                return false;
            frac = frac * 10 + (*end - '0');
        }
        if (digits == 0)
            return false;
        while (digits++ < 3)
            frac *= 10;
    }
    if (*end)
        return false;
    *out = whole * 1000 + frac;
    return true;
}

bool fmt_valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !islower((unsigned char)s[0]) || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            s[i] != '-')
            return false;
    return true;
}

bool fmt_valid_domain(const char *s)
{
    size_t n = strlen(s), label = 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (label == 0 && c == '-')
            return false;
        if (!islower((unsigned char)c) && !isdigit((unsigned char)c) &&
            c != '-')
            return false;
        label++;
    }
    return true;
}

/* URL characters allowed by RFC 3986, minus those that are never needed in
 * a spec and are dangerous in generated configs (quotes, braces, '\'). */
static bool fmt_url_char(char c)
{
    return isalnum((unsigned char)c) || strchr("-._~:/?#[]@!$&()*+,;=%", c);
}

bool fmt_valid_url(const char *s)
{
    const char *p;
    if (strncmp(s, "https://", 8) == 0)
        p = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        p = s + 7;
    else
        return false;
    size_t host = strcspn(p, ":/?#");
    if (host == 0 || host > 253)
        return false;
    char buf[256];
    memcpy(buf, p, host);
    buf[host] = '\0';
    if (!fmt_valid_domain(buf))
        return false;
    for (; *p; p++)
        if (!fmt_url_char(*p) || *p == '\'' || *p == '(' || *p == ')')
            return false;
    return true;
}

bool fmt_valid_ipnet(const char *s, bool v4_only, bool need_prefix,
                        const char **why)
{
    char buf[64];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    long prefix = -1;
    if (slash) {
        char *end;
        *slash = '\0';
        if (!isdigit((unsigned char)slash[1]))
            return false;
        prefix = strtol(slash + 1, &end, 10);
        if (*end)
            return false;
    } else if (need_prefix) {
        *why = "add the prefix length, e.g. /16";
        return false;
    }
    unsigned char addr[16];
    if (inet_pton(AF_INET, buf, addr) == 1) {
        if (prefix > 32)
            return false;
        if (prefix >= 0) {
            unsigned long a = (unsigned long)addr[0] << 24 |
                              (unsigned long)addr[1] << 16 |
                              (unsigned long)addr[2] << 8 | addr[3];
            unsigned long mask = prefix ? 0xFFFFFFFFUL << (32 - prefix) : 0;
            if (a & ~mask & 0xFFFFFFFFUL) {
                *why = "the address has bits set after the prefix; use the "
                       "network's first address";
                return false;
            }
        }
        return true;
    }
    if (!v4_only && inet_pton(AF_INET6, buf, addr) == 1)
        return prefix <= 128;
    return false;
}

static bool fmt_param_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* Why a character cannot stand in a route path, and what to write instead:
 * the characters a spec is likely to try, each with its own reason. */
static const struct {
    char c;
    const char *why, *fix;
} PATH_CHARS[] = {
    {' ', "a space cannot stand in a URL path",
     "write '-' or '_' instead: /orders/a-b"},
    {'?', "'?' starts the query string, so no request's path holds it",
     "route the path before '?' and read the query in the service"},
    {'#', "'#' starts the fragment, which clients never send",
     "leave '#' and what follows it out of the route"},
    {';', "';' starts path parameters, which some servers (Tomcat, Jetty) "
          "strip before routing, so the edge and the service would read "
          "different paths",
     "write '-' or '_', or another segment: /orders/{orderId}/items"},
    {'=', "'=' belongs to the query string (key=value)",
     "make the value a segment: /orders/{orderId} for /orders?id=..."},
    {'&', "'&' separates query parameters",
     "make each value a segment of its own: /orders/{orderId}/{itemId}"},
    {'%', "the gateways decode a request's path before they match it, so an "
          "encoded character in a route never matches",
     "write the character itself (letters, digits, -._~!+,:@)"},
    {'*', "'*' is a wildcard to App Gateway and API Management but a literal "
          "'*' to nginx and HAProxy, so the edges would route different "
          "requests",
     "write '/**' as the whole last segment for any rest of the path "
     "(/orders/**), or a {parameter} for one segment (/orders/{orderId})"},
};

static const char *path_char_problem(Arena *a, char c, const char **fix)
{
    for (size_t i = 0; i < sizeof PATH_CHARS / sizeof *PATH_CHARS; i++)
        if (PATH_CHARS[i].c == c) {
            *fix = PATH_CHARS[i].fix;
            return PATH_CHARS[i].why;
        }
    *fix = "use letters, digits, '/', '{parameter}' and -._~!+,:@ only";
    if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        return arena_printf(a, "byte 0x%02x is not a URL path character",
                            (unsigned char)c);
    return arena_printf(a, "'%c' is not a URL path character", c);
}

/* A '.' or '..' segment, which clients and gateways resolve before they
 * route, so a route holding one never matches. */
static bool dot_segment(const char *p)
{
    size_t n = strcspn(p, "/");
    return (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
}

/* A route path template: '/' then segments of URL path characters, where a
 * segment may hold {param} placeholders, and a last segment '**' takes any
 * rest.  Returns NULL, or what is wrong with *fix saying what to write. */
const char *fmt_path_problem(Arena *a, const char *s, const char **fix)
{
    *fix = "write the path as it appears in the URL: /orders/{orderId}";
    if (s[0] != '/') {
        *fix = arena_printf(a, "start it with '/': /%s", s);
        return "a path starts with '/'";
    }
    if (strlen(s) > 2048)
        return "the path is longer than 2048 characters";
    for (const char *p = s; *p; p++) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) {
                *fix = "close the parameter: /orders/{orderId}";
                return "'{' is not closed by '}'";
            }
            const char *next = strchr(close, '{'), *slash = strchr(close, '/');
            if (next && (!slash || next < slash)) {
                *fix = "give each parameter a segment: /{from}/{to}";
                return "one {parameter} per segment";
            }
            if (!fmt_param_name(p + 1, (size_t)(close - p - 1))) {
                *fix = "rename it: {orderId}, {order_id}";
                return "a {parameter} name is letters, digits and '_', "
                       "starting with a letter";
            }
            p = close;
            continue;
        }
        if (*p == '}') {
            *fix = "open the parameter: /orders/{orderId}";
            return "'}' without '{'";
        }
        if (*p == '*' && p[1] == '*' && p[-1] == '/' && p[2] == '\0')
            break;
        if (*p == '/' && p[1] == '/') {
            *fix = "remove the empty segment: gateways merge '//' into '/'";
            return "empty segment '//'";
        }
        if (*p == '/' && dot_segment(p + 1)) {
            *fix = "write the path the segment resolves to";
            return "a '.' or '..' segment is resolved by clients and "
                   "gateways before routing, so the route never matches";
        }
        if (!isalnum((unsigned char)*p) && !strchr("-._~!+,:@/", *p))
            return path_char_problem(a, *p, fix);
    }
    return NULL;
}

bool fmt_valid_image(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255 || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            !strchr("._-/:@", s[i]))
            return false;
    return true;
}

bool fmt_valid_date(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = atoi(s), m = atoi(s + 5), dd = atoi(s + 8);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && dd >= 1 &&
           dd <= (m == 2 && !leap ? 28 : days[m - 1]);
}

/* An email address Azure Monitor and API Management take: local@domain,
 * the local part RFC 5322's atoms (no quotes, spaces or brackets), the
 * domain's labels letters, digits and hyphens, at least two. */
bool fmt_valid_email(const char *e)
{
    const char *at = strchr(e, '@');
    if (!at || at == e || strchr(at + 1, '@') || at - e > 64)
        return false;
    for (const char *p = e; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".!#$%&'*+-/=?^_`{|}~", *p))
            return false;
    int labels = 0, len = 0;
    for (const char *p = at + 1;; p++) {
        if (*p == '.' || !*p) {
            if (!len || p[-1] == '-')
                return false;
            labels++;
            len = 0;
            if (!*p)
                break;
        } else if ((isalnum((unsigned char)*p) || (*p == '-' && len)) &&
                   len < 63) {
            len++;
        } else {
            return false;
        }
    }
    return labels >= 2 && strlen(at + 1) <= 253;
}
