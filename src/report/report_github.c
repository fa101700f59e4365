/* report_github.c - GitHub Actions workflow commands: one line per finding,
 *   ::error file=F,line=L,col=C,title=RULE::message
 * Properties and message are escaped as the runner expects (%, CR, LF, and
 * ':' ',' in properties), so a spec value cannot inject a command. */
#include "topoc/report.h"

static void escape(Strbuf *sb, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': sb_puts(sb, "%25"); break;
        case '\r': sb_puts(sb, "%0D"); break;
        case '\n': sb_puts(sb, "%0A"); break;
        case ':':
            sb_puts(sb, property ? "%3A" : ":");
            break;
        case ',':
            sb_puts(sb, property ? "%2C" : ",");
            break;
        default: sb_putc(sb, *s);
        }
    }
}

void report_github(const Diags *ds, Strbuf *out)
{
    for (int i = 0; i < ds->n; i++) {
        const Diag *d = ds->v[i];
        if (d->suppressed)
            continue;
        sb_printf(out, "::%s ", d->sev == SEV_ERROR     ? "error"
                                : d->sev == SEV_WARNING ? "warning"
                                                        : "notice");
        if (loc_src(d->loc)) {
            sb_puts(out, "file=");
            escape(out, loc_src(d->loc)->path, true);
            if (loc_line(d->loc) > 0)
                sb_printf(out, ",line=%d,col=%d", loc_line(d->loc),
                          loc_col(d->loc));
            sb_puts(out, ",");
        }
        sb_puts(out, "title=");
        escape(out, d->rule, true);
        sb_puts(out, "::");
        escape(out, d->msg, false);
        for (int k = 0; k < d->nsubs; k++)
            if (d->subs[k].help) {
                sb_puts(out, "%0A");
                escape(out, d->subs[k].msg, false);
            }
        sb_putc(out, '\n');
    }
}
