/* gateway_modsec.c - ModSecurity v3 with OWASP CRS 3.3 for the nginx edge
 * of one environment (src/gateway/): ENV/gateway/nginx/modsec/.
 *
 *   main.conf          the includes, explicit (libmodsecurity 3.0.9 has no
 *                      IncludeOptional): engine, site, CRS set-up, tuning,
 *                      custom rules, CRS
 *   engine.conf        the engine's settings from edge.waf
 *   crs-tuning.conf    paranoia level, thresholds and argument limits
 *   custom-rules.conf  edge.waf.custom-rules
 *
 * Rule ids (1-99,999 is the local range): 10000-10006 tuning and argument
 * limits, 20000+priority per custom rule (gateway_nginx.c uses 10010 and 10011 in its locations).
 * Custom-rule values are hex-escaped whole, so no spec string can end a
 * token or start a directive.
 */
#include "gateway_modsec.h"
#include "gateway_limits.h"
#include "topoc/escape.h"
#include "topoc/routing.h"
#include "topoc/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void modsec_engine(const Model *m, Strbuf *sb)
{
    const Waf *w = m->platform->edge->waf;
    sb_printf(sb,
              "# ModSecurity engine settings (after Debian's recommended "
              "modsecurity.conf).\n"
              "SecRuleEngine %s\n"
              "SecRequestBodyAccess On\n"
              "SecRule REQUEST_HEADERS:Content-Type "
              "\"^(?:application(?:/soap\\+|/)|text/)xml\" \\\n"
              "    \"id:200000,phase:1,t:none,t:lowercase,pass,nolog,"
              "ctl:requestBodyProcessor=XML\"\n"
              "SecRule REQUEST_HEADERS:Content-Type \"^application/json\" \\\n"
              "    \"id:200001,phase:1,t:none,t:lowercase,pass,nolog,"
              "ctl:requestBodyProcessor=JSON\"\n"
              "SecRequestBodyLimit %lld\n"
              "SecRequestBodyNoFilesLimit %lld\n"
              "SecRequestBodyLimitAction Reject\n"
              "SecRequestBodyJsonDepthLimit 512\n"
              "SecArgumentsLimit %lld\n"
              "SecRule &ARGS \"@ge %%{tx.topoc_args_limit}\" \\\n"
              "    \"id:200007,phase:2,t:none,log,deny,status:400,"
              "msg:'Too many arguments',severity:2\"\n"
              "SecRule REQBODY_ERROR \"!@eq 0\" \\\n"
              "    \"id:200002,phase:2,t:none,log,deny,status:400,"
              "msg:'Failed to parse request body.',"
              "logdata:'%%{reqbody_error_msg}',severity:2\"\n"
              "SecRule MULTIPART_STRICT_ERROR \"!@eq 0\" \\\n"
              "    \"id:200003,phase:2,t:none,log,deny,status:400,"
              "msg:'Multipart request body failed strict validation'\"\n"
              "SecRule MULTIPART_UNMATCHED_BOUNDARY \"@eq 1\" \\\n"
              "    \"id:200004,phase:2,t:none,log,deny,"
              "msg:'Multipart parser detected a possible unmatched "
              "boundary.'\"\n"
              "SecPcreMatchLimit 1000\n"
              "SecPcreMatchLimitRecursion 1000\n"
              "SecRule TX:/^MSC_/ \"!@streq 0\" \\\n"
              "    \"id:200005,phase:2,t:none,deny,"
              "msg:'ModSecurity internal error flagged: "
              "%%{MATCHED_VAR_NAME}'\"\n"
              "SecResponseBodyAccess Off\n"
              "SecAuditEngine RelevantOnly\n"
              "SecAuditLogRelevantStatus \"^(?:5|4(?!04))\"\n"
              "SecAuditLogParts ABIJDEFHZ\n"
              "SecAuditLogType Serial\n"
              "SecArgumentSeparator &\n"
              "SecCookieFormat 0\n"
              "SecUnicodeMapFile /etc/nginx/unicode.mapping 20127\n"
              "SecStatusEngine Off\n",
              streq(w->mode.s, "detection") ? "DetectionOnly" : "On",
              w->limits->max_file_size.v, w->limits->max_body_size.v,
              w->limits->max_json_args.v + w->limits->max_args.v);
}

static void modsec_tuning(const Model *m, unsigned methods, Strbuf *sb)
{
    const ManagedRules *mr = m->platform->edge->waf->managed_rules;
    sb_printf(sb,
              "# CRS tuning from edge.waf.managed-rules (CRS 3.3 names).\n"
              "SecAction \"id:10000,phase:1,nolog,pass,t:none,"
              "setvar:tx.paranoia_level=%lld\"\n"
              "SecAction \"id:10001,phase:1,nolog,pass,t:none,"
              "setvar:tx.inbound_anomaly_score_threshold=%lld,"
              "setvar:tx.outbound_anomaly_score_threshold=%lld\"\n"
              "SecAction \"id:10002,phase:1,nolog,pass,t:none,"
              "setvar:'tx.allowed_methods=",
              mr->paranoia_level.v, mr->inbound_threshold.v,
              mr->outbound_threshold.v);
    bool first = true;
    for (unsigned k = 0; k < 7; k++)
        if (methods & (1u << k) || k == 6) { /* OPTIONS for CORS */
            sb_printf(sb, "%s%s", first ? "" : " ", route_method_names[k]);
            first = false;
        }
    sb_puts(sb, "'\"\n");
    const RequestLimits *l = m->platform->edge->waf->limits;
    sb_printf(sb,
              "# Argument limits (edge.waf.limits); a location with limits of "
              "its own sets\n"
              "# them first (id 10010).  Every JSON leaf is one argument.\n"
              "SecRule &TX:topoc_args_limit \"@eq 0\" \"id:10003,phase:1,pass,"
              "nolog,t:none,setvar:tx.topoc_args_limit=%lld\"\n"
              "SecRule &TX:topoc_max_args \"@eq 0\" \"id:10004,phase:1,pass,"
              "nolog,t:none,setvar:tx.topoc_max_args=%lld\"\n"
              "SecRule &ARGS_GET \"@gt %%{tx.topoc_max_args}\" \\\n"
              "    \"id:10005,phase:2,deny,status:400,log,t:none,"
              "msg:'more query arguments than max-args'\"\n"
              "SecRule &ARGS_POST \"@gt %%{tx.topoc_max_args}\" \\\n"
              "    \"id:10006,phase:2,deny,status:400,log,t:none,"
              "msg:'more form arguments than max-args'\"\n",
              l->max_json_args.v + l->max_args.v, l->max_args.v);
}

static const char *sec_variable(const CustomRule *r, Strbuf *tmp)
{
    const char *v = r->variable.s;
    sb_reset(tmp);
    if (!strcmp(v, "remote-addr"))
        return "REMOTE_ADDR";
    if (!strcmp(v, "request-method"))
        return "REQUEST_METHOD";
    if (!strcmp(v, "request-uri"))
        return "REQUEST_URI";
    if (!strcmp(v, "query-string"))
        return "QUERY_STRING";
    const char *base = !strcmp(v, "request-header")   ? "REQUEST_HEADERS"
                       : !strcmp(v, "request-cookie") ? "REQUEST_COOKIES"
                                                      : "ARGS_POST";
    sb_puts(tmp, base);
    if (r->selector.s) {
        sb_putc(tmp, ':');
        for (const char *p = r->selector.s; *p; p++) /* a header token */
            if (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
                sb_putc(tmp, *p);
    }
    return tmp->buf;
}

static void custom_rule(const CustomRule *r, Strbuf *sb)
{
    Strbuf var = STRBUF_INIT;
    const char *target = sec_variable(r, &var);
    sb_printf(sb, "# custom rule '%s'\nSecRule %s \"%s", r->name.s, target,
              r->negate.v ? "!" : "");
    if (!strcmp(r->operator.s, "ip-match")) {
        sb_puts(sb, "@ipMatch ");
        for (int i = 0; i < r->values.n; i++) {
            if (i)
                sb_putc(sb, ',');
            for (const char *p = r->values.v[i].s; *p; p++)
                if (isxdigit((unsigned char)*p) || strchr(":./", *p))
                    sb_putc(sb, *p);
        }
    } else {
        const char *op = r->operator.s;
        sb_puts(sb, "@rx ");
        if (!strcmp(op, "equals") || !strcmp(op, "begins-with"))
            sb_putc(sb, '^');
        sb_puts(sb, "(?:");
        for (int i = 0; i < r->values.n; i++) {
            if (i)
                sb_putc(sb, '|');
            if (!strcmp(op, "regex")) { /* no quote, no macro '%' */
                sb_puts(sb, "(?:");
                escape_pcre(sb, r->values.v[i].s, "\"%");
                sb_putc(sb, ')');
            } else {
                escape_pcre_literal(sb, r->values.v[i].s);
            }
        }
        sb_putc(sb, ')');
        if (!strcmp(op, "equals") || !strcmp(op, "ends-with"))
            sb_putc(sb, '$');
    }
    const char *action = !strcmp(r->action.s, "block") ? "deny,status:403,log"
                         : !strcmp(r->action.s, "allow") ? "allow,nolog"
                                                         : "pass,log";
    sb_printf(sb, "\" \\\n    \"id:%lld,phase:1,%s,t:none,msg:'custom rule "
                  "%s'\"\n",
              20000 + r->priority.v, action, r->name.s);
    sb_release(&var);
}

/* Internal paths are not here: REQUEST_FILENAME is the client's path
 * decoded but not normalised ('/a/../internal' stays so), and nginx
 * refuses them on $uri before ModSecurity runs (gateway_nginx.c). */
static void modsec_custom(const Model *m, Strbuf *sb)
{
    const List *cr = &m->platform->edge->waf->custom_rules;
    sb_puts(sb, "# The platform's custom rules (edge.waf.custom-rules): "
                "id 20000 + priority.\n");
    for (int i = 0; i < cr->n; i++)
        custom_rule(cr->v[i], sb);
}

void nginx_modsec_files(const Model *m, unsigned methods, Outputs *o,
                        const char *dir)
{
    Strbuf sb = STRBUF_INIT;
    char path[512];
    sb_puts(&sb, "# ModSecurity for this edge: includes are explicit "
                 "(libmodsecurity 3.0.9 has no IncludeOptional).\n"
                 "Include engine.conf\n"
                 "Include ../site/modsec-site.conf\n"
                 "Include /etc/modsecurity/crs/crs-setup.conf\n"
                 "Include crs-tuning.conf\n"
                 "Include custom-rules.conf\n"
                 "Include /etc/modsecurity/crs/"
                 "REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf\n"
                 "Include /usr/share/modsecurity-crs/rules/*.conf\n"
                 "Include /etc/modsecurity/crs/"
                 "RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf\n");
    snprintf(path, sizeof path, "%s/modsec/main.conf", dir);
    out_add(o, path, &sb);
    modsec_engine(m, &sb);
    snprintf(path, sizeof path, "%s/modsec/engine.conf", dir);
    out_add(o, path, &sb);
    modsec_tuning(m, methods, &sb);
    snprintf(path, sizeof path, "%s/modsec/crs-tuning.conf", dir);
    out_add(o, path, &sb);
    modsec_custom(m, &sb);
    snprintf(path, sizeof path, "%s/modsec/custom-rules.conf", dir);
    out_add(o, path, &sb);
}
