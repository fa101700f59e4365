#!/usr/bin/env python3
"""make_corpus.py TUTORIAL OUT [clean] - the tutorial with a hostile string in every
free-text field that reaches an output (platform, team and service
descriptions, a source's display name) and in a WAF custom rule's literal
values: quotes of every target, template and ARM expression syntax,
Graphviz escapes, markup, a forged GitHub command, control characters,
C1 and bidi controls, a character outside the BMP, and a line break.
With 'clean', plain words in the same places: the build to compare with."""
import json, os, shutil, sys

src, out = sys.argv[1:3]
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(src, out)
H = ("x\"'`;#{}[listKeys('a','b')][[ $x ${x} %s %n %0A {{x}} {{{x}}} \\N\\G\\L\\n "
     "<b>&amp;</script>]]>--> ::error::forged \u0085\u202e\U0001F600 \\ end")
if sys.argv[3:] == ["clean"]:
    H = "plain words"
H2 = H + "\nsecond line"
def q(s):  # a YAML double-quoted scalar (JSON is YAML)
    return json.dumps(s, ensure_ascii=False)
p = os.path.join(out, "platform.yaml")
t = open(p).read()
t = t.replace("description: A bookshop that reads its sales from Shopify", "description: " + q(H2))
t = t.replace("    display-name: Shopify", "    display-name: " + q(H))
t = t.replace("  shop:\n    email:", "  shop:\n    description: " + q(H) + "\n    email:")
t += ("edge:\n  waf:\n    custom-rules:\n      - name: hostile-literals\n        priority: 10\n"
      "        action: block\n        variable: request-header\n        selector: User-Agent\n"
      "        operator: contains\n        values: [" + q(H) + ", " + q("[x]") + "]\n")
open(p, "w").write(t)
s = os.path.join(out, "services", "orders.yaml")
t = open(s).read()
open(s, "w").write(t.replace("service: orders\n", "service: orders\ndescription: " + q(H2) + "\n", 1))
