# Two commands on a fresh machine (Python 3.11+, Java 17+, Maven): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAUNCHER_JAR := launcher/target/launcher.jar
LAUNCHER_SRC := launcher/pom.xml $(shell find launcher/src -name '*.java')

.PHONY: install run test clean

install: $(VENV)/.installed $(LAUNCHER_JAR)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(LAUNCHER_JAR): $(LAUNCHER_SRC)
	cd launcher && mvn -q -B package -DskipTests

run: install
	$(BIN)/citygraph up

test: install
	$(BIN)/pytest

clean:
	rm -rf $(VENV) launcher/target .pytest_cache
