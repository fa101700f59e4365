# Keys that repeat: two routes of one host and path (one per method), a
# change to one of them; a source and a SQL store added (each environment
# holds the store).  The old diff paired the routes by host and path only.
cp -a "$ROOT/tests/cases/diff-classes/old" old
cat >>old/services/orders.yaml <<'YAML'
  - host: api
    path: /orders/{orderId}/items/{itemId}
    methods: [GET]
  - host: api
    path: /orders/{orderId}/items/{itemId}
    methods: [DELETE]
    params:
      itemId: "[0-9]+"
YAML
# the routes: list is not the file's last key: move depends-on and
# environments after the appended routes
python3 - old/services/orders.yaml <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
head, tail = s.split("stores:\n  - store: orders-db\ndepends-on: [shopify-connector]\n", 1)
s = head + "\n".join(l for l in tail.splitlines() if not l.startswith(("environments:", "  integration:", "    scaling:"))) + "\n"
s = s.replace("routes:\n", "stores:\n  - store: orders-db\ndepends-on: [shopify-connector]\n"
              "environments:\n  integration:\n    scaling: {min: 1, max: 2}\nroutes:\n", 1)
open(p, "w").write(s)
PY
cp -a old new
sed -i 's/    methods: \[DELETE\]/    methods: [DELETE, PATCH]/' new/services/orders.yaml
python3 - new/platform.yaml <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("sources:\n", "sources:\n  monzo:\n    display-name: Monzo\n    category: banking\n"
              "    base-url: https://api.monzo.com\n", 1)
s = s.replace("stores:\n", "stores:\n  statements-db:\n    kind: sql\n    redundancy: zrs\n", 1)
open(p, "w").write(s)
PY
