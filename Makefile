# topoc - a configuration and topology compiler.
#
#   make demo     install missing packages, build, compile specs/ into out/
#   make test     the same set-up, then every test (last line: N passed, N failed)
#   make check    the tests again under ASan + UBSan (build/asan/)
#   make bench    synthetic platforms of 1,000 and 10,000 services
#   make fuzz     the libFuzzer harness (load, check, every emitter, pictures),
#                 for FUZZ_SECONDS
#   make install PREFIX=/usr/local DESTDIR=

PREFIX   ?= /usr/local
DESTDIR  ?=
VERSION  := 0.1.0
CC       ?= cc
BUILD    ?= build
FUZZ_SECONDS ?= 60

# pkg-config module -> Debian package providing it
DEB_LIBS := yaml-0.1:libyaml-dev jansson:libjansson-dev \
            libxml-2.0:libxml2-dev libpcre2-8:libpcre2-dev \
            libcgraph:libgraphviz-dev libgvc:libgraphviz-dev
PKGS     := $(foreach p,$(DEB_LIBS),$(firstword $(subst :, ,$(p))))
# file -> Debian package, for building pictures (gvc's text needs a font)
DEB_FILES := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
# command -> Debian package, for the tests
DEB_TOOLS := python3:python3 clang:clang xmllint:libxml2-utils \
             openssl:openssl nginx:nginx pgrep:procps haproxy:haproxy \
             /etc/ssl/certs/ca-certificates.crt:ca-certificates \
             /usr/lib/nginx/modules/ngx_http_modsecurity_module.so:libnginx-mod-http-modsecurity \
             /usr/share/modsecurity-crs/rules:modsecurity-crs \
             chromium:chromium node:nodejs npm:npm mkdocs:mkdocs \
             envsubst:gettext-base

WARN     := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla \
            -Werror=implicit-function-declaration \
            -Wno-missing-field-initializers # schema tables leave trailing fields 0
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude \
             -DTOPOC_VERSION='"$(VERSION)"' \
             -DTOPOC_SOURCE_TEMPLATES='"$(CURDIR)/templates"' $(CFLAGS) \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = -Wl,--as-needed $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# Sources by pipeline stage, then a room per output family.
BASE_SRC  := src/base/arena.c src/base/strbuf.c src/base/diag.c \
             src/base/source.c \
             src/base/util.c src/base/json.c src/base/xml.c
LOAD_SRC  := src/load/node.c src/load/load_spec.c src/load/load_yaml.c
MODEL_SRC := src/model/schema.c src/model/decode.c src/model/decode_formats.c \
             src/model/resolve.c src/model/model_index.c src/model/model_docs.c src/model/routing.c src/model/constraint.c \
             src/model/constraint_fa.c src/model/constraint_amb.c \
             src/model/route_relate.c src/model/route_index.c \
             src/model/naming.c src/model/regions.c src/model/appgw.c \
             src/model/openapi.c
CHECK_SRC := src/check/rules.c src/check/check.c src/check/pattern.c \
             src/check/check_env.c src/check/check_xref.c \
             src/check/check_residency.c \
             src/check/check_routes.c src/check/check_services.c \
             src/check/check_security.c src/check/check_policy.c \
             src/check/check_consistency.c src/check/check_waf.c \
             src/check/check_openapi.c src/check/check_keys.c \
             src/check/check_appgw.c src/check/check_names.c
EMIT_SRC  := src/emit/output.c src/emit/output_stage.c src/emit/output_owner.c src/emit/emit_model.c src/emit/arm.c \
             src/emit/escape.c src/emit/mustache.c
GATEWAY_SRC := src/gateway/gateway_routes.c src/gateway/gateway_nginx.c \
             src/gateway/gateway_modsec.c \
             src/gateway/gateway_azure.c src/gateway/gateway_azure_waf.c \
             src/gateway/gateway_apim.c \
             src/gateway/gateway_templates.c src/gateway/gateway_limits.c \
             src/gateway/gateway_cors.c src/gateway/gateway_nginx_cors.c
MANIFESTS_SRC := src/manifests/manifests_azure.c \
             src/manifests/manifests_environment.c \
             src/manifests/manifests_stores.c \
             src/manifests/manifests_parts.c \
             src/manifests/manifests_appservice.c \
             src/manifests/manifests_network.c \
             src/manifests/manifests_kubernetes.c \
             src/manifests/manifests_kube_access.c
DIAGRAMS_SRC := src/diagrams/diagrams_views.c src/diagrams/diagrams_network.c \
             src/diagrams/diagrams_scale.c src/diagrams/diagrams_graph.c \
             src/diagrams/diagrams_render.c src/diagrams/diagrams_worker.c
DOCS_SRC  := src/docs/docs_site.c src/docs/docs_writer.c \
             src/docs/docs_pages.c src/docs/docs_catalogues.c \
             src/docs/docs_structurizr.c
REPORT_SRC := src/report/report_json.c src/report/report_sarif.c \
             src/report/report_junit.c src/report/report_github.c
REVIEW_SRC := src/review/review_schema.c src/review/review_check.c \
             src/review/review_route.c src/review/review_diff.c \
             src/review/review_import.c \
             src/review/review_diff_out.c
# specs/README.md's key tables as C, for the JSON Schema's descriptions
GEN_SRC   := $(BUILD)/gen/spec_docs.c
LIB_SRC   := $(BASE_SRC) $(LOAD_SRC) $(MODEL_SRC) $(CHECK_SRC) $(EMIT_SRC) \
             $(GATEWAY_SRC) $(MANIFESTS_SRC) $(DIAGRAMS_SRC) $(DOCS_SRC) \
             $(REPORT_SRC) $(REVIEW_SRC) $(GEN_SRC) src/compile.c
MAIN_SRC  := src/main.c src/cli.c
UNIT_SRC  := $(wildcard tests/unit/*.c)

objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

.PHONY: all deps test-deps demo test check bench fuzz install clean

all: $(BUILD)/topoc

# Install whatever pkg-config (or the tests) cannot find, and say what.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for pair in $(DEB_LIBS); do \
	  pkg-config --exists "$${pair%%:*}" 2>/dev/null || missing="$$missing $${pair#*:}"; \
	done; \
	for pair in $(DEB_FILES); do \
	  [ -e "$${pair%%:*}" ] || missing="$$missing $${pair#*:}"; \
	done; \
	$(MAKE) -s --no-print-directory apt-install PKGS_TO_INSTALL="$$missing"

test-deps: deps
	@missing=""; \
	for pair in $(DEB_TOOLS); do \
	  what="$${pair%%:*}"; \
	  case "$$what" in /*) [ -e "$$what" ] ;; *) command -v "$$what" >/dev/null 2>&1 ;; esac \
	    || missing="$$missing $${pair#*:}"; \
	done; \
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || missing="$$missing python3-jsonschema"; \
	/usr/bin/python3 -c 'import yaml' 2>/dev/null || missing="$$missing python3-yaml"; \
	/usr/bin/python3 -c 'import fontTools' 2>/dev/null || missing="$$missing python3-fonttools"; \
	$(MAKE) -s --no-print-directory apt-install PKGS_TO_INSTALL="$$missing"

.PHONY: apt-install
apt-install:
	@set -e; pkgs="$$(echo $(PKGS_TO_INSTALL) | tr ' ' '\n' | sort -u | tr '\n' ' ')"; \
	if [ -n "$${pkgs% }" ]; then \
	  echo "deps: installing Debian packages: $$pkgs"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$pkgs >/dev/null; \
	fi

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(GEN_SRC): specs/README.md src/review/spec_docs.awk
	@mkdir -p $(dir $@)
	awk -f src/review/spec_docs.awk specs/README.md >$@.tmp && mv $@.tmp $@
$(call objs,$(BUILD),$(GEN_SRC)): ALL_CFLAGS += -Isrc/review

$(BUILD)/topoc: $(call objs,$(BUILD),$(LIB_SRC) $(MAIN_SRC))
	$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/unit: $(call objs,$(BUILD),$(LIB_SRC) $(UNIT_SRC))
	$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/cross-engine: $(call objs,$(BUILD),$(LIB_SRC) tests/cross_engine.c)
	$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/mustache-spec: $(call objs,$(BUILD),$(LIB_SRC) tests/mustache_spec.c)
	$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

$(BUILD)/parse-only: $(call objs,$(BUILD),tests/bench/parse_only.c)
	$(CC) $(ALL_CFLAGS) $^ $(LIBS) -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

demo: $(BUILD)/topoc
	./$(BUILD)/topoc build specs -o out
	@find out -type f ! -name .gitignore | sed 's|/[^/]*$$||' | cut -d/ -f1-3 | \
	  sort | uniq -c | awk '{ printf "  %4d file%s in %s/\n", $$1, $$1 == 1 ? "" : "s", $$2 }'

# yaml-language-server, the editors' consumer of `topoc schema --format
# json-schema`, for tests/schema.sh: pinned, into the build folder.
YLS_VERSION := 1.19.2
YLS := $(BUILD)/yls/node_modules/yaml-language-server/package.json
$(YLS):
	@echo "deps: npm install yaml-language-server@$(YLS_VERSION) into $(BUILD)/yls"
	@mkdir -p $(BUILD)/yls
	@npm install --prefix $(BUILD)/yls --no-audit --no-fund --ignore-scripts \
	  --save-exact --loglevel=error yaml-language-server@$(YLS_VERSION) >/dev/null

# The fuzz harness is compiled (not linked) by every test build too, so a
# change to the pipeline's interface cannot leave `make fuzz` broken.
FUZZ_OBJ = $(call objs,$(BUILD),tests/fuzz/fuzz_load.c)
test: test-deps $(BUILD)/topoc $(BUILD)/unit $(BUILD)/mustache-spec \
      $(BUILD)/cross-engine $(FUZZ_OBJ) $(YLS)
	@tests/run.sh $(BUILD)

# Sanitizers get a build folder of their own.
check: test-deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  build/asan/topoc build/asan/unit build/asan/mustache-spec \
	  build/asan/cross-engine $(call objs,build/asan,tests/fuzz/fuzz_load.c) \
	  build/asan/yls/node_modules/yaml-language-server/package.json
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh build/asan

bench: test-deps $(BUILD)/topoc $(BUILD)/parse-only
	@tests/bench/bench.sh $(BUILD)

fuzz: test-deps $(GEN_SRC)
	@echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	  clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null || \
	  $(MAKE) -s --no-print-directory apt-install PKGS_TO_INSTALL=libclang-rt-14-dev
	@mkdir -p $(BUILD)/fuzz
	clang -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 \
	  -DTOPOC_SOURCE_TEMPLATES='"$(CURDIR)/templates"' \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  $(shell pkg-config --cflags $(PKGS)) -Isrc/review tests/fuzz/fuzz_load.c $(LIB_SRC) $(shell pkg-config --libs $(PKGS)) \
	  -o $(BUILD)/fuzz/fuzz_load
	@mkdir -p $(BUILD)/fuzz/corpus
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  $(BUILD)/fuzz/fuzz_load -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  $(BUILD)/fuzz/corpus tests/fuzz/seeds

install: $(BUILD)/topoc
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/topoc $(DESTDIR)$(PREFIX)/bin/topoc
	cd templates && find . -type f \( -name '*.mustache' -o -name escaping \) | while read -r f; do \
	  install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/topoc/templates/$$f"; done

# out/ is in the repository as an empty output folder that topoc owns: its
# manifest lists no file, so the first build may replace it
clean:
	rm -rf build
	rm -rf out
	mkdir -p out
	git checkout -- out/.topoc-output 2>/dev/null || \
	  printf '# written by topoc: this folder is replaced whole by each build, and\n# topoc refuses to replace it if it holds anything not listed here\n' >out/.topoc-output
