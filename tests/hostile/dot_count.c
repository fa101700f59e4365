/* dot_count.c - the DOT parser's view of a picture, for tests/hostile.sh:
 * reads each DOT file with cgraph (the parser Graphviz itself uses) and
 * prints "FILE NODES EDGES SUBGRAPHS", or fails on a file it cannot read. */
#include <graphviz/cgraph.h>
#include <stdio.h>

static int subgraphs(Agraph_t *g)
{
    int n = 0;
    for (Agraph_t *s = agfstsubg(g); s; s = agnxtsubg(s))
        n += 1 + subgraphs(s);
    return n;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        Agraph_t *g = f ? agread(f, NULL) : NULL;
        if (f)
            fclose(f);
        if (!g || agerrors()) {
            fprintf(stderr, "%s: not DOT\n", argv[i]);
            return 1;
        }
        printf("%s %d %d %d\n", argv[i], agnnodes(g), agnedges(g),
               subgraphs(g));
        agclose(g);
    }
    return 0;
}
