"""arm_names.py - the names-fed assertion of the integrity checker
(integrity.py): no template refers to a resource another template declares
by writing that resource's name.  What one template needs of another's
arrives as a parameter (fed from the other's outputs) or through a
deployment's outputs, so a name derived twice cannot drift apart (a
renamed API Management service, a template deployed on its own).

Read from the templates as written, not evaluated: a child resource whose
literal name ('apim-x/api/op') puts it under another template's resource,
and a resourceId() of literal names ('Microsoft.X/y', 'name') that is
another template's resource.  A name that reaches the template through a
parameter is neither.
"""
import re

from arm_eval import RG, is_expr, resource_id, strings

# resourceId() (not subscriptionResourceId()) whose arguments are all
# string literals
LITERAL_ID = re.compile(r"(?<![A-Za-z])resourceId\(\s*'([^']+)'((?:\s*,\s*'(?:[^']|'')*')+)\s*\)")
ARG = re.compile(r"'((?:[^']|'')*)'")


def _literal_ids(text):
    for m in LITERAL_ID.finditer(text):
        names = [a.replace("''", "'") for a in ARG.findall(m.group(2))]
        try:
            yield resource_id(RG, m.group(1), names)
        except Exception:  # a malformed id is id-resolves' business
            continue


def _parents(r):
    """The ids of the parents a literal child name puts R under."""
    raw = r.raw.get("name")
    if not isinstance(raw, str) or is_expr(raw) or "/" not in raw:
        return
    segs, names = r.type.split("/"), raw.split("/")
    for k in range(1, min(len(names), len(segs) - 1)):
        try:
            yield resource_id(RG, "/".join(segs[:k + 1]), names[:k])
        except Exception:
            return


def check_names(resources, fail):
    """FAIL(what) for each reference by literal name to a resource of
    another template; RESOURCES are integrity.py's (tmpl, type, id, raw)."""
    owner = {}
    for r in resources:
        if r.id:
            owner.setdefault(r.id.lower(), r.tmpl)
    for r in resources:
        seen = set()
        found = list(_parents(r))
        for text in strings(r.raw):
            if "resourceId(" in text:
                found += _literal_ids(text)
        for rid in found:
            o = owner.get(rid.lower())
            if o and o != r.tmpl and rid.lower() not in seen:
                seen.add(rid.lower())
                fail(f"{r.tmpl}: {r.type} {r.name} names {rid.split('/providers/', 1)[-1]} "
                     f"of {o} literally (feed it as a parameter)")
