#!/usr/bin/env python3
"""e2e.py OUT ENV WORK [--waf] - run the generated nginx + ModSecurity edge
of ENV from topoc's output tree OUT on 127.0.0.1 and send real requests.

Only the installation-specific files in site/ are replaced: listen
addresses (127.0.0.1), upstream servers (stub backends here, over TLS),
certificates (made here with openssl) and log paths.  Everything else is
the generated configuration as topoc wrote it.

Checks: every edge route's sample URL reaches its service; unknown paths are
404; plain HTTP is redirected; internal paths are not served; SQL injection
and XSS get 403; a client certificate opens the mutual-TLS host.  With
--waf (the tests/gateway fixture): a denied IP gets 403, a burst over the
rate limit gets 429, the detection-only route passes and logs, a custom
rule blocks, and method dispatch falls through to the right service.

Prints "ok NAME" / "FAIL NAME: why"; every process it starts is stopped by
pid, whatever happens.
"""
import http.client, json, os, shutil, signal, socket, ssl, subprocess, sys
import re, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out, env, work = sys.argv[1], sys.argv[2], sys.argv[3]
waf = "--waf" in sys.argv
# --openapi SPEC: one request per operation of every OpenAPI document of
# SPEC, built from the documents (oas_requests.py)
OAS = []
if "--openapi" in sys.argv:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import oas_requests
    OAS = oas_requests.requests(sys.argv[sys.argv.index("--openapi") + 1], out, env)
# TOPOC_PORT_BASE lets two work trees run the suite at once
BASE = int(os.environ.get("TOPOC_PORT_BASE", "18000"))
HTTP, HTTPS, STUB0 = BASE + 80, BASE + 443, BASE + 1100
results = []
SEEN = []   # every path (and query) a service was sent, whoever sent it

def check(name, cond, why=""):
    results.append(cond)
    print(("ok " if cond else "FAIL ") + f"{env}: {name}" + ("" if cond else f": {why}"), flush=True)

def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

# ---- the prefix: the generated tree, with site/ made local ----
table = json.load(open(f"{out}/{env}/gateway/routes.json"))
prefix = os.path.join(work, env)
shutil.rmtree(prefix, ignore_errors=True)
shutil.copytree(f"{out}/{env}/gateway/nginx", prefix)
for d in ("logs", "tmp", "tls"):
    os.makedirs(os.path.join(prefix, d), exist_ok=True)
tls = os.path.join(prefix, "tls")
domain = table["domain"]
sans = ",".join([f"DNS:{h}" for h in table["hosts"]] + [f"DNS:*.{domain}", "IP:127.0.0.1"])
sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
   "-keyout", f"{tls}/gateway.key", "-out", f"{tls}/gateway.crt",
   "-subj", "/CN=topoc test gateway", "-addext", f"subjectAltName={sans}")
# a client CA for every client-certificate host, and a client certificate
cas = sorted({l.split("tls/")[1].split(".pem")[0]
              for l in open(f"{prefix}/nginx.conf") if "ssl_client_certificate" in l})
for ca in cas:
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
       "-keyout", f"{tls}/{ca}.key", "-out", f"{tls}/{ca}.pem", "-subj", f"/CN={ca}")
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{tls}/client.key",
       "-out", f"{tls}/client.csr", "-subj", "/CN=topoc test client")
    sh("openssl", "x509", "-req", "-in", f"{tls}/client.csr", "-CA", f"{tls}/{ca}.pem",
       "-CAkey", f"{tls}/{ca}.key", "-CAcreateserial", "-days", "2", "-out", f"{tls}/client.crt")
site = os.path.join(prefix, "site")
open(f"{site}/listen-http.conf", "w").write(f"listen 127.0.0.1:{HTTP};\n")
open(f"{site}/listen-https.conf", "w").write(f"listen 127.0.0.1:{HTTPS} ssl;\n")
sock = os.path.join(prefix, "tmp", "refuse.sock")
open(f"{site}/listen-refuse.conf", "w").write(f"listen unix:{sock};\n")
open(f"{site}/refuse-server.conf", "w").write(f"server unix:{sock};\n")
open(f"{site}/modsecurity.conf", "w").write(f"modsecurity_rules_file {prefix}/modsec/main.conf;\n")
open(f"{site}/modsec-site.conf", "w").write(
    f"SecAuditLog {prefix}/logs/modsec_audit.log\nSecTmpDir {prefix}/tmp/\nSecDataDir {prefix}/tmp/\n")
proxy = open(f"{site}/proxy.conf").read().replace(
    "/etc/ssl/certs/ca-certificates.crt", f"{tls}/gateway.crt")
open(f"{site}/proxy.conf", "w").write(proxy)   # upstream TLS is verified
# one stub port per upstream; the stubs present the gateway certificate
# under the name nginx asks for, so proxy_ssl_verify stays on
services, lines = [], []
for l in open(f"{site}/upstreams.conf"):
    if l.startswith("upstream "):
        services.append(l.split()[1])
    if l.strip().startswith("server "):
        l = f"    server 127.0.0.1:{STUB0 + len(services) - 1};\n"
    lines.append(l)
open(f"{site}/upstreams.conf", "w").writelines(lines)
# the stubs' certificate must match the App Service names nginx verifies
stub_sans = ",".join(f"DNS:{json.dumps(r['backend']['host'])[1:-1]}" for r in table["routes"])
sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
   "-keyout", f"{tls}/stub.key", "-out", f"{tls}/stub.crt", "-subj", "/CN=stub",
   "-addext", f"subjectAltName={stub_sans}")
open(f"{site}/proxy.conf", "w").write(proxy.replace(f"{tls}/gateway.crt", f"{tls}/stub.crt"))

class Stub(BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        SEEN.append(self.path)
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Topoc-Path", self.path)
        # the edge owns CORS where the spec gives a policy: hides this
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer
    def log_message(self, *a):
        pass

stubs, nginx, haproxy = [], None, None
def stop_all():
    if haproxy and haproxy.poll() is None:
        os.kill(haproxy.pid, signal.SIGTERM)
        try:
            haproxy.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(haproxy.pid, signal.SIGKILL)
            haproxy.wait()
    if nginx and nginx.poll() is None:
        os.kill(nginx.pid, signal.SIGQUIT)
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(nginx.pid, signal.SIGKILL)
            nginx.wait()
    for s in stubs:
        s.shutdown()
        s.server_close()

def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False

PORT = {"https": HTTPS}   # where requests go: nginx, then HAProxy

class Conn(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with the SNI and Host of a platform host."""
    def __init__(self, sni, ctx, source=None):
        super().__init__("127.0.0.1", PORT["https"], context=ctx, timeout=10,
                         source_address=(source, 0) if source else None)
        self.sni = sni
    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.sni)

plain = ssl.create_default_context(cafile=f"{tls}/gateway.crt")
with_cert = ssl.create_default_context(cafile=f"{tls}/gateway.crt")
if cas:
    with_cert.load_cert_chain(f"{tls}/client.crt", f"{tls}/client.key")

def request(host, path, method="GET", headers=None, source=None, cert=False, body=None,
            full=False):
    c = Conn(host, with_cert if cert else plain, source)
    h = {"Host": host, "User-Agent": "topoc-e2e"}
    h.update(headers or {})
    if body is not None:
        h["Content-Type"] = "application/json"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode(errors="replace")
    c.close()
    return (r.status, data, r.getheaders()) if full else (r.status, data)

def sequence(edge, limits, cert_hosts):
    """Requests every target can answer alike, and what came back: the route
    samples, unknown paths and methods, URL length, CORS, a rate-limit burst
    and a denied client.  Run against nginx and against HAProxy."""
    out = []
    def send(name, host, path, method="GET", headers=None, source=None, body=None):
        try:
            st, data, hs = request(host, path, method, headers, source=source,
                                   cert=host in cert_hosts, body=body, full=True)
        except (ssl.SSLError, ConnectionError, OSError) as e:
            out.append((name, "error"))
            return
        keep = sorted((k.lower(), v) for k, v in hs
                      if k.lower().startswith("access-control-") or k.lower() == "x-topoc-path")
        out.append((name, st, data if st == 200 else "", keep))
    for i, r in enumerate(edge):
        if "sample" not in r:
            continue
        method = "GET" if "GET" in r["methods"] else r["methods"][0]
        send(f"{method} {r['host']}{r['sample']}", r["host"], r["sample"], method,
             source=f"127.0.{10 + i // 200}.{10 + i % 200}",
             body="{}" if method in ("POST", "PUT", "PATCH") else None)
    for i, r in enumerate(OAS):
        send(r["name"], r["host"], r["path"], r["method"], body=r["body"],
             source=f"127.2.{i // 200}.{10 + i % 200}")
    api = next(r["host"] for r in edge if r["host"].startswith("api."))
    for i, (name, path, want) in enumerate(path_probes(edge)):
        send(f"path {name}: {path}", api, path, source=f"127.0.3.{10 + i}")
        # what the service was sent: the path the edge decided on
        out[-1] += (dict(out[-1][3]).get("x-topoc-path"),) if out[-1][1] != "error" else ()
    some = next(r for r in edge if r["host"] == api and "GET" in r["methods"] and "sample" in r)
    send("unknown path", api, "/no/such/route/here")
    n = limits["max-url-length"]
    send("URL of max length", api, some["sample"] + "?q=" + "a" * (n - len(some["sample"]) - 3))
    send("URL one longer", api, some["sample"] + "?q=" + "a" * (n - len(some["sample"]) - 2))
    for r in edge:
        if "sample" not in r:
            continue
        missing = [m for m in ("GET", "POST", "PUT", "DELETE") if m not in r["methods"]]
        if missing:
            send(f"{missing[0]} on {r['sample']}", r["host"], r["sample"], missing[0],
                 body="{}" if missing[0] in ("POST", "PUT") else None)
            break
    for r in [r for r in edge if r.get("cors") and "sample" in r][:3]:
        ok_origin = next((o for o in r["cors"]["origins"] if o != "*"), "https://x.example")
        for origin in (ok_origin, "https://evil.example"):
            send(f"preflight {origin} {r['sample']}", r["host"], r["sample"], "OPTIONS",
                 {"Origin": origin, "Access-Control-Request-Method": "GET"})
            send(f"GET from {origin} {r['sample']}", r["host"], r["sample"], "GET",
                 {"Origin": origin})
    # a burst, where it is sent faster than the bucket refills (0.1 s a
    # request at most): after that nginx refills steadily and the windowed
    # HAProxy does not, by design (specs/README.md)
    for i, (name, rl) in enumerate(sorted(limits["rate-limits"].items())):
        r = next((r for r in edge if name in r.get("waf", {}).get("rate-limits", [])
                  and "GET" in r["methods"] and "sample" in r), None)
        if r and rl["per-seconds"] / rl["requests"] > 0.1 * (rl["burst"] + 2):
            for k in range(rl["burst"] + 2):
                send(f"rate limit {name} #{k + 1}", r["host"], r["sample"],
                     source=f"127.0.1.{10 + i}")
    return out

def internal_paths():
    """policy.internal-paths, as the generated nginx.conf lists them (the
    language's default when it lists none)."""
    conf, out, on = open(f"{prefix}/nginx.conf").read().splitlines(), [], False
    for l in conf:
        on = (on or "$topoc_internal_path {" in l) and l.strip() != "}"
        if on and l.strip().startswith("# /"):
            out.append(l.strip()[2:])
    return out or ["/internal/**", "/metrics", "/healthz", "/health"]

def internal_re():
    return re.compile("|".join("^" + re.escape(p[:-3]) + "(/.*)?$" if p.endswith("/**")
                               else "^" + re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(p).replace("\\{", "{").replace("\\}", "}")) + "$"
                               for p in internal_paths()) or "^$")

def normal(path):
    """A path as a service would read it: fully decoded, '//' merged and
    '.' and '..' resolved (any '..' above the root dropped)."""
    path = urllib.parse.unquote(path.split("?")[0]).replace("\\", "/")
    segs = []
    for seg in path.split("/"):
        if seg == "..":
            segs = segs[:-1]
        elif seg not in ("", "."):
            segs.append(seg)
    return "/" + "/".join(segs)

def path_probes(edge):
    """The class of paths that a gateway must decide on in normal form:
    dot segments, encoded dots in either case, encoded and doubled
    slashes, backslashes, mixed, on internal paths (403) and on routed ones
    (200, the service sent the normal path); what has no safe normal form
    is 400.  (name, path, want): want is 403, 400 or (service, path)."""
    api = next(r["host"] for r in edge if r["host"].startswith("api."))
    gets = [r for r in edge if r["host"] == api and "GET" in r["methods"] and "sample" in r
            and r["sample"].count("/") >= 2 and not r["sample"].endswith("/")]
    if not gets:
        return []
    some = gets[0]
    s = some["sample"]
    p = "/" + s.split("/")[1]
    out = []
    for path in internal_paths():
        i = path[:-3] + "/x" if path.endswith("/**") else path
        if "{" in i or "*" in i:
            continue
        j = i[1:]
        for name, probe in [("dot segments", f"{p}/../{j}"), ("dot and dot segments", f"{p}/./../{j}"),
                            ("encoded dots", f"{p}/%2e%2e/{j}"), ("encoded dots upper case", f"{p}/%2E%2E/{j}"),
                            ("mixed dots", f"{p}/.%2E/{j}"), ("mixed dots", f"{p}/%2e./{j}"),
                            ("double slash", f"/{i}"), ("double slash and dots", f"{p}//../{j}"),
                            ("dot segment", f"/./{j}"), ("deeper dots", f"{p}/x/../../{j}"),
                            ("encoded letter", i[:2] + "%%%02X" % ord(i[2]) + i[3:] if len(i) > 3 else i),
                            ("mixed", f"{p}/%2e/x/%2E%2e//..//{j}")]:
            out.append((f"internal {name}", probe, 403))
        for name, probe in [("encoded slash", f"{p}/..%2f{j}"), ("encoded slash upper case", f"{p}/..%2F{j}"),
                            ("encoded backslash", f"{p}/..%5c{j}"), ("backslash", f"{p}/..\\{j}"),
                            ("dots above the root", f"/../{j}"), ("dots above the root", f"{p}/../../{j}"),
                            ("encoded dots above the root", f"{p}/%2e%2e/%2E%2E/{j}"),
                            ("encoded slash after", f"{i}%2f"), ("dot-dot-semicolon", f"{p}/..;/{j}")]:
            out.append((name, probe, 400))
    rest = s[len(p):]
    out += [(n, q, 400) for n, q in [("bad escape", f"{p}/%zz"), ("encoded NUL", f"{p}/%00"),
                                     ("encoded slash in a segment", f"{s}%2Fx"), ("dot-semicolon", f"{p}/.;{rest}")]]
    routed = [("double slash", "/" + s), ("dot segment", f"{p}/.{rest}"), ("double slash inside", f"{p}/{rest}"),
              ("encoded slash in the query", s + "?next=%2Fa%5Cb")]
    if s[-1].isalnum():
        routed += [("encoded letter", s[:-1] + "%%%02x" % ord(s[-1])),
                   ("encoded letter upper case", s[:-1] + "%%%02X" % ord(s[-1]))]
    for name, probe in routed:
        out.append((f"route {name}", probe, (some["service"], s + ("?next=%2Fa%5Cb" if "?" in probe else ""))))
    # '..' on a route whose WAF does not block it (CRS scores '..' at PL1)
    lax = next((r for r in gets if r["waf"]["mode"] != "prevention"), None)
    if lax:
        q = "/" + lax["sample"].split("/")[1]
        out.append(("route dot-dot segment", f"{q}/x/..{lax['sample'][len(q):]}", (lax["service"], lax["sample"])))
        out.append(("route encoded dot-dot", f"{q}/x/%2E%2e{lax['sample'][len(q):]}", (lax["service"], lax["sample"])))
    return out

def path_checks(gw, edge, answers):
    """Each probe got what its class must get from gateway gw."""
    wrong, probes = [], path_probes(edge)
    got = {a[0]: a for a in answers if a[0].startswith("path ")}
    for name, path, want in probes:
        a = got.get(f"path {name}: {path}")
        st, data, seen = (a[1], a[2], a[4]) if a and len(a) > 4 else (a and a[1], None, None)
        ok = (st == want) if isinstance(want, int) else (st == 200 and (data, seen) == want)
        if not ok:
            wrong.append(f"{path} -> {st} {data!r} {seen!r}, want {want}")
    check(f"{gw}: {len(probes)} dot, encoded and doubled paths are decided on their normal form",
          probes and not wrong, "; ".join(wrong[:6]))

def run_haproxy(edge, limits, cert_hosts, want):
    """The generated HAProxy config with local binds, certificates and the
    stub backends; the same sequence must get the same answers."""
    global haproxy
    cfg = open(f"{out}/{env}/gateway/haproxy/haproxy.cfg").read()
    open(f"{tls}/gateway.pem", "w").write(open(f"{tls}/gateway.crt").read() +
                                          open(f"{tls}/gateway.key").read())
    cfg = cfg.replace("crt-base /etc/haproxy/certs", f"crt-base {tls}")
    cfg = cfg.replace("bind :443 ", f"bind 127.0.0.1:{BASE + 444} ")
    cfg = cfg.replace("bind :80\n", f"bind 127.0.0.1:{BASE + 81}\n")
    lines = []
    for l in cfg.splitlines():
        w = l.split()
        if w[:1] == ["server"] and w[1] in services:
            l = (f"    server {w[1]} 127.0.0.1:{STUB0 + services.index(w[1])} ssl verify required "
                 f"ca-file {tls}/stub.crt sni str({w[2].split(':')[0]})")
        lines.append(l)
    hcfg = os.path.join(prefix, "haproxy.cfg")
    open(hcfg, "w").write("\n".join(lines) + "\n")
    haproxy = subprocess.Popen(["haproxy", "-db", "-f", hcfg],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_port(BASE + 444):
        check("haproxy starts", False)
        return
    PORT["https"] = BASE + 444
    got = sequence(edge, limits, cert_hosts)
    PORT["https"] = HTTPS
    path_checks("HAProxy", edge, got)
    diff = [f"{a} vs {b}" for a, b in zip(want, got) if a != b]
    check(f"HAProxy answers the same {len(want)} requests as nginx",
          not diff and len(want) == len(got), "; ".join(diff[:4]))

def cors_checks(route, cert):
    """A route's CORS policy as browsers see it: preflights and requests from
    an allowed origin and from one that is not."""
    pol, host, path = route["cors"], route["host"], route["sample"]
    allowed = next((o for o in pol["origins"] if o != "*"), "https://anyone.example")
    other = "https://evil.example" if "*" not in pol["origins"] else None
    method = pol["methods"].split(", ")[-1]
    pre = {"Origin": allowed, "Access-Control-Request-Method": method}
    st, body, hs = request(host, path, "OPTIONS", pre, cert=cert, full=True)
    acao = [v for k, v in hs if k.lower() == "access-control-allow-origin"]
    acam = [v for k, v in hs if k.lower() == "access-control-allow-methods"]
    acac = [v for k, v in hs if k.lower() == "access-control-allow-credentials"]
    vary = [v for k, v in hs if k.lower() == "vary"]
    good = (200 <= st < 300 and acao == [allowed] and acam == [pol["methods"]]
            and (acac == ["true"]) == pol["credentials"] and "Origin" in vary
            and body != route["service"])
    check(f"preflight from an allowed origin passes at the edge: {host}{path}", good, (st, hs))
    st, data, hs = request(host, path, "GET" if "GET" in route["methods"] else route["methods"][0],
                           {"Origin": allowed}, cert=cert, full=True,
                           body="{}" if "GET" not in route["methods"] else None)
    acao = [v for k, v in hs if k.lower() == "access-control-allow-origin"]
    check(f"a request from an allowed origin gets one Access-Control-Allow-Origin: {host}{path}",
          st == 200 and data == route["service"] and acao == [allowed], (st, data, acao))
    if other:
        st, _, hs = request(host, path, "OPTIONS", {"Origin": other,
                            "Access-Control-Request-Method": method}, cert=cert, full=True)
        cors = [k for k, v in hs if k.lower().startswith("access-control-")]
        check(f"preflight from another origin gets no CORS header: {host}{path}", not cors, (st, hs))
        st, _, hs = request(host, path, "GET" if "GET" in route["methods"] else route["methods"][0],
                            {"Origin": other}, cert=cert, full=True,
                            body="{}" if "GET" not in route["methods"] else None)
        cors = [k for k, v in hs if k.lower().startswith("access-control-")]
        check(f"a request from another origin gets no CORS header: {host}{path}", not cors, (st, hs))

try:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(f"{tls}/stub.crt", f"{tls}/stub.key")
    for i, name in enumerate(services):
        srv = ThreadingHTTPServer(("127.0.0.1", STUB0 + i), Stub)
        srv.name = name
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        stubs.append(srv)
    test = subprocess.run(["nginx", "-t", "-q", "-p", prefix + "/", "-c", "nginx.conf"],
                          capture_output=True, text=True)
    check("nginx -t", test.returncode == 0, test.stderr[-800:])
    rc = subprocess.run(["/usr/lib/x86_64-linux-gnu/libexec/modsec-rules-check",
                         f"{prefix}/modsec/main.conf"], capture_output=True, text=True)
    check("modsec-rules-check", rc.returncode == 0 and "Test ok" in rc.stdout,
          (rc.stdout + rc.stderr)[-800:])
    nginx = subprocess.Popen(["nginx", "-p", prefix + "/", "-c", "nginx.conf", "-g", "daemon off;"],
                             stderr=subprocess.DEVNULL)
    started = wait_port(HTTPS) and wait_port(HTTP)
    check("gateway starts", started)
    if not started:
        raise SystemExit(1)
    # hosts that require a client certificate, from the generated servers
    cert_hosts, name = set(), None
    for l in open(f"{prefix}/nginx.conf"):
        w = l.split()
        if w[:1] == ["server_name"]:
            name = w[1].rstrip(";")
        if w[:1] == ["ssl_client_certificate"]:
            cert_hosts.add(name)

    # every edge route's sample reaches its own service
    wrong = []
    edge = [r for r in table["routes"] if not r["internal"]]
    for i, r in enumerate(edge):
        # many clients, as in life: the platform's own per-client rate
        # limits must not trip over the sweep (127.0.0.0/8 is loopback)
        source = f"127.0.{10 + i // 200}.{10 + i % 200}"
        method = "GET" if "GET" in r["methods"] else r["methods"][0]
        cert = r["host"] in cert_hosts
        body = "{}" if method in ("POST", "PUT", "PATCH") else None
        status, data = request(r["host"], r["sample"], method, cert=cert, body=body,
                               source=source)
        if status != 200 or data != r["service"]:
            wrong.append(f"{method} {r['host']}{r['sample']} -> {status} {data[:40]!r}, want {r['service']}")
    check(f"all {len(edge)} route samples reach their service", not wrong, "; ".join(wrong[:5]))

    # every operation of the API documents reaches the service that claims
    # it; bulk bodies at the documented maxItems pass
    if OAS:
        unclaimed = [r["name"] for r in OAS if r["claimed"] != 1]
        check(f"every operation of the API documents is claimed by one service",
              not unclaimed, "; ".join(unclaimed[:5]))
        wrong, docs = {False: [], True: []}, {r["name"].split()[0] for r in OAS}
        for i, r in enumerate(OAS):
            status, data = request(r["host"], r["path"], r["method"], body=r["body"],
                                   source=f"127.2.{i // 200}.{10 + i % 200}")
            if status != 200 or (r["service"] and data != r["service"]):
                wrong[bool(r["bulk"])].append(f"{r['name']} -> {status} {data[:40]!r}, "
                                              f"want {r['service'] or 'any service'}")
        ops = [r for r in OAS if not r["bulk"]]
        check(f"all {len(ops)} operations of {len(docs)} API documents reach their service",
              not wrong[False], "; ".join(wrong[False][:5]))
        bulks = [r["bulk"] for r in OAS if r["bulk"]]
        check(f"bulk bodies at the documented maximum pass ({', '.join(bulks)})",
              bulks and not wrong[True], "; ".join(wrong[True][:5]))

    # the sequence both targets can answer, first on nginx
    time.sleep(1.2)
    nginx_answers = sequence(edge, table["limits"], cert_hosts)
    path_checks("nginx", edge, nginx_answers)

    if "--haproxy" in sys.argv:
        run_haproxy(edge, table["limits"], cert_hosts, nginx_answers)

    # CORS: one route per distinct policy and host
    seen = set()
    for r in edge:
        key = (r["host"], json.dumps(r.get("cors"), sort_keys=True))
        if r.get("cors") and "sample" in r and key not in seen:
            seen.add(key)
            cors_checks(r, r["host"] in cert_hosts)

    api = next(h for h in table["hosts"] if h.startswith("api."))
    some = next(r for r in edge if r["host"] == api and "GET" in r["methods"])
    status, _ = request(api, "/no/such/route/here")
    check("unknown path is 404", status == 404, status)
    limits = table["limits"]
    n = limits["max-url-length"]
    status, _ = request(api, some["sample"] + "?q=" + "a" * (n - len(some["sample"]) - 3))
    check(f"a URL of max-url-length ({n}) passes", status == 200, status)
    status, _ = request(api, some["sample"] + "?q=" + "a" * (n - len(some["sample"]) - 2))
    check("a URL one longer is refused with 414", status == 414, status)
    post = next((r for r in edge if r["host"] == api and "POST" in r["methods"]), None)
    if post:
        status, data = request(api, post["sample"], "POST",
                               body='{"name": "x\' OR \'1\'=\'1", "id": 1 UNION SELECT password FROM users')
        check("malformed JSON carrying SQL injection is refused", status in (400, 403)
              and data != post["service"], (status, data[:60]))
    c = http.client.HTTPConnection("127.0.0.1", HTTP, timeout=10)
    c.request("GET", some["sample"], headers={"Host": api})
    r = c.getresponse()
    check("plain HTTP redirects to HTTPS", r.status == 301 and
          r.getheader("Location") == f"https://{api}{some['sample']}", (r.status, r.getheader("Location")))
    c.close()
    status, _ = request(api, some["sample"])
    hsts = None
    c = Conn(api, plain); c.request("GET", some["sample"], headers={"Host": api}); rr = c.getresponse()
    hsts = rr.getheader("Strict-Transport-Security"); rr.read(); c.close()
    check("HSTS header", bool(hsts) and "max-age=" in hsts, hsts)
    status, _ = request(api, some["sample"] + "?id=1%27%20OR%20%271%27=%271")
    check("SQL injection is 403", status == 403, status)
    status, _ = request(api, some["sample"] + "?q=%3Cscript%3Ealert(1)%3C/script%3E")
    check("XSS is 403", status == 403, status)
    for p in ("/metrics", "/internal/anything", "/healthz"):
        status, _ = request(api, p)
        check(f"internal path {p} is not served", status in (403, 404), status)
    for r in table["routes"]:
        if r["internal"]:
            status, data = request(r["host"], r["sample"])
            check(f"internal route {r['path']} is not at the edge", status in (403, 404) and data != r["service"], status)
    for admin in sorted(cert_hosts):
        try:
            status, _ = request(admin, "/")
            refused = status in (400, 403, 495, 496)
        except (ssl.SSLError, ConnectionError, OSError):
            refused = True
        check("client-certificate host refuses a client without one", refused)

    time.sleep(0.3)
    audit = open(f"{prefix}/logs/modsec_audit.log").read()
    check("ModSecurity logs the unknown path", "GET /no/such/route/here" in audit
          and "request matches no route" in audit, "not in the audit log")

    if waf:
        status, _ = request(api, some["sample"], source="127.0.0.2")
        check("denied IP is 403", status == 403, status)
        time.sleep(1.2)  # the sample sweep used this second's request
        rl = limits["rate-limits"]["limited"]
        codes = [request(api, "/limited", source="127.0.0.9")[0] for _ in range(rl["burst"] + 2)]
        want = [200] * rl["burst"] + [429, 429]
        check(f"{rl['burst']} back-to-back requests pass the rate limit, the next get 429",
              codes == want, codes)
        status, data = request(api, "/reports/1?id=1%27%20OR%20%271%27=%271")
        check("detection-only route lets an attack through", status == 200 and data == "orders", (status, data))
        time.sleep(0.2)
        audit = open(f"{prefix}/logs/modsec_audit.log").read()
        entry = audit[audit.find("GET /reports/1?"):][:6000]
        check("detection-only route logs it", "942100" in entry and "949110" in entry,
              "no 942100/949110 for /reports/1 in the audit log")
        status, _ = request(api, "/orders/1", headers={"User-Agent": "sqlmap/1.7"})
        check("custom rule blocks a scanner", status == 403, status)
        status, data = request(api, "/orders/latest")
        check("GET falls through to the {orderId} route", (status, data) == (200, "orders"), (status, data))
        status, data = request(api, "/orders/latest", "POST", body="{}")
        check("POST goes to the literal route", (status, data) == (200, "order-import"), (status, data))
        status, _ = request(api, "/orders/latest", "DELETE")
        check("a method no route has is refused by CRS", status == 403, status)
        status, _ = request(api, "/search", "PUT", body="{}")
        check("a method the path's routes do not take is 405", status == 405, status)
        time.sleep(0.3)
        audit = open(f"{prefix}/logs/modsec_audit.log").read()
        check("ModSecurity logs the 405", "PUT /search" in audit, "not in the audit log")
    leaked = [p for p in SEEN if internal_re().match(normal(p))
              or re.search(r"(^|/)\.\.?(/|$|\?)|//|%2e|%2f|%5c|\\", p.split("?")[0], re.I)]
    check(f"no service was sent an internal path or a path not in normal form ({len(SEEN)} requests)",
          SEEN and not leaked, leaked[:6])
except SystemExit:
    pass
finally:
    stop_all()
    left = subprocess.run(["pgrep", "-f", f"nginx.*{prefix}"], capture_output=True, text=True).stdout.split()
    check("every process stopped", not left, left)
sys.exit(0 if all(results) else 1)
