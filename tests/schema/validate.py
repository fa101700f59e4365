"""tests/schema/validate.py SCHEMA_DIR ROOT - the JSON Schema against the
spec files topoc reads, with python3-jsonschema (Draft 7).

Prints "ok NAME" / "FAIL NAME: why" lines for tests/schema.sh.

YAML is read as an editor reads it (YAML 1.2 core: only true/false are
booleans, dates stay text), with positions, so each schema error has a
line.  Checked:
  - every document of the example, the tutorial and every rule's pass.yaml
    validates;
  - every input diagnostic topoc reports in tests/cases/*/expect.err and
    tests/rules/*/fail.err for a rule the schema can express is matched by
    a schema error on the same line of the same file.
"""
import json, os, re, sys
import yaml, jsonschema

schema_dir, root = sys.argv[1], sys.argv[2]
# the rules a schema expresses; the others need more than one document
# (duplicate-name, unknown-reference, no-platform, duplicate-platform) or
# are limits of the reader (nesting, aliases, size, encoding)
SCHEMA_RULES = {"unknown-key", "missing-key", "type-mismatch", "invalid-value",
                "invalid-path", "unknown-document"}
# what a schema cannot say, by case and line: each with the reason
BEYOND_SCHEMA = {
    ("tests/cases/invalid-value-cidr", 5):
        "10.1.2.0/16 has bits set after the prefix: arithmetic on the address",
    ("tests/cases/invalid-value-range", 7):
        "1MB under memory's 16Mi minimum: bounds apply to plain numbers only, "
        "a size with a unit is a string to a schema",
    ("tests/cases/invalid-value-waf-values", 25):
        "custom-rule values are text to the schema; topoc reads them by operator "
        "(ip-match: addresses and networks)",
    ("tests/cases/invalid-value-waf-values", 31):
        "regex values: PCRE2's own syntax errors and topoc's ReDoS rule",
    ("tests/cases/build-refuses-keys-no-template-honours", 14):
        "peered-with is valid spec (check reads it); only build refuses it, "
        "as the Azure templates create no peering",
    ("tests/cases/build-refuses-keys-no-template-honours", 27):
        "sku is refused by the store's kind, decided when a template is "
        "built (a schema could say it with if/then; the reference keeps "
        "stores one shape)",
    ("tests/cases/keys-without-effect", 22):
        "redundancy on a key-vault: refused by the store's kind, which an override may also "
        "set (a schema could say it with if/then; the reference keeps stores "
        "one shape)",
    ("tests/cases/keys-without-effect", 27):
        "a geo redundancy on a cache: refused by the store's kind, which an override may also "
        "set (a schema could say it with if/then; the reference keeps stores "
        "one shape)",
    ("tests/cases/keys-without-effect", 33):
        "a geo redundancy on a cache, in one environment's override: refused by the store's kind, which an override may also "
        "set (a schema could say it with if/then; the reference keeps stores "
        "one shape)",
    ("tests/cases/keys-without-effect", 36):
        "read access (ra-) on a SQL store: refused by the store's kind, which an override may also "
        "set (a schema could say it with if/then; the reference keeps stores "
        "one shape)",
    ("tests/cases/keys-without-effect", 50):
        "a selector on a variable that has none: refused by the variable "
        "beside it (if/then; custom rules stay one shape)",
    ("tests/cases/keys-without-effect", 24):
        "an internal route's waf: refused by 'internal' beside it",
    ("tests/cases/keys-without-effect", 25):
        "an internal route's cors: refused by 'internal' beside it",
    ("tests/cases/keys-without-effect", 10):
        "scale rules where min equals max: a comparison of two values, "
        "which may come from defaults",
    ("tests/cases/sql-keys-on-other-stores", 41):
        "failover-region on a cache: refused by the store's kind (if/then; "
        "the reference keeps stores one shape)",
    ("tests/cases/sql-keys-on-other-stores", 44):
        "backup-region on a key-vault: refused by the store's kind (if/then; "
        "the reference keeps stores one shape)",
    ("tests/cases/sql-keys-on-other-stores", 50):
        "failover-region in a blob store's override: refused by the store's "
        "kind, written elsewhere",
    ("tests/cases/keys-azure-refuses", 15):
        "an alert window Azure does not take: a set of durations, each "
        "writable in seconds, minutes or hours (7m, 420s); the schema "
        "checks the form",
    ("tests/cases/keys-azure-refuses", 6):
        "health-path is typed as a route path, the format routes share; "
        "that a probe takes no parameter is the check's",
    ("tests/cases/keys-azure-refuses", 12):
        "a threshold over 100 on cpu or memory: its bound depends on the "
        "metric beside it (if/then; the reference keeps rules one shape)",
    ("tests/cases/keys-azure-refuses", 18):
        "an alert threshold over 100 on cpu or memory: its bound depends "
        "on the metric beside it (if/then; the reference keeps alerts one "
        "shape)",
    ("tests/cases/keys-azure-refuses", 16):
        "an override for an environment single-environment excludes: the "
        "key allowed depends on another key's value",
    ("tests/cases/sql-keys-on-other-stores", 53):
        "a SQL backup-region that is not the region's pair: a fact about "
        "Azure's regions, not a shape",
}


class Loader(yaml.SafeLoader):
    pass


Loader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))

any_schema = json.load(open(os.path.join(schema_dir, "any.json")))
jsonschema.Draft7Validator.check_schema(any_schema)
validator = jsonschema.Draft7Validator(any_schema)


def node_at(node, path):
    """The YAML node at a JSON path, and the key nodes on the way."""
    for p in path:
        if isinstance(node, yaml.MappingNode):
            hit = [(k, v) for k, v in node.value if k.value == p]
            if not hit:
                return node
            node = hit[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(p, int) and p < len(node.value):
            node = node.value[p]
        else:
            return node
    return node


def key_line(doc_node, path):
    """The line of the key that holds the value at path, if any."""
    if not path:
        return set()
    parent = node_at(doc_node, path[:-1])
    if isinstance(parent, yaml.MappingNode):
        return {k.start_mark.line + 1 for k, _ in parent.value if k.value == path[-1]}
    return set()


def error_lines(doc_node, err):
    """1-based lines a schema error points at: the value, the key holding
    it; an unexpected key; any line of a map that lacks a required key."""
    node = node_at(doc_node, err.absolute_path)
    lines = {node.start_mark.line + 1} | key_line(doc_node, list(err.absolute_path))
    if err.validator == "additionalProperties" and isinstance(node, yaml.MappingNode):
        allowed = set(err.schema.get("properties", {}))
        lines |= {k.start_mark.line + 1 for k, _ in node.value if k.value not in allowed}
    if err.validator == "required":
        lines |= set(range(node.start_mark.line + 1, node.end_mark.line + 2))
    for sub in err.context or []:
        lines |= error_lines(doc_node, sub)
    return lines


def file_errors(path):
    """[(line, message)] for every document of a file; None if not YAML."""
    text = open(path, "rb").read().decode("utf-8")
    try:
        nodes = list(yaml.compose_all(text, Loader=Loader))
    except yaml.YAMLError:
        return None
    out = []
    for node in nodes:
        if node is None:
            continue
        data = Loader(yaml.serialize(node)).get_single_data()
        for err in validator.iter_errors(data):
            for line in error_lines(node, err):
                out.append((line, err.message[:160]))
    return out


def spec_files(top):
    for d, dirs, files in os.walk(top):
        dirs.sort()
        if d != top and "platform.yaml" in files:
            dirs[:] = []
            continue
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                yield os.path.join(d, f)


def report(name, problems):
    print(("ok " + name) if not problems else ("FAIL " + name + ": " + "; ".join(problems[:5])))


# 1. what topoc accepts, the schema accepts
for top in ["specs", "specs/tutorial"]:
    problems = []
    for f in spec_files(os.path.join(root, top)):
        errs = file_errors(f)
        if errs:
            problems += ["%s:%d: %s" % (os.path.relpath(f, root), l, m) for l, m in errs]
    report("schema accepts " + top, problems)
passes = [os.path.join(root, "tests/rules", r, "pass.yaml") for r in sorted(os.listdir(os.path.join(root, "tests/rules")))]
problems = []
for f in passes:
    if os.path.exists(f):
        errs = file_errors(f) or []
        problems += ["%s:%d: %s" % (os.path.relpath(f, root), l, m) for l, m in errs]
report("schema accepts every rule's pass.yaml", problems)

# 2. what topoc rejects as input, the schema rejects on the same line
DIAG = re.compile(r"^(\S+?):(\d+):(\d+): error: .*\[([a-z-]+)\]$")
expectations = []
for case in sorted(os.listdir(os.path.join(root, "tests/cases"))):
    d = os.path.join(root, "tests/cases", case)
    if os.path.exists(os.path.join(d, "expect.err")):
        expectations.append((d, os.path.join(d, "expect.err")))
for rule in sorted(os.listdir(os.path.join(root, "tests/rules"))):
    d = os.path.join(root, "tests/rules", rule)
    if os.path.exists(os.path.join(d, "fail.err")):
        expectations.append((d, os.path.join(d, "fail.err")))
checked = 0
for d, err in expectations:
    problems = []
    for line in open(err, encoding="utf-8", errors="replace"):
        m = DIAG.match(line.rstrip("\n"))
        if not m or m.group(4) not in SCHEMA_RULES:
            continue
        if (os.path.relpath(d, root), int(m.group(2))) in BEYOND_SCHEMA:
            continue
        path = os.path.join(d, m.group(1))
        if not os.path.isfile(path):
            continue
        checked += 1
        errs = file_errors(path)
        if errs is None:
            continue  # not YAML to a YAML reader either
        if int(m.group(2)) not in {l for l, _ in errs}:
            problems.append("%s:%s [%s] has no schema error on its line (schema: %s)" % (
                m.group(1), m.group(2), m.group(4), sorted(errs)[:3]))
    if problems:
        report("schema rejects " + os.path.relpath(d, root), problems)
report("schema rejects every input error topoc reports (%d checked)" % checked,
       [] if checked >= 20 else ["only %d diagnostics checked" % checked])
