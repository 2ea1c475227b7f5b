# fedgate: `make run` starts the gateway on local throwaway clusters,
# `make test` runs every test. Both install what they need, idempotently.

SHELL := /bin/bash
VENV := .venv
PYTHON ?= python3
DEB_PACKAGES := postgresql-15 postgresql-contrib postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl util-linux
BENCH_DEB_PACKAGES := wrk postgresql-contrib
TEST_DEB_PACKAGES := chromium chromium-driver iproute2 postgresql-15-auto-failover pg-auto-failover-cli

.PHONY: install bytecode system-deps run test test-fast fuzz bench clean reset-dev docs schema

install: system-deps $(VENV)/.installed bytecode

# Debian packages, installed only when missing (apt-get update first, as root or through sudo).
system-deps:
	@missing=""; for p in $(DEB_PACKAGES) $(EXTRA_DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# uv installs the same packages as pip in about half the time (16 s against 29 s on a clean clone here);
# pip does it when uv cannot be had. Both write the bytecode now: with PYTHONDONTWRITEBYTECODE set (it is,
# on these machines) nothing else would, and every gateway, CLI and pytest process would compile sanic,
# psycopg and the rest again (2.8 s against 1.2 s for a process's imports).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	{ $(VENV)/bin/pip install -q --disable-pip-version-check uv && \
	  $(VENV)/bin/uv pip install -q --compile-bytecode --python $(VENV)/bin/python -e '.[test]'; } || \
	  $(VENV)/bin/pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

# The project's own bytecode, for the same reason (only what changed is compiled again).
bytecode: $(VENV)/.installed
	@$(VENV)/bin/python -m compileall -q -j0 shim tests bench >/dev/null

run: install
	$(VENV)/bin/fedgate serve --host 127.0.0.1 --port 8080

# Three pytest-xdist workers on two cores: most tests wait on servers, but the suite as a whole keeps both
# cores busy, and a fourth worker only added contention (294 tests: 180 s with 3, 201 s with 4, same tree,
# back to back). Each worker starts its own three clusters; a module's tests stay on one worker (its
# gateway and federation fixtures).
PYTEST_WORKERS ?= 3
test: EXTRA_DEB_PACKAGES = $(TEST_DEB_PACKAGES)
test: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadscope --durations=15

# The quick loop while you work: everything but the scenario tests (marked slow).
test-fast: install
	$(VENV)/bin/pytest -n 3 --dist loadscope -m 'not slow'

# The API contract at length: schemathesis's every check and phase (coverage included) on every operation.
fuzz: install
	FEDGATE_CONTRACT_PHASES=examples,coverage,fuzzing FEDGATE_CONTRACT_EXAMPLES=100 \
	  $(VENV)/bin/pytest -p no:cacheprovider --timeout 1800 tests/test_contract.py

bench: EXTRA_DEB_PACKAGES = $(BENCH_DEB_PACKAGES)
bench: install
	$(VENV)/bin/python -m bench

reset-dev: install
	$(VENV)/bin/fedgate dev reset

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info

# The docs' tables that the code is the source of (docs/http-api.md); tests/test_docs.py checks them.
docs: install
	$(VENV)/bin/python -m shim.request.reference

# Each plane's whole current schema, in one file (docs/schema/*.sql); tests/test_schema_snapshot.py checks it.
schema: install
	$(VENV)/bin/python -m shim.dev.snapshot
