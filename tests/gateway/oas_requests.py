"""oas_requests.py - one request per operation of every OpenAPI document of a
spec, built from the documents (never hand-listed), and which service each
must reach: the service whose openapi: entry claims it (model.json).

requests(spec, out, env) -> list of dicts: name, host, path, method, body,
service (None where a waiver in the spec accepts that the operation goes
elsewhere), bulk (True for a body at an array's documented maxItems).

Values: a parameter's example (or first of its examples), else the first
enum value, else one a format or type allows; bodies from the media type's
example (or first of its examples), else {}.  A bulk body repeats the
example's first array element up to the array's maxItems.
"""
import copy, fnmatch, glob, json, os, re, urllib.parse

METHODS = ("get", "head", "post", "put", "patch", "delete", "options")

def deref(doc, x, depth=0):
    while isinstance(x, dict) and "$ref" in x and depth < 32:
        y = doc
        for k in x["$ref"].split("/")[1:]:
            k = urllib.parse.unquote(k).replace("~1", "/").replace("~0", "~")
            y = y[int(k)] if isinstance(y, list) else y[k]
        x, depth = y, depth + 1
    return x

def value(doc, p):
    """A value of parameter p its schema allows, as text."""
    s = deref(doc, p.get("schema", {}))
    for src in (p, s):
        if "example" in src:
            return str(src["example"])
        if src.get("examples"):
            ex = src["examples"]
            ex = ex[0] if isinstance(ex, list) else deref(doc, next(iter(ex.values()))).get("value")
            if ex is not None:
                return str(ex)
    for alt in s.get("oneOf", []) + s.get("anyOf", []):
        return value(doc, {"schema": alt})
    if s.get("enum"):
        return str(s["enum"][0])
    if s.get("format") == "uuid":
        return "8a210b68-6988-11ed-a1eb-0242ac120002"
    if s.get("type") == "integer":
        return "1"
    return "x1"

def params(doc, item, op):
    """The path and query parameters of an operation (the operation's own
    first, then the path item's)."""
    seen, out = set(), []
    for p in [deref(doc, p) for p in op.get("parameters", []) + item.get("parameters", [])]:
        key = (p.get("in"), p.get("name"))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out

def example_body(doc, op):
    rb = deref(doc, op.get("requestBody", {}))
    media = rb.get("content", {}).get("application/json")
    if media is None:
        return None, None
    if "example" in media:
        return media["example"], deref(doc, media.get("schema", {}))
    for ex in media.get("examples", {}).values():
        ex = deref(doc, ex)
        if "value" in ex:
            return ex["value"], deref(doc, media.get("schema", {}))
    return {}, deref(doc, media.get("schema", {}))

def bulk(doc, body, schema):
    """The body with its first top-level array at maxItems, or None."""
    props = {}
    for s in [schema] + [deref(doc, x) for x in schema.get("allOf", [])]:
        props.update(s.get("properties", {}))
    for name, s in props.items():
        s = deref(doc, s)
        if s.get("type") == "array" and "maxItems" in s and isinstance(body, dict) \
                and isinstance(body.get(name), list) and body[name]:
            b = copy.deepcopy(body)
            b[name] = [copy.deepcopy(body[name][0]) for _ in range(s["maxItems"])]
            return b, f"{name} x{s['maxItems']}"
    return None

def covers(template, key):
    """Does an openapi[].paths template cover a document path key?"""
    t, k = template.strip("/").split("/"), key.strip("/").split("/")
    for i, seg in enumerate(t):
        if seg == "**":
            return True
        if i >= len(k):
            return False
        if seg.startswith("{") and seg.endswith("}"):
            continue
        if seg != k[i]:
            return False
    return len(t) == len(k)

def owners(model, env):
    """(document file name, service, paths) for every openapi: entry."""
    out = []
    for name, s in model["environments"][env]["services"].items():
        for ref in s.get("openapi", []):
            out.append((os.path.basename(ref["document"]), name, ref.get("paths", []),
                        ref.get("host")))
    return out

def waived(spec, service, op_id):
    path = os.path.join(spec, "waivers.yaml")
    if not op_id or not os.path.exists(path):
        return False
    targets = re.findall(r"rule: openapi-operation-unrouted\s+target: \"?([^\"\n]+)\"?",
                         open(path).read())
    return any(fnmatch.fnmatch(f"x/service/{service}/operation/{op_id}", t) for t in targets)

def requests(spec, out, env):
    model = json.load(open(f"{out}/model.json"))
    domain = model["environments"][env]["domain"]
    prod = [e["domain"] for e in model["environments"].values()]
    entries, reqs = owners(model, env), []
    for f in sorted(glob.glob(f"{spec}/openapi/*.json")):
        doc, base = json.load(open(f)), os.path.basename(f)
        server = doc.get("servers", [{}])[0].get("url", "")
        shost = urllib.parse.urlsplit(server).hostname or ""
        label = next((shost[:-len(d) - 1] for d in prod if shost.endswith("." + d)), shost)
        for key, item in doc["paths"].items():
            item = deref(doc, item)
            for m in METHODS:
                if m not in item:
                    continue
                op = deref(doc, item[m])
                claim = [(svc, h) for d, svc, paths, h in entries if d == base and
                         (not paths or any(covers(t, key) for t in paths))]
                svc, host = (claim[0] if len(claim) == 1 else (None, None))
                host = f"{host or label}.{domain}"
                ps = params(doc, item, op)
                path = key
                for p in ps:
                    if p.get("in") == "path":
                        path = path.replace("{%s}" % p["name"],
                                            urllib.parse.quote(value(doc, p), safe=""))
                query = [(p["name"], value(doc, p)) for p in ps
                         if p.get("in") == "query" and p.get("required")]
                if query:
                    path += "?" + urllib.parse.urlencode(query)
                body, schema = example_body(doc, op)
                name = f"{base} {m.upper()} {key}"
                if svc and waived(spec, svc, op.get("operationId")):
                    svc = None
                reqs.append({"name": name, "host": host, "path": path, "method": m.upper(),
                             "body": None if body is None else json.dumps(body),
                             "service": svc, "claimed": len(claim), "bulk": None})
                big = bulk(doc, body, schema) if body is not None else None
                if big:
                    reqs.append(dict(reqs[-1], name=f"{name} ({big[1]})",
                                     body=json.dumps(big[0]), bulk=big[1]))
    return reqs
