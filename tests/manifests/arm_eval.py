"""arm_eval.py - Azure Resource Manager template expressions, evaluated the
way the deployment engine reads them, for the integrity checker
(integrity.py).  Written from the ARM documentation, not from topoc's
emitters: a string that starts with '[' and ends with ']' is an
expression unless it starts with '[['; functions that need Azure's runtime
(reference() of a resource) give symbolic values that name what they read.
"""
import hashlib
import re

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = SUB + "/resourceGroups/rg"


class EvalError(Exception):
    pass


class Sym(str):
    """A value only Azure knows at deployment time: the text names it,
    e.g. 'ref(<id>).identity.principalId'."""


class Ref:
    """reference() of a resource: every property read is a Sym."""

    def __init__(self, rid):
        self.rid = rid

    def get(self, key):
        return SymObj(f"ref({self.rid}).{key}", self.rid)


class SymObj(Sym):
    def __new__(cls, text, rid):
        s = Sym.__new__(cls, text)
        s.rid = rid
        return s

    def get(self, key):
        return SymObj(f"{self}.{key}", self.rid)


def is_expr(s):
    return isinstance(s, str) and s.startswith("[") and s.endswith("]") and not s.startswith("[[")


def literal(s):
    """What ARM makes of a string that is not an expression."""
    return s[1:] if isinstance(s, str) and s.startswith("[[") and s.endswith("]") else s


TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)|(?P<p>[(),.\[\]]))")


def tokenize(text):
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise EvalError(f"cannot read expression at {text[pos:pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "str":
            val = val[1:-1].replace("''", "'")
        elif kind == "num":
            val = int(val)
        out.append((kind, val))
    return out


def resource_id(prefix, rtype, names):
    segs = rtype.split("/")
    if len(segs) - 1 != len(names):
        raise EvalError(f"resourceId('{rtype}') with {len(names)} names")
    path = segs[0] + "/" + segs[1] + "/" + names[0]
    for t, n in zip(segs[2:], names[1:]):
        path += f"/{t}/{n}"
    return f"{prefix}/providers/{path}"


class Context:
    """One template's evaluation: its parameters and variables; the
    deployment's outputs (deployments by name) for reference()."""

    def __init__(self, params, variables=None, deployments=None, used=None):
        self.params = params
        self.variables = variables or {}
        self.deployments = deployments if deployments is not None else {}
        self.functions_used = used if used is not None else set()

    def evaluate(self, value):
        """Deep: every string in a JSON value."""
        if isinstance(value, dict):
            return {self.evaluate(k): self.evaluate(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.evaluate(v) for v in value]
        if is_expr(value):
            return self.expr(value[1:-1])
        return literal(value)

    def expr(self, text):
        toks = tokenize(text)
        val, i = self.parse(toks, 0)
        if i != len(toks):
            raise EvalError(f"trailing text in [{text}]")
        return val

    def parse(self, t, i):
        if i >= len(t):
            raise EvalError("expression ends early")
        kind, v = t[i]
        if kind in ("str", "num"):
            val, i = v, i + 1
        elif kind == "id":
            if i + 1 >= len(t) or t[i + 1] != ("p", "("):
                raise EvalError(f"'{v}' is not a function call")
            args, i = [], i + 2
            if t[i] != ("p", ")"):
                while True:
                    a, i = self.parse(t, i)
                    args.append(a)
                    if t[i] == ("p", ","):
                        i += 1
                        continue
                    break
            if t[i] != ("p", ")"):
                raise EvalError(f"{v}(: missing ')'")
            i += 1
            val = self.call(v, args)
        else:
            raise EvalError(f"unexpected {v!r}")
        while i < len(t) and t[i] in (("p", "."), ("p", "[")):
            if t[i] == ("p", "."):
                key = t[i + 1][1]
                i += 2
            else:
                key, i = self.parse(t, i + 1)
                if t[i] != ("p", "]"):
                    raise EvalError("missing ']'")
                i += 1
            val = self.member(val, key)
        return val, i

    def member(self, val, key):
        if isinstance(val, (Ref, SymObj)):
            return val.get(key)
        if isinstance(val, dict):
            for k in val:
                if k.lower() == str(key).lower():
                    return val[k]
            raise EvalError(f"no property '{key}' in {sorted(val)[:8]}")
        if isinstance(val, list) and isinstance(key, int):
            if key >= len(val):
                raise EvalError(f"index {key} out of range")
            return val[key]
        raise EvalError(f"cannot read '{key}' of {type(val).__name__}")

    def call(self, name, a):
        self.functions_used.add(name)
        f = FUNCTIONS.get(name)
        if not f:
            raise EvalError(f"unknown function {name}()")
        return f(self, *a)

    def reference(self, target, *rest):
        rid = target if target.startswith("/subscriptions/") else \
            resource_id(RG, "Microsoft.Resources/deployments", [target])
        m = re.search(r"/providers/Microsoft\.Resources/deployments/([^/]+)$", rid)
        if m:
            if m.group(1) not in self.deployments:
                raise EvalError(f"reference() to deployment '{m.group(1)}' that has not run")
            return {"outputs": self.deployments[m.group(1)]}
        return Ref(rid)


def _param(c, n):
    if n not in c.params:
        raise EvalError(f"parameters('{n}') is not declared or not fed")
    return c.params[n]


def _variable(c, n):
    if n not in c.variables:
        raise EvalError(f"variables('{n}') is not declared")
    return c.variables[n]


def _format(c, fmt, *args):
    return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1))]), fmt)


def _union(c, *objs):
    if len(objs) < 2 or not all(isinstance(o, dict) for o in objs):
        raise EvalError("union() takes two or more objects")
    out = {}
    for o in objs:
        out.update(o)
    return out


def _guid(c, *args):
    h = hashlib.sha1("|".join(map(str, args)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


FUNCTIONS = {
    "parameters": _param,
    "variables": _variable,
    "resourceId": lambda c, t, *n: resource_id(RG, t, list(n)),
    "subscriptionResourceId": lambda c, t, *n: resource_id(SUB, t, list(n)),
    "extensionResourceId": lambda c, scope, t, *n: resource_id(scope, t, list(n)),
    "reference": lambda c, t, *rest: c.reference(t, *rest),
    "subscription": lambda c: {"id": SUB, "subscriptionId": SUB.split("/")[-1],
                               "tenantId": "11111111-1111-1111-1111-111111111111"},
    "resourceGroup": lambda c: {"id": RG, "name": "rg", "location": "uksouth"},
    "concat": lambda c, *a: "".join(map(str, a)),
    "format": _format,
    "guid": _guid,
    "union": _union,
    "if": lambda c, cond, a, b: a if cond else b,
    "toLower": lambda c, s: s.lower(),
    "string": lambda c, s: str(s),
}


def strings(v):
    """Every string inside a template value."""
    if isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, str):
        yield v


def cycles(edges):
    """Each dependsOn cycle of EDGES (node -> nodes) met in a depth-first
    walk, as the path that closes it."""
    state, found = {}, []

    def visit(n, path):
        if state.get(n) == 1:
            found.append(path + [n])
            return
        if state.get(n) == 2:
            return
        state[n] = 1
        for m in edges.get(n, []):
            visit(m, path + [n])
        state[n] = 2

    for n in list(edges):
        visit(n, [])
    return found
