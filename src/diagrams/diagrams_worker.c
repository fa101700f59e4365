/* diagrams_worker.c - pictures laid out in a worker process, within a time
 * limit, so that Graphviz cannot hang or crash the build.
 *
 * Graphviz 2.43 has layouts that never end (mincross on some flat edges,
 * the spline router on some thin boxes) and assertions that abort, and
 * gvLayout cannot be interrupted.  So one worker process, forked when the
 * first picture is drawn, lays out every picture: the build sends it the
 * graph (graph.h's plain structs, encoded below), the worker renders it
 * with the function it was made with and sends back the DOT, SVG and PNG.
 * The build waits at most a time limit for each picture; a worker that
 * overruns is killed, one that dies is reaped, and the next picture forks
 * a new one.  A fork per picture would be simpler, but at 10,000 services
 * each fork of a build that large costs more than most layouts.
 *
 * The worker ends with _exit: nothing of the build's (stdio buffers, the
 * staging folder, atexit handlers) is flushed or run twice.  The socket
 * is written with MSG_NOSIGNAL: a worker that died is an error to handle,
 * not a SIGPIPE.
 */
#include "diagrams_worker.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct Worker {
    WorkerFn fn;
    void *ctx;
    pid_t pid; /* 0: none running */
    int fd;    /* the build's end of the socket */
};

typedef struct Reply {
    int rc;
    double seconds;
    uint64_t len[WORKER_OUTS];
    char err[1024];
} Reply;

/* ---- the graph on the wire: counts, then each string as its length + 1
 * (0 for NULL) and its bytes, each int as 4 bytes ---- */

static void put_int(Strbuf *sb, int v)
{
    int32_t x = v;
    sb_add(sb, &x, sizeof x);
}

static void put_str(Strbuf *sb, const char *s)
{
    put_int(sb, s ? (int)strlen(s) + 1 : 0);
    if (s)
        sb_add(sb, s, strlen(s));
}

/* encode and decode name every field of graph.h's structs.  A field added
 * there changes a size below, and the build stops here until it is sent
 * too (a bool that fits in padding would not: keep new flags ints). */
_Static_assert(sizeof(void *) != 8 ||
                   (sizeof(GNode) == 88 &&   /* 9 strings, 4 ints */
                    sizeof(GEdge) == 72 &&   /* 7 strings, 3 ints */
                    sizeof(GCluster) == 40), /* 5 strings */
               "graph.h changed: send the new field in encode and decode");

static void encode(Strbuf *sb, const Graph *g, const char *stuck, bool png)
{
    put_str(sb, stuck);
    put_int(sb, png);
    put_str(sb, g->title);
    put_str(sb, g->note);
    put_int(sb, g->legend);
    put_int(sb, g->nclusters);
    for (int i = 0; i < g->nclusters; i++) {
        const GCluster *c = &g->clusters[i];
        const char *s[] = {c->id, c->label, c->parent, c->fill, c->style};
        for (size_t k = 0; k < sizeof s / sizeof *s; k++)
            put_str(sb, s[k]);
    }
    put_int(sb, g->nnodes);
    for (int i = 0; i < g->nnodes; i++) {
        const GNode *n = &g->nodes[i];
        const char *s[] = {n->id,    n->label,   n->cluster,
                           n->shape, n->fill,    n->style,
                           n->tooltip, n->url,   n->rank};
        for (size_t k = 0; k < sizeof s / sizeof *s; k++)
            put_str(sb, s[k]);
        put_int(sb, n->peripheries);
        put_int(sb, n->red);
        put_int(sb, (int)n->legend);
        put_int(sb, n->seq);
    }
    put_int(sb, g->nedges);
    for (int i = 0; i < g->nedges; i++) {
        const GEdge *e = &g->edges[i];
        const char *s[] = {e->from, e->to,    e->label,  e->lhead,
                           e->ltail, e->style, e->tooltip};
        for (size_t k = 0; k < sizeof s / sizeof *s; k++)
            put_str(sb, s[k]);
        put_int(sb, e->red);
        put_int(sb, (int)e->legend);
        put_int(sb, e->seq);
    }
}

typedef struct Reader {
    const char *p, *end;
    Arena *a;
    bool bad;
} Reader;

static int get_int(Reader *r)
{
    int32_t x = 0;
    if (r->end - r->p < (ptrdiff_t)sizeof x) {
        r->bad = true;
        return 0;
    }
    memcpy(&x, r->p, sizeof x);
    r->p += sizeof x;
    return x;
}

static const char *get_str(Reader *r)
{
    int n = get_int(r);
    if (n <= 0 || r->bad)
        return NULL;
    if (r->end - r->p < n - 1) {
        r->bad = true;
        return NULL;
    }
    const char *s = arena_strndup(r->a, r->p, (size_t)n - 1);
    r->p += n - 1;
    return s;
}

/* A count, bounded by what is left to read (each item takes bytes). */
static int get_count(Reader *r)
{
    int n = get_int(r);
    if (n < 0 || n > r->end - r->p)
        r->bad = true;
    return r->bad ? 0 : n;
}

static void decode_nodes(Reader *r, Graph *g)
{
    int n = get_count(r);
    for (int i = 0; i < n && !r->bad; i++) {
        const char *id = get_str(r), *label = get_str(r);
        GNode *x = pic_node(g, id, label);
        const char **s[] = {&x->cluster, &x->shape,   &x->fill, &x->style,
                            &x->tooltip, &x->url,     &x->rank};
        for (size_t k = 0; k < sizeof s / sizeof *s; k++)
            *s[k] = get_str(r);
        x->peripheries = get_int(r);
        x->red = get_int(r);
        x->legend = (unsigned)get_int(r);
        x->seq = get_int(r);
    }
}

static void decode_edges(Reader *r, Graph *g)
{
    int n = get_count(r);
    for (int i = 0; i < n && !r->bad; i++) {
        const char *from = get_str(r), *to = get_str(r);
        GEdge *x = pic_edge(g, from, to);
        const char **s[] = {&x->label, &x->lhead, &x->ltail, &x->style,
                            &x->tooltip};
        for (size_t k = 0; k < sizeof s / sizeof *s; k++)
            *s[k] = get_str(r);
        x->red = get_int(r);
        x->legend = (unsigned)get_int(r);
        x->seq = get_int(r);
    }
}

/* The graph of a request (its strings in a), or false. */
static bool decode(Reader *r, Graph *g, const char **stuck, bool *png)
{
    *stuck = get_str(r);
    *png = get_int(r);
    pic_init(g, r->a, NULL);
    g->title = get_str(r);
    g->note = get_str(r);
    g->legend = get_int(r);
    int n = get_count(r);
    for (int i = 0; i < n && !r->bad; i++) {
        const char *id = get_str(r), *label = get_str(r),
                   *parent = get_str(r);
        GCluster *c = pic_cluster(g, id, label, parent);
        c->fill = get_str(r);
        c->style = get_str(r);
    }
    decode_nodes(r, g);
    decode_edges(r, g);
    return !r->bad && r->p == r->end;
}

/* ---- the socket ---- */

static bool send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* No deadline: the worker waits for the build's next picture for ever. */
#define NO_DEADLINE INFINITY

/* Reads into in until it holds a whole frame (its length is its first 8
 * bytes), the peer closes, or the clock passes end (NO_DEADLINE: never).
 * Returns 1 done, 0 closed early, -1 out of time. */
static int recv_frame(int fd, Strbuf *in, double end)
{
    for (;;) {
        uint64_t want = 0;
        if (in->len >= sizeof want) {
            memcpy(&want, in->buf, sizeof want);
            if (in->len - sizeof want >= want)
                return 1;
        }
        double left = end - now();
        if (left <= 0)
            return -1;
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, left > 1e6 ? -1 /* no timeout */
                                       : (int)(left * 1000) + 1);
        if (n <= 0)
            continue; /* EINTR, or the loop sees the time is up */
        sb_grow(in, 65536);
        ssize_t r = recv(fd, in->buf + in->len, 65536, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return 0;
        in->len += (size_t)r;
    }
}

static bool send_frame(int fd, const Strbuf *body)
{
    uint64_t n = body->len;
    return send_all(fd, &n, sizeof n) && send_all(fd, body->buf, body->len);
}

/* ---- the worker's side ---- */

static void serve_one(Worker *w, int fd, const Strbuf *in)
{
    Arena a;
    arena_init(&a);
    Reader r = {in->buf + sizeof(uint64_t), in->buf + in->len, &a, false};
    Graph g;
    const char *stuck;
    bool png;
    Reply h = {0};
    Strbuf outs[WORKER_OUTS], *want[WORKER_OUTS];
    for (int i = 0; i < WORKER_OUTS; i++) {
        sb_init(&outs[i]);
        want[i] = &outs[i];
    }
    if (decode(&r, &g, &stuck, &png)) {
        if (!png)
            want[WORKER_PNG] = NULL;
        h.rc = w->fn(w->ctx, &g, stuck, want, h.err, sizeof h.err,
                     &h.seconds);
    } else {
        h.rc = -1;
        snprintf(h.err, sizeof h.err, "a picture's graph arrived damaged");
    }
    Strbuf body = STRBUF_INIT;
    for (int i = 0; i < WORKER_OUTS; i++)
        h.len[i] = outs[i].len;
    sb_add(&body, &h, sizeof h);
    for (int i = 0; i < WORKER_OUTS; i++) {
        sb_add(&body, outs[i].buf, outs[i].len);
        sb_release(&outs[i]);
    }
    if (!send_frame(fd, &body))
        _exit(1);
    sb_release(&body);
    arena_free(&a);
}

static _Noreturn void serve(Worker *w, int fd)
{
    Strbuf in = STRBUF_INIT;
    for (;;) {
        sb_reset(&in);
        if (recv_frame(fd, &in, NO_DEADLINE) != 1)
            _exit(0); /* the build closed its end */
        serve_one(w, fd, &in);
    }
}

/* ---- the build's side ---- */

Worker *worker_new(WorkerFn fn, void *ctx)
{
    Worker *w = xmalloc(sizeof *w);
    *w = (Worker){fn, ctx, 0, -1};
    return w;
}

/* The worker gone (killed first when kill_it): its wait status. */
static int stop(Worker *w, bool kill_it)
{
    int status = 0;
    if (!w->pid)
        return status;
    if (kill_it)
        kill(w->pid, SIGKILL);
    close(w->fd);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
    w->fd = -1;
    return status;
}

static bool start(Worker *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        serve(w, sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return false;
    }
    w->pid = pid;
    w->fd = sv[0];
    return true;
}

void worker_free(Worker *w)
{
    if (!w)
        return;
    stop(w, false);
    free(w);
}

/* What the worker said, or why it said nothing. */
static WorkResult unpack(const Strbuf *in, Strbuf **outs, char *err,
                         size_t errlen, double *seconds)
{
    Reply h;
    size_t at = sizeof(uint64_t) + sizeof h;
    if (in->len < at) {
        snprintf(err, errlen, "Graphviz stopped");
        return WORK_CRASHED;
    }
    memcpy(&h, in->buf + sizeof(uint64_t), sizeof h);
    h.err[sizeof h.err - 1] = '\0';
    for (int i = 0; i < WORKER_OUTS; i++) {
        if (h.len[i] > in->len - at) {
            snprintf(err, errlen, "Graphviz's output was cut short");
            return WORK_CRASHED;
        }
        if (outs[i])
            sb_add(outs[i], in->buf + at, h.len[i]);
        at += h.len[i];
    }
    *seconds = h.seconds;
    if (h.rc != 0) {
        snprintf(err, errlen, "%s", h.err);
        return WORK_FAILED;
    }
    return WORK_OK;
}

WorkResult worker_render(Worker *w, const Graph *g, const char *stuck,
                         Strbuf **outs, double limit, char *err,
                         size_t errlen, double *seconds)
{
    double t0 = now();
    Strbuf req = STRBUF_INIT, in = STRBUF_INIT;
    encode(&req, g, stuck, outs[WORKER_PNG] != NULL);
    bool sent = (w->pid || start(w)) && send_frame(w->fd, &req);
    sb_release(&req);
    if (!w->pid) { /* no worker could be made: draw here, unguarded */
        int rc = w->fn(w->ctx, g, stuck, outs, err, errlen, seconds);
        return rc == 0 ? WORK_OK : WORK_FAILED;
    }
    int got = sent ? recv_frame(w->fd, &in, t0 + limit) : 0;
    WorkResult res;
    if (got < 0) {
        stop(w, true);
        *seconds = now() - t0;
        snprintf(err, errlen, "Graphviz did not finish within %g s", limit);
        res = WORK_TIMEOUT;
    } else if (got == 0) {
        int status = stop(w, false);
        *seconds = now() - t0;
        snprintf(err, errlen, "Graphviz stopped (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit status",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        res = WORK_CRASHED;
    } else {
        res = unpack(&in, outs, err, errlen, seconds);
    }
    sb_release(&in);
    return res;
}
