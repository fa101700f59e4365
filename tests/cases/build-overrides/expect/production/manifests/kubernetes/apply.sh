#!/bin/sh
# apply.sh - applies the production environment's Kubernetes objects with kubectl,
# filling in the installation values: export AZURE_TENANT_ID and, per
# service, AZURE_CLIENT_ID_SERVICE (its user-assigned identity's client id,
# the name in capitals with '_' for '-') first.  Nothing else is filled in:
# a '$' in a spec's value stays as written.  Written by topoc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kubectl apply -f "$here/namespace.yaml"
for f in "$here"/services/*.yaml; do
    id=AZURE_CLIENT_ID_$(basename "$f" .yaml | tr 'a-z-' 'A-Z_')
    envsubst "\$AZURE_TENANT_ID \$$id" <"$f" | kubectl apply -f -
done
