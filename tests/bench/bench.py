#!/usr/bin/env python3
"""bench.py BUILD - time `topoc check` and `topoc build` against a
parse-only baseline.

For synthetic platforms of 1,000 and 10,000 services (tests/bench/gen.py),
in domains of 20 and with one domain holding nearly every service: check
runs RUNS times (fastest wall time), build BUILD_RUNS times (default 1; a
build past BENCH_TIMEOUT seconds, default 600, is killed and shown so).
Peak resident memory comes from wait4's rusage; the slowest single view
from `build --stats`; files and bytes from the output folder
(a file with two names, a hard link, is counted once in bytes).  Builds of
up to BENCH_INTEGRITY_MAX services (default 1,000) then pass the test
suite's deployment checkers (tests/manifests/integrity.py and
k8s_integrity.py), or the bench fails.  A platform too large for one
Azure deployment (at 10,000 services environment.json would hold some
4,900 resources, ARM takes 800) is built and refused with arm-limit
errors only: its row says so, and its files and MB are none.  Then the
slowest picture of the generator's platforms between 20 and 150 services
(the sizes before the views aggregate, where a layout is the largest).
Every figure stands beside the parse-only floor measured in the same run."""
import os, re, shutil, subprocess, sys, threading, time

build = sys.argv[1]
root = os.path.dirname(os.path.abspath(__file__))
runs = int(os.environ.get("RUNS", "5"))

def measure(cmd):
    """fastest wall time, peak memory (MB) and fastest CPU time (user +
    sys, which the other engineers' load on the shared machine inflates
    less than the wall time) of RUNS runs."""
    best, peak, cpu = None, 0, None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        err = p.stderr.read().decode()
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{err}")
        best = wall if best is None else min(best, wall)
        used = ru.ru_utime + ru.ru_stime
        cpu = used if cpu is None else min(cpu, used)
        peak = max(peak, ru.ru_maxrss)
    return best, peak / 1024.0, cpu

def measure_once(cmd, timeout):
    """wall, CPU (user + sys) and peak of one run, or None when it ran
    past timeout (then it is killed: a cliff, not a figure)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read().decode()))
    reader.start()
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    wall = time.perf_counter() - t0
    reader.join()
    if wall >= timeout:
        return None
    code = os.waitstatus_to_exitcode(status)
    errors = [l for l in err[0].splitlines() if ": error: " in l]
    # a platform too large for one Azure deployment: the build does all
    # its work and refuses to write (arm-limit); anything else is a failure
    refused = code == 1 and errors and all(l.endswith("[arm-limit]") for l in errors)
    if code != 0 and not refused:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{err[0][-2000:]}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, err[0], \
        (errors[0].split(": error: ", 1)[1] if refused else None)

def integrity(out, what):
    """The deployment checkers of the test suite (tests/manifests) on a
    synthetic build: each environment's Azure deployment and Kubernetes
    documents form a working system at this scale too (issue 13)."""
    here = os.path.join(os.path.dirname(root), "manifests")
    for env in ("integration", "production"):
        for checker in ("integrity.py", "k8s_integrity.py"):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, os.path.join(here, checker), out, env],
                               capture_output=True, text=True)
            last = (p.stdout.strip().splitlines() or ["no output"])[-1]
            if p.returncode != 0:
                sys.exit(f"bench: {checker} {what} {env} failed:\n{p.stdout[-3000:]}{p.stderr[-2000:]}")
            print(f"  integrity {what}: {checker} {last} ({time.perf_counter() - t0:.1f} s)", flush=True)

def tree(path):
    """files (names) and MB written: a file with two names (the docs'
    pictures, hard links) is written, and counted, once"""
    files, seen = 0, {}
    for d, _, fs in os.walk(path):
        files += len(fs)
        for f in fs:
            st = os.lstat(os.path.join(d, f))
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return files, sum(seen.values()) / 1e6

# The scale table: check and build of synthetic platforms of 1,000 and
# 10,000 services, in domains of 20 and with one domain holding nearly
# every service, each beside the parse-only floor of the same specs.
build_runs = int(os.environ.get("BUILD_RUNS", "1"))
timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
print(f"{'services':>8} {'domains':>7} {'MB':>5} | {'parse-only':>10} | {'check':>6} {'x':>5} "
      f"{'peak':>6} {'x spec':>6} | {'build':>7} {'x':>5} {'cpu':>6} {'slowest view':>12} "
      f"{'files':>6} {'MB out':>6} {'peak':>6}")
sizes = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
cpu_rows = []
for n, domain in [(n, d) for n in sizes for d in (20, 0)]:
    spec = os.path.join(build, "bench", f"s{n}" + (f"d{domain}" if domain else "one"))
    if not os.path.exists(os.path.join(spec, "platform.yaml")):
        subprocess.run([sys.executable, os.path.join(root, "gen.py"), str(n), spec, "3", str(domain)],
                       check=True)
    _, size = tree(spec)
    pw, pm, pc = measure([os.path.join(build, "parse-only"), spec])
    cw, cm, cc = measure([os.path.join(build, "topoc"), "check", "-q", spec])
    cpu_rows.append(f"{n:>8} {'of ' + str(domain) if domain else 'one':>7} | parse-only {pc:.3f}s"
                    f" | check {cc:.3f}s {cc / pc:.2f}x")
    out = os.path.join(build, "bench", "scale-out")
    best = None
    for _ in range(build_runs):
        shutil.rmtree(out, ignore_errors=True)
        r = measure_once([os.path.join(build, "topoc"), "build", "-q", "--stats", "-o", out, spec], timeout)
        if r is None:
            break
        best = r if best is None or r[0] < best[0] else best
    shape = f"of {domain}" if domain else "one"
    row = (f"{n:>8} {shape:>7} {size:>5.1f} | {pw:>9.3f}s | {cw:>5.2f}s {cw / pw:>4.2f}x "
           f"{cm:>4.0f}MB {cm / size:>5.1f}x | ")
    if best is None:
        row += f"> {timeout:.0f} s: killed"
    else:
        bw, cpu, bm, err, refused = best
        views = [float(t) for t in re.findall(r"layout \S+\s+([0-9.]+) s", err)]
        files, written = tree(out)
        row += (f"{bw:>6.1f}s {bw / pw:>4.0f}x {cpu:>5.1f}s {max(views, default=0):>11.3f}s "
                f"{files:>6} {written:>6.0f} {bm:>4.0f}MB")
        if refused:  # made, not written: the row's files and MB are none
            row += f"\n         (the build refused, nothing written: {refused})"
    print(row, flush=True)
    if best is not None and not best[4] and n <= int(os.environ.get("BENCH_INTEGRITY_MAX", "1000")):
        integrity(out, f"{n} services, domains {shape}")
    shutil.rmtree(out, ignore_errors=True)
print(f"(check: fastest of {runs} runs, build: of {build_runs}; x = against parse-only, "
      f"x spec = peak / spec bytes; cpu = user + sys of the build; peak = max resident set)")
print(f"check's CPU time (user + sys, fastest of {runs}) beside parse-only's, the same runs:")
for row in cpu_rows:
    print(row)

# The slowest picture between the example's size and the sizes the views
# aggregate at (where the table's slowest views are measured): the
# generator's platforms of 20 to 150 services, both shapes, one build each.
slowest, what = 0.0, "none"
mid = [int(x) for x in os.environ.get("BENCH_MID_SIZES", "20,30,40,60,80,100,150").split(",")]
for n, domain in [(n, d) for n in mid for d in (20, 0)]:
    spec = os.path.join(build, "bench", f"mid{n}" + (f"d{domain}" if domain else "one"))
    if not os.path.exists(os.path.join(spec, "platform.yaml")):
        subprocess.run([sys.executable, os.path.join(root, "gen.py"), str(n), spec, "3", str(domain)],
                       check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(build, "bench", "mid-out")
    shutil.rmtree(out, ignore_errors=True)
    r = measure_once([os.path.join(build, "topoc"), "build", "-q", "--stats", "-o", out, spec], timeout)
    if r is None:
        sys.exit(f"bench: the build of {n} services (domains of {domain or 'all'}) ran past {timeout:.0f} s")
    for m in re.finditer(r"layout (\S+)\s+([0-9.]+) s", r[3]):
        if float(m.group(2)) > slowest:
            slowest = float(m.group(2))
            what = f"{m.group(1)} of {n} services, " + (f"domains of {domain}" if domain else "one domain")
    shutil.rmtree(out, ignore_errors=True)
print(f"slowest view of {len(mid) * 2} platforms of {mid[0]} to {mid[-1]} services (both shapes): "
      f"{slowest:.3f} s ({what})", flush=True)

# The routing checks alone, from `topoc check --stats`, at 100,000 routes
# per environment (10,000 services with 10 routes each).
spec = os.path.join(build, "bench", "r100k")
if not os.path.exists(os.path.join(spec, "platform.yaml")):
    subprocess.run([sys.executable, os.path.join(root, "gen.py"), "10000", spec, "10"], check=True)
best = None
for _ in range(runs):
    p = subprocess.run([os.path.join(build, "topoc"), "check", "-q", "--stats", spec],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: check of the 100,000-route platform failed:\n" + p.stderr[-2000:])
    t = next(float(re.search(r"check routes\s+([0-9.]+) s", l).group(1))
             for l in p.stderr.splitlines() if "check routes" in l)
    best = t if best is None else min(best, t)
print(f"routing checks (exact: constraints as automata): 2 environments x 100,000 routes: {best:.3f} s "
      f"(the same routes in both: analysed once, said again for the second; fastest of {runs})")

# Bounded work: inputs that once made topoc work without bound (N services
# declaring one route: N^2 findings; policy patterns at PCRE2's match limit
# matched again on every value), against the parse-only floor of the same
# spec measured in this run.
def measure_any(cmd):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{p.stderr.decode()[-2000:]}")
        best = wall if best is None else min(best, wall)
    return best, len(p.stderr)
for kind, n, what in (("dup", 1000, "1,000 services declaring one route"),
                      ("policy", 2000, "50 policy patterns at the match limit x 2,000 paths")):
    spec = os.path.join(build, "bench", f"bounded-{kind}")
    if not os.path.exists(os.path.join(spec, "platform.yaml")):
        subprocess.run([sys.executable, os.path.join(root, "gen_bounded.py"), kind, str(n), spec], check=True)
    pw, _ = measure_any([os.path.join(build, "parse-only"), spec])
    cw, err = measure_any([os.path.join(build, "topoc"), "check", spec])
    print(f"bounded: {what}: check {cw:.3f} s, parse-only {pw:.3f} s ({cw / pw:.2f}x), "
          f"{err / 1024:.1f} KB of diagnostics (fastest of {runs})", flush=True)

# Bounded template work (issue 17): templates whose partials double 40
# times, or whose sections nest 30 deep over a 4-item list, are refused
# within the rendering budget; the floor is the same build without them.
tut = os.path.join(os.path.dirname(os.path.dirname(root)), "specs", "tutorial")
tpl = os.path.join(build, "bench", "templates")
def template_target(name, files):
    d = os.path.join(tpl, name, "t")
    shutil.rmtree(os.path.join(tpl, name), ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "escaping"), "w") as f:
        f.write("text\n")
    for fname, text in files.items():
        with open(os.path.join(d, fname), "w") as f:
            f.write(text)
    return os.path.join(tpl, name)
doubling = {"x.txt.mustache": "{{> p0}}", "_p40.mustache": "x"}
doubling.update({f"_p{i}.mustache": f"{{{{> p{i + 1}}}}}{{{{> p{i + 1}}}}}" for i in range(40)})
nested = {"x.txt.mustache": "{{#internal_paths}}" * 30 + "{{path}}" + "{{/internal_paths}}" * 30}
floor, _ = measure_any([os.path.join(build, "topoc"), "build", "-q", tut, "-o", os.path.join(tpl, "out-floor"),
                        "--templates", template_target("plain", {"x.txt.mustache": "{{platform}}"})])
for name, files, what in (("doubling", doubling, "partials doubling 40 times (2^40 if unbounded)"),
                          ("nested", nested, "sections nested 30 deep over 4 items (4^30 if unbounded)")):
    cmd = [os.path.join(build, "topoc"), "build", "-q", tut, "-o", os.path.join(tpl, "out-" + name),
           "--templates", template_target(name, files)]
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        if p.returncode != 2 or b"refusing" not in p.stderr:
            sys.exit(f"bench: template {name} was not refused:\n{p.stderr.decode()[-2000:]}")
        best = wall if best is None else min(best, wall)
    print(f"bounded: template {what}: refused in {best:.3f} s, the same build with a plain template "
          f"{floor:.3f} s ({best / floor:.2f}x; fastest of {runs})", flush=True)

# Diagrams: `topoc build --stats` of the example platform reports the time
# dot takes to lay out each picture.
specs = os.path.join(os.path.dirname(os.path.dirname(root)), "specs")
out = os.path.join(build, "bench", "out")
shutil.rmtree(out, ignore_errors=True)  # an output folder of an older topoc has no manifest
walls, layouts = [], {}
for _ in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run([os.path.join(build, "topoc"), "build", "-q", "--stats", "-o", out, specs],
                       capture_output=True, text=True)
    walls.append(time.perf_counter() - t0)
    if p.returncode != 0:
        sys.exit("bench: build of the example failed:\n" + p.stderr[-2000:])
    for m in re.finditer(r"layout (\S+)\s+([0-9.]+) s \((\d+) nodes\)", p.stderr):
        layouts.setdefault(m.group(1), []).append((float(m.group(2)), int(m.group(3))))
nets = sorted(k for k in layouts if k.endswith("/network"))
for k in nets:
    print(f"layout {k}: {min(t for t, _ in layouts[k]):.3f} s ({layouts[k][0][1]} nodes; fastest of {runs})")
total = sum(min(t for t, _ in v) for v in layouts.values())
print(f"layout of all {len(layouts)} pictures: {total:.3f} s; whole build of the example "
      f"(every output, PNG included): {min(walls):.3f} s (fastest of {runs})")
