#!/bin/sh
# deploy.sh RESOURCE_GROUP [PARAMETERS] - deploys the integration environment of
# shop.  Each template below becomes a template spec of its own (az ts
# create packs the templates it links by relativePath), all at one
# version: Resource Manager takes about 2 MB per template spec, so the
# environment, the edge, API Management's operations and the services
# (in parts) are several, and main.json links them by id.  main.json is
# then deployed with main.parameters.json (fill in its <placeholders>
# first).  Needs the Azure CLI, logged in, with Owner or User Access
# Administrator on the resource group (the deployment creates role
# assignments).  Written by topoc.
set -eu
rg=${1:?usage: deploy.sh RESOURCE_GROUP [PARAMETERS]}
here=$(cd "$(dirname "$0")" && pwd)
params=${2:-$here/main.parameters.json}
version=$(date -u +%Y%m%d%H%M%S)
spec() { # NAME FILE: a template spec of FILE at $version
    az ts create --resource-group "$rg" --name "$1" --version "$version" \
        --template-file "$here/$2" --yes --output none
}
spec topoc-shop-integration-environment manifests/azure/environment.json
spec topoc-shop-integration-stores-db manifests/azure/stores-db.json
spec topoc-shop-integration-teams-web manifests/azure/teams-web.json
spec topoc-shop-integration-directory manifests/azure/directory.json
spec topoc-shop-integration-edge gateway/azure/edge.json
spec topoc-shop-integration-apis-web gateway/azure/apis-web.json
spec topoc-shop-integration-services-web manifests/azure/services-web.json
az deployment group create --resource-group "$rg" --name topoc-integration \
    --template-file "$here/main.json" --parameters "@$params" \
    --parameters templateSpecVersion="$version"
