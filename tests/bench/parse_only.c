/* parse_only.c - the benchmark's baseline: read the same spec files and
 * parse them with libyaml's event parser, building nothing.  `topoc check`
 * is measured against this (tests/bench/bench.sh). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static long events;

static int parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    yaml_parser_t p;
    yaml_event_t ev;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, buf, (size_t)n);
    int rc = 0;
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = -1;
            break;
        }
        events++;
        int done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (done)
            break;
    }
    yaml_parser_delete(&p);
    free(buf);
    return rc;
}

static int parse_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return parse_file(dir);
    struct dirent *e;
    char path[4096];
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc |= parse_dir(path);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= parse_dir(argv[i]);
    printf("%ld events\n", events);
    return rc ? 1 : 0;
}
