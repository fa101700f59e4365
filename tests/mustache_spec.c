/* mustache_spec.c - runs the Mustache spec suite (core files of
 * ../shared/data/mustache-spec/) against src/emit/mustache.c.
 * Prints "ok NAME" or "FAIL NAME: ..." per test; tests/run.sh counts. */
#include "topoc/json.h"
#include "topoc/mustache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *partial(void *ud, const char *name)
{
    const JsonVal *partials = ud;
    const JsonVal *p = partials ? jv_get(partials, name) : NULL;
    return p ? jv_string(p) : NULL;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int f = 1; f < argc; f++) {
        size_t len;
        char *text = slurp(argv[f], &len), err[256];
        JsonVal *doc = text ? jv_parse(text, len, err, sizeof err) : NULL;
        if (!doc) {
            printf("FAIL %s: cannot read\n", argv[f]);
            failed++;
            free(text);
            continue;
        }
        const char *file = strrchr(argv[f], '/') ? strrchr(argv[f], '/') + 1
                                                  : argv[f];
        const JsonVal *tests = jv_get(doc, "tests");
        for (int i = 0; jv_at(tests, i); i++) {
            const JsonVal *t = jv_at(tests, i);
            Strbuf out = STRBUF_INIT;
            MustacheOptions opt = {.partial = partial,
                                   .ud = (void *)jv_get(t, "partials")};
            int rc = mustache_render(jv_string(jv_get(t, "template")),
                                     jv_get(t, "data"), &opt, &out, err,
                                     sizeof err);
            const char *want = jv_string(jv_get(t, "expected"));
            if (rc == 0 && strcmp(out.buf, want) == 0) {
                printf("ok %s: %s\n", file, jv_string(jv_get(t, "name")));
            } else {
                printf("FAIL %s: %s: got \"%s\"%s%s, expected \"%s\"\n", file,
                       jv_string(jv_get(t, "name")), out.buf,
                       rc ? " error " : "", rc ? err : "", want);
                failed++;
            }
            sb_release(&out);
        }
        jv_free(doc);
        free(text);
    }
    return failed ? 1 : 0;
}
