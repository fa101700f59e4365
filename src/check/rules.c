/* rules.c - every rule topoc reports, with its stable id, default severity
 * and explanation (`topoc rules`, `topoc explain RULE`).  Ids never change
 * meaning; a retired rule keeps its id reserved.  Each id has a failing and
 * a passing case under tests/rules/ID/. */
#include "topoc/check.h"

#include <string.h>

#define E RSEV_ERROR
#define W RSEV_WARNING

const Rule rules[] = {
    /* ---- reading the spec (always errors; cannot be waived) ---- */
    {"syntax", "input", E, "the file is not valid YAML",
     "The file could not be parsed as YAML, or uses a construct topoc does "
     "not accept: a list or map as a key, an alias to an anchor that is not "
     "defined earlier. Nothing else in the file is checked until it parses."},
    {"tab-indent", "input", E, "a tab where YAML expects indentation",
     "YAML indents with spaces only. Editors that insert tabs produce files "
     "that look right and do not parse; replace the tab with spaces."},
    {"encoding", "input", E, "the file is not UTF-8 text",
     "Spec files are UTF-8. A byte that is not valid UTF-8, a UTF-16 file or "
     "a NUL character inside a value is refused, because every value may "
     "end up in a generated configuration."},
    {"binary-file", "input", E, "a binary file among the specs",
     "A file holding a NUL byte is not a text spec. Usually a stray file was "
     "given a .yaml name."},
    {"file-too-large", "input", E, "a spec file over the size limit",
     "A spec file may be at most 8 MiB. One file per service keeps files "
     "small and lets each team own its own."},
    {"symlink-outside", "input", E, "a spec file that links out of the spec",
     "Inside a spec folder, a symbolic link may point only inside that "
     "folder: a link elsewhere (to /etc/passwd, say) would be read and its "
     "lines quoted in diagnostics. Copy the file in, or name it on the "
     "command line."},
    {"empty-file", "input", E, "a spec file with no document",
     "A file that holds nothing but comments is most likely a mistake: "
     "describe something in it or delete it."},
    {"nesting-too-deep", "input", E, "values nested beyond the limit",
     "Maps and lists may nest 64 levels deep; a spec never needs more, and "
     "the limit keeps hostile input from exhausting the compiler."},
    {"alias-expansion", "input", E, "aliases that expand beyond the limit",
     "Aliases that refer to aliases multiply (the 'billion laughs' attack). "
     "A document may expand to at most 1,000,000 values."},
    {"duplicate-key", "input", E, "the same key twice in one map",
     "YAML forbids repeated keys, and the second would silently win in many "
     "parsers. topoc reports both places."},
    {"unknown-document", "input", E, "a document that is not a known kind",
     "A document starts with 'platform:', 'service:' or 'waivers:'."},
    {"no-platform", "input", E, "no platform document",
     "Every spec has exactly one platform document (platform.yaml) that "
     "declares environments, teams, sources and stores."},
    {"duplicate-platform", "input", E, "two platform documents",
     "A spec describes one platform; compile each platform separately."},
    {"unknown-key", "input", E, "a key the language does not have",
     "Usually a misspelling: the message suggests the closest key."},
    {"missing-key", "input", E, "a required key is absent",
     "The key has no sensible default and must be written."},
    {"type-mismatch", "input", E, "a value of the wrong type",
     "For example text where a number is expected. Quoted values are always "
     "text, and booleans are only true and false."},
    {"invalid-value", "input", E, "a value outside its set, range or format",
     "The value has the right type but is not one of the allowed words, is "
     "out of range, or is not a valid name, network, URL or image; or the "
     "key would have no effect where it is written (a redundancy the "
     "store's kind cannot keep, a selector on a variable that has none, a "
     "WAF or CORS setting on an internal route, scale rules where min "
     "equals max everywhere): a key is refused, never silently dropped."},
    {"invalid-path", "input", E, "a malformed route path template",
     "A path starts with '/', has no empty segments, and uses {name} "
     "placeholders made of letters, digits and '_'."},
    {"duplicate-name", "input", E, "a name declared twice where it must be "
     "unique",
     "Service names are unique across the platform, and so are the names "
     "in a service's lists: its alerts (each an Azure alert rule of that "
     "name), its secrets and settings together (each an app setting of "
     "that name: a second would replace the first), its stores, its "
     "dependencies and its egress sources."},
    {"unknown-reference", "input", E, "a name that refers to nothing",
     "A team, service, store, source or environment named here is not "
     "declared. When a file of the spec could not be read (a syntax "
     "error), a name that file may declare (its file name, or a word of "
     "its text) is not reported: one note under that file's error counts "
     "the references waiting for it."},

    /* ---- environment separation: data never leaves its environment ---- */
    {"env-cross-dependency", "environment", E,
     "a dependency that crosses environments",
     "A service instance may only depend on instances in its own "
     "environment. If the dependency runs only in another environment, the "
     "production instance would call integration (or the reverse), and data "
     "would cross the boundary."},
    {"env-cross-reference", "environment", E,
     "a value that points into another environment",
     "A setting or a route host of one environment names another "
     "environment's host, store, Key Vault, App Service or network: the "
     "instance would reach across the boundary at run time. Values are read "
     "as people write them: URLs, connection strings, FQDNs such as "
     "NAME.database.windows.net, NAME.blob.core.windows.net, "
     "NAME.vault.azure.net or NAME.azurewebsites.net (the names are those "
     "the manifests give the resources), host names in another "
     "environment's domain, single IPv4 addresses and CIDRs inside or "
     "covering another environment's address space. A route host whose "
     "full name lands in another environment's domain is refused too. Use "
     "the value of its own environment."},
    {"env-shared-resource", "environment", E,
     "a resource shared between environments",
     "Stores, key vaults, domains and hostnames belong to one environment. "
     "The same resource name or hostname in two environments means they "
     "share it, and data leaks between them."},
    {"env-network-overlap", "environment", E,
     "environment networks that overlap",
     "Address spaces of different environments must be disjoint, or routing "
     "and firewall rules cannot tell them apart and peering becomes possible."},
    {"env-network-peered", "environment", E,
     "environment networks that are peered",
     "Peering one environment's network with another's opens a path around "
     "every other control. Environments are never peered."},
    {"env-ingress-bypass", "environment", E,
     "a service reachable without the WAF and gateway",
     "Each environment has one ingress: its WAF and gateway. A service "
     "exposed publicly on its own skips the WAF, rate limits and TLS policy."},
    {"ingress-none-routed", "environment", E,
     "a service closed to ingress that the gateway still routes to",
     "'ingress: none' says that nothing outside the platform reaches the "
     "service, but its public routes are still in the gateway's table, so "
     "the internet does. Mark the routes 'internal: true', remove them, or "
     "use 'ingress: gateway'."},
    {"egress-not-connector", "environment", E,
     "a non-connector that calls an external data source",
     "Only connector services reach external data sources, and each only its "
     "own source: one egress path per source, with its authentication in one "
     "place."},
    {"env-missing-instance", "environment", E,
     "a service without an instance in an environment",
     "Every service runs in every environment, unless it declares "
     "'single-environment' with a reason. A service scaled to zero in one "
     "environment, or single-environment without a real reason, is missing."},

    /* ---- UK-only residency ---- */
    {"region-not-allowed", "residency", E,
     "a region outside the residency geography or the allowed regions",
     "residency.geography names a geography (United Kingdom by default) "
     "whose Azure regions topoc knows from a table, with Azure's region "
     "pairs. Every regional location (an environment, its failover, a "
     "store, its failover replica and its backup) must be a region of that "
     "geography, and one of residency.allowed-regions when the list is "
     "written. The list only narrows: an entry outside the geography is "
     "itself an error, so adding westeurope to it makes nothing in West "
     "Europe pass. An unknown region is not known to be inside, and is an "
     "error too. Names are normalised: 'UK South' is uksouth."},
    {"region-unknown", "residency", W,
     "an allowed-regions entry Azure does not have",
     "An entry of residency.allowed-regions is not an Azure region, so it "
     "is probably misspelt; it allows nothing. (A location that is not a "
     "region is region-not-allowed.)"},
    {"replication-outside-residency", "residency", E,
     "geo-replication to a region outside the allowed set",
     "Geo-redundant storage (grs, gzrs, ra-grs, ra-gzrs) copies data to the "
     "region's pair, which cannot be chosen: uksouth pairs with ukwest. The "
     "pair must be inside the geography and allowed too, or the data "
     "leaves it; a region without a pair replicates outside its "
     "geography."},
    {"zones-unavailable", "residency", E,
     "zone-redundant storage in a region without availability zones",
     "zrs, gzrs and ra-gzrs keep copies in three availability zones of the "
     "store's region, and zrs is the default. A region without zones "
     "(ukwest) cannot hold them: Azure refuses the storage account, the "
     "SQL database and the cache (a Key Vault has no such setting). "
     "Reported once, where the choice was made: an environment's override "
     "(its redundancy, else its region), the store's redundancy, or, for "
     "the default, the store's region or the environment's. When the "
     "store-wide value fails only in some environments, the help is an "
     "override for those (stores.NAME.environments.ENV), since changing "
     "the store-wide value would drop zone redundancy where the region has "
     "zones."},
    {"global-service-unlisted", "residency", E,
     "a location-less service used without being listed",
     "Front Door, Traffic Manager and DNS are global: not bound to the UK. "
     "They are allowed only when residency.global-services lists them with a "
     "reason."},

    /* ---- routing ---- */
    {"route-duplicate", "routing", E, "two routes with the same match",
     "Routes with the same host, an overlapping method and the same set of "
     "paths (decided exactly, constraints included) cannot both be served: "
     "only the first in matching order is used. One finding per group, at "
     "the route that gets the requests, with the others as notes."},
    {"route-shadowed", "routing", E,
     "a route, or some of its methods, that can never be reached",
     "Under the gateway's matching order (priority, then specificity, then "
     "declaration order), an earlier route matches every path of a later "
     "route for some or all of its methods. Reported at the route that takes "
     "the requests, with each route that loses them as a note (capped, with "
     "a count)."},
    {"route-takeover", "routing", E,
     "a route that takes requests another service's route would serve",
     "Some paths match both routes and the gateway sends them to the one "
     "that comes first, which belongs to another service. Reported at the "
     "route that takes the requests (usually the new one), with a witness "
     "path for each route that loses them. Constrain a parameter "
     "(routes[].params) to separate them, or change the priorities."},
    {"route-overlap", "routing", W,
     "routes of one service that match some of the same URLs",
     "Some requests match two routes of the same service; the gateway sends "
     "them to the one that comes first. The message gives a path that shows "
     "it. Constrain a parameter (routes[].params) to separate them."},
    {"route-host-fqdn", "routing", E, "a route host written as a full name",
     "routes[].host is relative to the environment's domain: with domain "
     "codat.io, 'api' serves api.codat.io and 'api.codat.io' would serve "
     "api.codat.io.codat.io. The message suggests the relative host."},
    {"edge-path-unrouted", "routing", E,
     "a rate-limit or custom-rule path that matches no route",
     "A path in edge.waf.rate-limits[].paths, or the value of a custom rule "
     "on request-uri with 'equals' or 'begins-with', must match some route "
     "of some environment (by the route's template, parameter constraints "
     "aside); otherwise a typo silently protects nothing. WAF exclusions "
     "are written on a route (routes[].waf), so they always have one."},
    {"route-param-duplicate", "routing", E,
     "a parameter name used twice in one template",
     "Parameter names are unique within a template, ignoring case (API "
     "Management's rule)."},
    {"route-param-unknown", "routing", E,
     "a constraint for a parameter the path does not have",
     "routes[].params names a parameter that is not in the path template."},
    {"route-param-pattern", "routing", E,
     "a parameter constraint outside topoc's constraint language",
     "routes[].params values are written in topoc's constraint language "
     "(specs/README.md): literals, classes, alternation, groups, repetition "
     "and leading (?!word$) lookaheads. Refused: anything else (captures, "
     "named groups, backreferences, verbs, flags, \\Q, '.'), a constraint "
     "that can match '/' or an empty value or nothing, and one whose "
     "repetition is ambiguous enough to make a backtracking gateway slow. "
     "The gateway regex is printed by topoc from the checked constraint."},
    {"route-internal-exposed", "routing", E,
     "an internal-only path exposed at the edge",
     "Paths in policy.internal-paths (health, metrics, internal APIs) are "
     "never routed from the internet. Mark the route 'internal: true'."},

    /* ---- API documents (openapi: on a service) ---- */
    {"openapi-document", "openapi", E, "an API document topoc cannot use",
     "openapi[].document names a JSON OpenAPI 3.x document, relative to the "
     "spec file. It must exist, parse, have 'openapi: 3.x' and 'paths', "
     "and every path must be one a route can match; its host comes from the "
     "first server URL less an environment's domain, or from "
     "openapi[].host. YAML documents are refused: convert them to JSON."},
    {"openapi-operation-unrouted", "openapi", E,
     "an operation of a service's API document that does not reach it",
     "Every operation the service claims (all of the document's, or those "
     "openapi[].paths cover) must reach this service at the gateway: its "
     "host and method, and every path its template and parameter schemas "
     "allow. Decided exactly on the routing table in matching order: a "
     "route of the service must cover all of the operation's paths, and no "
     "route of another service tried before it may take any of them."},
    {"openapi-param-narrow", "openapi", E,
     "a route that refuses values the API document allows",
     "A route of the service matches only some of an operation's paths: "
     "its parameter constraint is narrower than the parameter's schema (a "
     "UUID constraint written [0-9a-f] refuses upper-case hex, which "
     "format: uuid allows), or it has a literal where the document has a "
     "parameter. Clients following the document get 404s for the rest."},
    {"openapi-route-unused", "openapi", W,
     "a route of a documented service that no operation uses",
     "The service names its API documents, and no operation they describe "
     "(that it claims) is served by this route: the route exposes an "
     "undocumented API, or the document is out of date."},

    /* ---- connectors, scaling, monitoring ---- */
    {"connector-source-unowned", "connectors", E,
     "a data source without a connector",
     "Each external data source is owned by exactly one connector service."},
    {"connector-source-shared", "connectors", E,
     "a data source owned by more than one connector",
     "Two connectors for one source would split its authentication and "
     "rate limits; exactly one connector owns a source."},
    {"connector-responsibilities", "connectors", E,
     "a connector that does not handle all four responsibilities",
     "A connector handles authentication, authorization, data fetch and "
     "data mapping for its source, so that no other service needs to."},
    {"connector-unused", "connectors", W, "a connector nothing depends on",
     "No service lists the connector in depends-on, so the data of its "
     "source reaches nobody. Add the dependency where the data is used, or "
     "remove the connector."},
    {"declaration-unused", "consistency", W, "a store or team nothing uses",
     "A store that no service lists under 'stores:', or a team that owns "
     "no service and receives no alert, is probably left over or misspelt "
     "where it is used. (A source that no connector owns is "
     "connector-source-unowned.)"},
    {"scaling-min-max", "scaling", E, "minimum instances above the maximum",
     "scaling.min must not exceed scaling.max."},
    {"scaling-min-zero", "scaling", E, "a service that may scale to zero",
     "No deployment target honours scaling.min: 0: an App Service plan and "
     "a Kubernetes HorizontalPodAutoscaler keep at least one instance, so "
     "the manifests would run one while the spec says none."},
    {"scaling-production-min", "scaling", E,
     "production with fewer than 2 instances",
     "A production service keeps at least 2 instances so that one failure or "
     "deployment does not take it down. Waive it for a service that cannot "
     "run twice."},
    {"plan-shared-autoscale", "scaling", E,
     "an autoscaling service on a shared App Service plan",
     "When an environment's services share one App Service plan "
     "(environments.NAME.plan.shared), the plan scales as a whole and each "
     "app runs a fixed number of workers: a service's own scale rules "
     "cannot be honoured there."},
    {"plan-tier-scaling", "scaling", E,
     "scaling the App Service plan cannot deliver",
     "Basic plans do not autoscale; a Basic plan runs at most 3 instances, "
     "Standard 10, Premium 30, and a shared plan its plan.instances. A "
     "service's scaling must fit its environment's plan."},
    {"plan-size-runtime", "scaling", E,
     "a service asking for more CPU or memory than its plan's instance has",
     "An App Service plan's SKU fixes each instance's vCPUs and memory (B1 "
     "and S1: 1 vCPU, 1.75 GiB; P0v3: 1 vCPU, 4 GiB; P1v3: 2, 8; P2v3: 4, "
     "16; P3v3: 8, 32; P1mv3 to P5mv3: 2 to 32 vCPUs, 16 to 256 GiB). A "
     "service's runtime.cpu and runtime.memory are what one instance needs "
     "(and what Kubernetes requests): they must fit one instance of its "
     "environment's plan."},
    {"scaling-no-rule", "scaling", E, "a service without a scale-out rule",
     "Services scale out under load; each needs at least one scaling rule "
     "(unless min equals max)."},
    {"scaling-rule-inverted", "scaling", E,
     "a scale-in threshold at or above the scale-out one",
     "With 'below' at or above 'above', the service would scale in and out "
     "in a loop."},
    {"alert-missing", "monitoring", E, "a service without an alert",
     "Load is monitored and the owning team is alerted on spikes: every "
     "service has at least one alert."},
    {"alert-threshold", "monitoring", E,
     "an alert without exactly one threshold",
     "An alert has either a fixed threshold ('above') or a dynamic one "
     "('dynamic'), not both and not neither."},

    /* ---- security ---- */
    {"https-required", "security", E, "a URL that is not HTTPS",
     "Every external URL (data sources, webhooks) uses HTTPS."},
    {"hsts-required", "security", E, "HSTS off or too short",
     "The gateway sends Strict-Transport-Security with a max-age of at least "
     "one year."},
    {"tls-version", "security", E, "TLS older than 1.2 accepted",
     "The gateway's minimum TLS version is 1.2 or later."},
    {"internal-tls-required", "security", E,
     "plain-text traffic inside the platform",
     "Traffic from the gateway to services is TLS too (edge.gateway."
     "internal-tls)."},
    {"client-cert-host-unknown", "security", E,
     "a client-certificate host with no routes",
     "edge.gateway.client-certificates names a host that no route uses, so "
     "the requirement protects nothing; probably a misspelt host."},
    {"waf-exclusion-unsafe", "security", E,
     "a WAF exclusion that turns off body inspection",
     "routes[].waf.exclusions may narrow a managed rule to spare one "
     "argument, never disable the request-body parser's error rules "
     "(200000-200007, REQBODY_ERROR, MULTIPART_*), CRS's initialisation "
     "(901xxx) or its blocking rule (949110): a body the parser gave up on "
     "would reach the service uninspected, so a malformed JSON body could "
     "carry an injection past the WAF."},
    {"cors-invalid", "security", E, "a CORS origin browsers would refuse",
     "A CORS origin is '*', scheme://host[:port] with no path (browsers send "
     "no path), or a host relative to the environment's domain. '*' with "
     "credentials: true is refused by every browser, so the policy would "
     "let nothing through."},
    {"secret-literal", "security", E, "a literal secret in a spec",
     "Secrets are Key Vault references (secrets[].key-vault-secret), never "
     "values in a spec. A value shaped like a credential is refused whatever "
     "the setting is called: a private key, a connection string or URL with "
     "a key or password, a JWT, known key prefixes (sk_live_, ghp_, xoxb-, "
     "AKIA...), 32 or more hex digits, or 32 or more mixed-case base64 "
     "characters. A setting named like a secret (PASSWORD, TOKEN, SECRET, "
     "API_KEY, ..._KEY) is refused unless its value is a number, a "
     "duration, a boolean, a short word, a URL without a password or a Key "
     "Vault reference: TOKEN_TTL: 15m and PASSWORD_MIN_LENGTH: 12 are "
     "settings."},

    /* ---- policy, severities and waivers ---- */
    {"policy-violation", "policy", E, "a value against a policy rule",
     "A user policy rule (policy.rules) requires values of a kind to match a "
     "pattern; this one does not. The message is the rule's own."},
    {"policy-invalid", "policy", E, "a policy rule or severity that is wrong",
     "A policy pattern that does not compile, or a severity override for a "
     "rule id that does not exist."},
    {"waiver-expired", "policy", E, "a waiver past its expiry date",
     "Waivers are temporary. An expired waiver no longer suppresses its "
     "finding; renew it with a new date and reason, or fix the finding."},
    {"waiver-unused", "policy", W, "a waiver that suppresses nothing",
     "No finding matches the waiver's rule and target: the problem was fixed "
     "or the target is misspelt. Delete the waiver."},
};

const int nrules = (int)(sizeof rules / sizeof rules[0]);

/* Notices: what topoc tells outside the rules: a file it did not read,
 * and what a build target cannot do as the spec asks (reported by `build`
 * at the spec's value; a template Azure would refuse is an error and the
 * build writes nothing).  No policy changes them and no waiver applies, so
 * they are not in `topoc rules`; `topoc explain` knows them and names the
 * levels in `as` (tests/cli.sh holds `as` to the calls that report each). */
const Notice notices[] = {
    {"not-read", "input", AS_NOTE, "a file or folder below the spec not read",
     "Only lower-case *.yaml and *.yml files are spec files. Hidden files, "
     "editor backups, other extensions, a folder holding its own "
     "platform.yaml (a separate spec), topoc's own output folders, dangling "
     "links and anything not a regular file are not read, and each is "
     "named in a note so nothing is skipped silently; the help line says "
     "how to have it read when that was meant."},
    {"appgw-path", "target", AS_NOTE,
     "a route App Gateway cannot route by its own template",
     "App Gateway's path rules hold an exact path or a prefix ending in /*, "
     "and the first that matches wins. A route template is reduced to its "
     "literal prefix; when that prefix is shared by routes of several "
     "services, API Management routes them on the full template instead. "
     "A note, and appgw-paths.txt lists what became of every template; "
     "nothing to change unless you want App Gateway alone to route it."},
    {"appgw-limits", "target", AS_NOTE,
     "routes past App Gateway's limits, handed to API Management",
     "App Gateway holds at most 100 backend pools and 100 path rules per "
     "host name (Microsoft's \"Application Gateway limits\"). Its rules "
     "are taken in first-match order: a service past the ninety-ninth pool "
     "(API Management has the hundredth), or a rule past the hundredth, "
     "goes to API Management instead, which routes every template exactly. "
     "One note per environment, naming it, says how many; appgw-paths.txt "
     "(one tab-separated line per route: host, template, path rule, "
     "routed-by, service, why) names each. "
     "More than 50 host names (100 active listeners, two per host; 20 with "
     "CRS 3.1 or older) or more than 200 WAF exclusions (40) cannot be "
     "deployed at all and are errors."},
    {"appgw-waf", "target", AS_WARNING | AS_NOTE,
     "a WAF setting App Gateway applies differently from nginx",
     "App Gateway's WAF policy cannot express every setting of the spec's "
     "WAF: body limits outside 8 KB to 2 MB, rate limits per API key, "
     "buckets with a burst, exclusions other than of an argument, or "
     "exclusions for one route only. The Azure edge does the nearest thing "
     "it can. A warning where Azure lets through what nginx refuses, a "
     "note where Azure is stricter; change the spec's value to one both "
     "edges hold for them to agree."},
    {"k8s-scale-in", "target", AS_NOTE,
     "a scale-in threshold the Kubernetes HPA cannot hold",
     "A scaling rule's 'below' is App Service's scale-in rule. An HPA of "
     "autoscaling/v2 (Kubernetes up to 1.32, the schema the documents "
     "follow) has one target per metric, 'above', and scales in whenever "
     "the load fits fewer pods at it; 'step' and 'cooldown' still shape "
     "how fast. One note names the first 'below' and how many the spec "
     "sets. On Kubernetes 1.33 or later, behavior.scaleDown.tolerance can "
     "express it."},
    {"arm-limit", "target", AS_ERROR,
     "an Azure template Resource Manager would refuse for its size",
     "Resource Manager takes at most 800 resources, 4 MB, 256 parameters "
     "and 64 outputs per template, and a template spec (what deploy.sh "
     "creates with az ts create) of about 2 MB with its linked templates. "
     "The edge's API Management operations, the services' deployments, "
     "the stores and the teams' action groups are split into parts that "
     "fit whatever their number; what cannot be split (one service's own "
     "template, main.json linking the parts past a 1 MB request) is an "
     "error at the spec's value rather than a template Azure refuses, and "
     "the build writes nothing: split the platform, or the service."},
    {"haproxy-rate-limit", "target", AS_WARNING,
     "a rate limit the HAProxy target does not enforce",
     "HAProxy 2.6 tracks three counters per request; each rate limit takes "
     "one (two when its burst is smaller than its requests). Limits past "
     "the third counter are named in a comment of haproxy.cfg and not "
     "enforced there; nginx and the Azure edge enforce them. Merge limits "
     "that share a period, or leave 'burst' out."},
};

const int nnotices = (int)(sizeof notices / sizeof notices[0]);

const Rule *rule_find(const char *id)
{
    for (int i = 0; i < nrules; i++)
        if (strcmp(rules[i].id, id) == 0)
            return &rules[i];
    return NULL;
}

const Notice *notice_find(const char *id)
{
    for (int i = 0; i < nnotices; i++)
        if (strcmp(notices[i].id, id) == 0)
            return &notices[i];
    return NULL;
}
