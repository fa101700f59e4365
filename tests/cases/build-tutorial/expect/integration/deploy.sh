#!/bin/sh
# deploy.sh RESOURCE_GROUP [PARAMETERS] - deploys the integration environment of
# tutorial.  Each template below becomes a template spec of its own (az ts
# create packs the templates it links by relativePath), all at one
# version: Resource Manager takes about 2 MB per template spec, so the
# environment, the edge, API Management's operations and the services
# (in parts) are several, and main.json links them by id.  main.json is
# then deployed with main.parameters.json (fill in its <placeholders>
# first).  Needs the Azure CLI, logged in, with Owner or User Access
# Administrator on the resource group (the deployment creates role
# assignments).  A first deployment stops before the edge and says
# where to import its certificate (exit 3); run it again then.
# Written by topoc.
set -eu
rg=${1:?usage: deploy.sh RESOURCE_GROUP [PARAMETERS]}
here=$(cd "$(dirname "$0")" && pwd)
params=${2:-$here/main.parameters.json}
# the version: the templates' own digest, so that running the same build
# again (after the certificate's stop, say) creates no template spec
digest() { sha256sum 2>/dev/null || shasum -a 256; }
version=$(cd "$here" && find manifests/azure gateway/azure -name '*.json' \
    -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | digest | cut -c1-16)
spec() { # NAME FILE: a template spec of FILE at $version, unless made
    az ts show --resource-group "$rg" --name "$1" --version "$version" \
        --output none 2>/dev/null ||
    az ts create --resource-group "$rg" --name "$1" --version "$version" \
        --template-file "$here/$2" --yes --output none
}
spec topoc-tutorial-integration-environment manifests/azure/environment.json
spec topoc-tutorial-integration-stores-orders-db manifests/azure/stores-orders-db.json
spec topoc-tutorial-integration-teams-shop manifests/azure/teams-shop.json
spec topoc-tutorial-integration-directory manifests/azure/directory.json
spec topoc-tutorial-integration-edge gateway/azure/edge.json
spec topoc-tutorial-integration-apis-orders gateway/azure/apis-orders.json
spec topoc-tutorial-integration-services-orders manifests/azure/services-orders.json
deploy() { # EDGE: false for everything but the edge
    az deployment group create --resource-group "$rg" --name topoc-integration \
        --template-file "$here/main.json" --parameters "@$params" \
        --parameters templateSpecVersion="$version" deployEdge="$1" --output none
}
out() { # NAME: an output of the last deployment
    az deployment group show --resource-group "$rg" --name topoc-integration \
        --query "properties.outputs.$1.value" --output tsv
}
certificate() { # is the edge's certificate in the vault?
    vault=$(out vaultName 2>/dev/null) || vault=
    cert=$(out certificateName 2>/dev/null) || cert=
    [ -n "$vault" ] && [ -n "$cert" ] &&
    az resource show --resource-group "$rg" --namespace Microsoft.KeyVault \
        --parent "vaults/$vault" --resource-type secrets --name "$cert" \
        --output none 2>/dev/null
}
if ! certificate; then
    deploy false
    if ! certificate; then
        if [ -z "$vault" ] || [ -z "$cert" ]; then
            echo "deploy.sh: deployment topoc-integration has no vaultName or certificateName output to read" >&2
            exit 1
        fi
        cat >&2 <<EOF
deploy.sh: the integration environment is deployed except its edge: App Gateway
reads its TLS certificate from Key Vault, and vault $vault has no secret
$cert yet.  Import the certificate (PFX) into it, from a machine inside the
environment's VNet (the vault takes no other traffic), with Key Vault
Certificates Officer on the vault:
    az keyvault certificate import --vault-name $vault --name $cert --file CERT.pfx
then run deploy.sh again: it deploys the edge and API Management's APIs.
EOF
        exit 3
    fi
fi
deploy true
