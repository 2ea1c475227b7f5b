"""The API contract: schemathesis, with every check it has, against a live gateway's own /openapi.json.

A bounded run here (every operation: both namespaces and the admin API); `make fuzz` adds schemathesis's
coverage phase and runs longer. Per generated request it checks: no server error; only documented status codes, content types
and response headers; answers that match their schemas; schema-valid requests accepted (2xx or a
documented refusal: 401, 403, 404, 409, 429), schema-violating ones rejected (4xx); a method a path
does not take is 405 with `Allow`. A warning that an operation mostly rejects what its schema allows
(validation_mismatch) or that a credential was missing fails the run too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api_client import FED, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, Gateway, start_gateway, token

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

# make test: the examples and 5 generated requests an operation (about 15 s); make fuzz: the coverage phase
# too (every boundary and every kind of invalid value of every parameter: about 150 s) and 100 an operation.
EXAMPLES = int(os.environ.get("FEDGATE_CONTRACT_EXAMPLES", "5"))
PHASES = os.environ.get("FEDGATE_CONTRACT_PHASES", "examples,fuzzing")


def contract_config(operator: str, agent: str, tenant: str) -> str:
    """schemathesis.toml for a run as an operator (as an agent where only an agent may call)."""
    return f'''
headers = {{ Authorization = "Bearer {operator}" }}
warnings = {{ fail-on = ["validation_mismatch", "missing_auth"] }}

# A tenant that exists: the tenant API's operations reach their handlers, not only 404.
[parameters]
tenantId = "{tenant}"

# Only an agent refreshes its own credential, and a refresh rotates it: the configured token is spent by the
# first refresh, and the documented 401 answers the others (409 in the legacy namespace: the agent's tenant
# is federated).
[[operations]]
include-operation-id-regex = "refreshAgentToken$"
headers = {{ Authorization = "Bearer {agent}" }}
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "409"]

# A generated kit id and token are not accepted (401, the one answer a caller without the kit's token gets):
# no credential to configure, so no "missing auth" warning; a validation mismatch still fails the run.
[[operations]]
include-operation-id-regex = "verifyBootstrapKit$"
warnings = {{ fail-on = ["validation_mismatch"] }}

# Turning the legacy namespace off (for the run's tenant, or everyone) would answer every legacy operation
# after it 410, whatever it sent: tests/test_admin.py drives it, and 410 is in the legacy operations' document.
[[operations]]
include-operation-id = "adminLegacyOff"
enabled = false

# Adding a node names a database the gateway must reach and migrate: a well-formed URL of a database
# that is not there is the documented 422, for nearly every generated body (hence no mismatch warning).
[[operations]]
include-operation-id = "adminAddNode"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
warnings = false
'''


# schemathesis's CLI, with anyio imported before its worker threads start: anyio 4.16 builds its lazy
# import map by compiling an AST on first import, and two threads doing that at once trip CPython 3.11.7's
# "AST constructor recursion depth mismatch" (SystemError; fixed in 3.12, gh-106905), as one CI run met.
SCHEMATHESIS = "import sys, anyio; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; " \
               "sys.exit(schemathesis())"


def run_schemathesis(base_url: str, config: Path, examples: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCHEMATHESIS, "--config-file", str(config), "run", f"{base_url}/openapi.json",
         "--checks", "all", "--max-examples", str(examples), "--workers", "2", "--seed", "1",
         "--phases", PHASES, "--request-timeout", "20", *extra],
        capture_output=True, text=True, timeout=1200, cwd=config.parent)


def prepared(federation: Federation, gw: Gateway, work: Path) -> Path:
    """A tenant with an enrolled agent, and the run's configuration."""
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        kit = issue_kit(http, tenant, ["log-shipper"])
        enrolled = http.post(f"{FED}/bootstrap/verify", json={
            "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"], "hostname": "contract-host",
            "token": token_of(unpack(kit.content, "zip"), "log-shipper"), "agentType": "log-shipper",
            "version": "1.0"})
        assert enrolled.status_code == 200, enrolled.text
    config = work / "schemathesis.toml"
    config.write_text(contract_config(token("operator"), enrolled.json()["agentToken"], tenant))
    return config


def test_the_document_holds_against_every_check(federation: Federation, tmp_path: Path) -> None:
    # Generated enrollments fail by the hundred from one address: the throttle would answer most with 429.
    for node in federation.urls:
        federation.sql(node, f'ALTER DATABASE "{federation.name}" SET fedgate.enrollment_failure_limit = 1000000')
    # The same for the tenant's write budget: hundreds of generated writes a second for one tenant.
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_TENANT_WRITE_RPS": "0"})
    try:
        done = run_schemathesis(gw.base_url, prepared(federation, gw, tmp_path), EXAMPLES)
    finally:
        gw.stop()
    summary = done.stdout[done.stdout.find("=== SUMMARY"):] if "=== SUMMARY" in done.stdout else done.stdout[-4000:]
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-2000:]
    assert "failures" not in summary.splitlines()[-1] and "errors" not in summary.splitlines()[-1], summary
    print(summary)  # shown with pytest -rP: the run's figures
