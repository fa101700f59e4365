#!/bin/sh
# deploy.sh RESOURCE_GROUP [PARAMETERS] - deploys the integration environment of
# shop: main.json and the templates it links, packed as a template spec
# (relativePath links resolve inside it), with main.parameters.json
# (fill in its <placeholders> first).  Needs the Azure CLI, logged in, with
# Owner or User Access Administrator on the resource group (the
# deployment creates role assignments).  Written by topoc.
set -eu
rg=${1:?usage: deploy.sh RESOURCE_GROUP [PARAMETERS]}
here=$(cd "$(dirname "$0")" && pwd)
params=${2:-$here/main.parameters.json}
version=$(date -u +%Y%m%d%H%M%S)
id=$(az ts create --resource-group "$rg" --name topoc-shop-integration --version "$version" \
    --template-file "$here/main.json" --yes --query id -o tsv)
az deployment group create --resource-group "$rg" --name topoc-integration \
    --template-spec "$id" --parameters "@$params"
