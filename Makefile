# Two commands on a fresh machine (Python 3.11+, Java 17+, Maven, Node 18+ with npm): `make run` and `make test`.
# `make test` also installs Debian's chromium when it is missing (apt-get: run as root, as CI does).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAUNCHER_JAR := launcher/target/launcher.jar
LAUNCHER_SRC := launcher/pom.xml $(shell find launcher/src -name '*.java')
WEB := web
NPM_STAMP := $(WEB)/node_modules/.installed
PEER := bench/peer
PEER_STAMP := $(PEER)/node_modules/.installed
CHROMIUM ?= $(or $(CITYGRAPH_CHROMIUM),/usr/bin/chromium)

.PHONY: install run test clean graphiql dashboard browser

install: $(VENV)/.installed $(LAUNCHER_JAR) $(NPM_STAMP) $(PEER_STAMP)

# pip shows what the build backend warns; setuptools' "Editable installation" note (its import finder: mind
# folders named like the package) is information, not a problem. Only that message is filtered: other
# warnings and every error still print (tests/test_packaging.py).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(BIN)/pip install -q -e '.[test]'
	touch $@

$(LAUNCHER_JAR): $(LAUNCHER_SRC)
	cd launcher && mvn -q -B package -DskipTests

# Node tooling (GraphiQL bundle, graphql-http audit, playwright-core): reinstalled only when the lock changes.
$(NPM_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

# The Neo4j GraphQL Library server that bench/compare.py and tests/test_peer_compare.py compare CityGraph with.
$(PEER_STAMP): $(PEER)/package.json $(PEER)/package-lock.json
	cd $(PEER) && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	touch $@

# Rebuilds the committed offline GraphiQL bundle (citygraph/schema/static/graphiql/) from web/node_modules.
graphiql: $(NPM_STAMP)
	cd $(WEB) && node build.mjs

# Rebuilds the committed dashboard bundle (citygraph/dashboard/static/) from web/src/dashboard and web/data.
dashboard: $(NPM_STAMP)
	cd $(WEB) && node build-dashboard.mjs

# Headless Chromium for tests/test_graphiql_browser.py: Debian's package, never a downloaded browser build.
browser:
	@test -x "$(CHROMIUM)" || command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then echo "chromium is missing: run 'sudo make browser' (apt-get install chromium)" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

run: install
	$(BIN)/citygraph up

test: install browser
	$(BIN)/pytest

clean:
	rm -rf $(VENV) launcher/target .pytest_cache $(WEB)/node_modules $(PEER)/node_modules
