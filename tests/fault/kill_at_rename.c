/* kill_at_rename.c - an LD_PRELOAD fault injector for tests/hostile.sh:
 * the process is killed with SIGKILL at its Nth rename (rename, renameat
 * or renameat2), just before it (FAULT_WHEN=before) or just after it
 * (FAULT_WHEN=after).  N comes from FAULT_RENAME; FAULT_COUNT names a file
 * that gets the number of renames a run made, so the test knows when it
 * has tried them all.  topoc itself has no hook for this. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int calls;

static void count(void)
{
    const char *f = getenv("FAULT_COUNT");
    if (!f)
        return;
    FILE *o = fopen(f, "w");
    if (o) {
        fprintf(o, "%d\n", calls);
        fclose(o);
    }
}

static void maybe_die(int after)
{
    const char *n = getenv("FAULT_RENAME"), *when = getenv("FAULT_WHEN");
    int is_after = when && !strcmp(when, "after");
    if (n && atoi(n) == calls && is_after == after)
        kill(getpid(), SIGKILL);
}

int renameat2(int ofd, const char *from, int nfd, const char *to,
              unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real)
        real = (int (*)(int, const char *, int, const char *, unsigned))
            dlsym(RTLD_NEXT, "renameat2");
    calls++;
    count();
    maybe_die(0);
    int rc = real(ofd, from, nfd, to, flags);
    maybe_die(1);
    return rc;
}

int renameat(int ofd, const char *from, int nfd, const char *to)
{
    return renameat2(ofd, from, nfd, to, 0);
}

int rename(const char *from, const char *to)
{
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, 0);
}
