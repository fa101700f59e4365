"""arm_limits.py - Azure Resource Manager's size limits, for the integrity
checker (integrity.py).  From Microsoft's documentation ("Resolve errors for
job size exceeded", "Template limits" in the best practices, "Template specs
known issues"), not from topoc's emitters:

  a template    at most 800 resources (copies counted), 4 MB, 256
                parameters, 256 variables, 64 outputs, 1 MB per resource
                definition, 24,576 characters per expression;
  a job         what one request sends (the template and its parameter
                file) at most 1 MB;
  a template    the file given to `az ts create` and every template it
    spec        links by relativePath (packed as artifacts), about 2 MB in
                all (TemplateSpecTooLarge).

Sizes are of the files as written (what `az` reads), in bytes.  Also App
Gateway's own limits (check_appgw), for the appgw-limits assertion.
"""
import json
import os
import re

MB = 1024 * 1024
RESOURCES, TEMPLATE_BYTES, PARAMETERS, VARIABLES, OUTPUTS = 800, 4 * MB, 256, 256, 64
RESOURCE_BYTES, EXPRESSION_CHARS, JOB_BYTES, SPEC_BYTES = MB, 24576, MB, 2 * MB


def _expressions(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _expressions(k)
            yield from _expressions(x)
    elif isinstance(v, list):
        for x in v:
            yield from _expressions(x)
    elif isinstance(v, str) and v.startswith("[") and v.endswith("]") and not v.startswith("[["):
        yield v


def _count(raw):
    """Resources, each copy loop counted at its count."""
    n = 0
    for r in raw.get("resources", []):
        c = r.get("copy", {}).get("count", 1)
        n += c if isinstance(c, int) else RESOURCES + 1  # unknowable: refuse
    return n


def check_template(rel, path, raw, fail):
    """One template's own limits; FAIL(what) for each one passed."""
    size = os.path.getsize(path)
    if size > TEMPLATE_BYTES:
        fail(f"{rel}: {size} bytes, over {TEMPLATE_BYTES}")
    n = _count(raw)
    if n > RESOURCES:
        fail(f"{rel}: {n} resources, over {RESOURCES}")
    for key, most in (("parameters", PARAMETERS), ("variables", VARIABLES), ("outputs", OUTPUTS)):
        if len(raw.get(key, {})) > most:
            fail(f"{rel}: {len(raw[key])} {key}, over {most}")
    for r in raw.get("resources", []):
        b = len(json.dumps(r, separators=(",", ":")).encode())
        if b > RESOURCE_BYTES:
            fail(f"{rel}: {r.get('type')} {r.get('name')} is {b} bytes, over {RESOURCE_BYTES}")
    for e in _expressions(raw):
        if len(e) > EXPRESSION_CHARS:
            fail(f"{rel}: an expression of {len(e)} characters, over {EXPRESSION_CHARS}: {e[:60]}...")


def linked(root, rel, seen=None):
    """REL and every template it links by relativePath, transitively (what
    `az ts create --template-file REL` packs), as paths under ROOT."""
    seen = seen if seen is not None else []
    if rel in seen or not os.path.isfile(os.path.join(root, rel)):
        return seen
    seen.append(rel)
    raw = json.load(open(os.path.join(root, rel)))
    for r in raw.get("resources", []):
        link = r.get("properties", {}).get("templateLink", {}).get("relativePath")
        if r.get("type") == "Microsoft.Resources/deployments" and link:
            linked(root, os.path.normpath(os.path.join(os.path.dirname(rel), link)), seen)
    return seen


SPEC_LINE = re.compile(r"^spec (\S+) (\S+)$", re.M)
TS_CREATE = re.compile(r"az ts create .*?--name (\S+) .*?--template-file \"\$here/([^\"$]+)\"")
JOB_LINE = re.compile(r"az deployment group create .*?--template-file \"\$here/([^\"$]+)\"")


def deploy_units(root):
    """What deploy.sh deploys: ({template spec name: file}, the file it
    submits as a job or None), from its `spec NAME FILE` lines (a
    function around az ts create) and its literal `az ts create` and `az
    deployment group create --template-file` commands."""
    text = open(os.path.join(root, "deploy.sh")).read().replace("\\\n", " ")
    specs = dict(SPEC_LINE.findall(text))
    for line in text.splitlines():
        specs.update({n.strip('"'): f for n, f in TS_CREATE.findall(line)})
    job = JOB_LINE.findall(text)
    return specs, (job[0] if job else None)


def check_units(root, fail):
    """Each template spec deploy.sh creates, and the job it submits."""
    specs, job = deploy_units(root)
    for name, rel in sorted(specs.items()):
        files = linked(root, rel)
        size = sum(os.path.getsize(os.path.join(root, f)) for f in files)
        if size > SPEC_BYTES:
            fail(f"template spec {name} ({rel} and {len(files) - 1} linked templates) is {size} bytes, "
                 f"over {SPEC_BYTES}")
    if job:
        size = os.path.getsize(os.path.join(root, job))
        pf = os.path.join(root, "main.parameters.json")
        size += os.path.getsize(pf) if os.path.isfile(pf) else 0
        if size > JOB_BYTES:
            fail(f"the deployment job ({job} and its parameters) is {size} bytes, over {JOB_BYTES}")
    return specs


def deploy_parameters(root):
    """The parameters deploy.sh gives main.json besides the file's
    (--parameters NAME=VALUE), each as a placeholder value."""
    text = open(os.path.join(root, "deploy.sh")).read()
    return {k: f"<{k}>" for k in re.findall(r"--parameters (\w+)=", text)}


def spec_name(sid, rg):
    """The template spec a templateLink.id names in resource group RG."""
    m = re.fullmatch(r"(?i)" + re.escape(rg) + r"/providers/Microsoft\.Resources/templateSpecs/([^/]+)/versions/[^/]+",
                     sid or "")
    return m.group(1) if m else None


AGW_LIMITS = {"backendAddressPools": 100, "httpListeners": 200, "requestRoutingRules": 400,
              "redirectConfigurations": 100, "rewriteRuleSets": 400,
              "backendHttpSettingsCollection": 100, "sslCertificates": 100, "frontendPorts": 100}


def check_appgw(resources, fail):
    """App Gateway's own limits (Microsoft's 'Application Gateway limits')
    on RESOURCES (integrity.py's, read as ARM would)."""
    for r in resources:
        if r.type == "Microsoft.Network/applicationGateways":
            for k, most in AGW_LIMITS.items():
                if len(r.props.get(k) or []) > most:
                    fail(f"{r.name}: {len(r.props[k])} {k}, App Gateway holds {most}")
            for m in r.props.get("urlPathMaps") or []:
                n = len(m["properties"].get("pathRules") or [])
                if n > 100:
                    fail(f"{r.name}: path map {m['name']} has {n} path rules, at most 100")
        elif r.type == "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies":
            n = len(r.props.get("customRules") or [])
            x = len((r.props.get("managedRules") or {}).get("exclusions") or [])
            if n > 100 or x > 200:
                fail(f"WAF policy {r.name}: {n} custom rules (at most 100), "
                     f"{x} exclusions (at most 200)")
