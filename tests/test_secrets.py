"""A node's password and DSN appear in no response, log line or CLI output."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from shim.dev.clusters import Cluster
from tests.api_client import FED, issue_kit
from tests.federation import Federation, Gateway, make_federation, start_gateway

PASSWORD = "Sup3r-Secret-Pw!"
WRONG = "Wr0ng-Secret-Pw?"
ROLE = "fedsecret"


def _allow_password_logins(cluster: Cluster) -> None:
    """scram-sha-256 for ROLE (the clusters trust everyone else)."""
    with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as conn:
        hba = conn.execute("SHOW hba_file").fetchone()[0]
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone():
            conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}' IN ROLE fedgate_api")
        rules = Path(hba).read_text()
        line = f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n"
        if line not in rules:
            Path(hba).write_text(line + rules)
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.2)


@pytest.fixture(scope="module")
def secret_world(clusters: list[Cluster], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Federation, Gateway, list[str]]]:
    fed = make_federation(clusters)
    eu = clusters[1]
    _allow_password_logins(eu)
    port = eu.settings["port"]
    good = f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{port}/{fed.name}"
    bad = f"postgresql://{ROLE}:{WRONG}@127.0.0.1:{port}/{fed.name}"
    fed.catalog("SELECT federation.add_node('eu-west-2', 'eu-west', %s)", (good,))
    fed.catalog("SELECT federation.add_node('eu-west-3', 'eu-west', 'env:FEDGATE_TEST_EU3')")
    fed.catalog("SELECT federation.set_node_status('eu-west-1', 'draining')")
    gw = start_gateway(fed.control_url, tmp_path_factory.mktemp("secrets"), env={
        "FEDGATE_TEST_EU3": bad, "FEDGATE_HEALTH_INTERVAL": "0.3", "FEDGATE_POOL_TIMEOUT": "1",
        "FEDGATE_NODE_USER": ""})  # each node reference's own login: a wrong password is the point
    try:
        yield fed, gw, [PASSWORD, WRONG, good, bad, good.split("@")[0], bad.split("@")[0]]
    finally:
        gw.stop()


def test_no_secret_in_responses_logs_or_cli(secret_world: tuple[Federation, Gateway, list[str]]) -> None:
    fed, gw, secrets = secret_world
    seen: list[str] = []
    nodes: set[str] = set()
    with gw.client() as http:
        for _ in range(16):
            resp = http.post(f"{FED}/tenants", json={"name": f"sec-{time.monotonic_ns()}", "region": "eu-west"})
            seen.append(resp.text + str(resp.headers))
            assert resp.status_code in (201, 503), resp.text
            if resp.status_code == 201:
                tenant = resp.json()["tenantId"]
                nodes.add(resp.headers["X-Federation-Node"])
                for path in (f"/tenants/{tenant}/status", f"/tenants/{tenant}/activity", "/regions"):
                    r = http.get(FED + path)
                    seen.append(r.text + str(r.headers))
                kit = issue_kit(http, tenant, ["log-shipper"])
                seen.append(str(kit.headers) + kit.content.decode("latin-1"))
        time.sleep(1.0)  # a few health rounds: eu-west-3 cannot log in
        seen.append(http.get("/openapi.json").text)
        seen.append(http.get("/readyz").text)
    assert nodes == {"eu-west-2"}, nodes  # eu-west-3 is unhealthy (wrong password), eu-west-1 draining
    health = fed.catalog("SELECT node_id, health, last_error FROM federation_node_status WHERE node_id = 'eu-west-3'")
    assert health[0][1] == "unhealthy" and health[0][2] == "authentication failed"
    seen.append(str(fed.catalog("SELECT * FROM federation_node_status")))
    for args in (["node", "list"], ["resolve", str(fed.catalog("SELECT tenant_id FROM federation.tenant_federation_map LIMIT 1")[0][0])]):
        done = subprocess.run([sys.executable, "-m", "shim.cli", *args, "--database-url", fed.control_url],
                              capture_output=True, text=True, timeout=60)
        seen.append(done.stdout + done.stderr)
    seen.append(gw.log())
    everything = "\n".join(seen)
    for secret in secrets:
        assert secret not in everything, f"leaked: {secret[:12]}..."


def test_driver_messages_are_redacted(secret_world: tuple[Federation, Gateway, list[str]]) -> None:
    import logging

    from shim.nodes.redact import RedactingFilter, classify, redact

    _, _, secrets = secret_world
    bad_dsn = secrets[3]
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect(bad_dsn, connect_timeout=2)
    message = str(caught.value)
    assert "password authentication failed" in message  # the raw message names user and host...
    assert classify(caught.value) == "authentication failed"
    cleaned = redact(f"error connecting in 'node:x': {message} dsn={bad_dsn} {bad_dsn}")
    assert ROLE not in cleaned and "127.0.0.1" not in cleaned and WRONG not in cleaned
    record = logging.LogRecord("psycopg.pool", logging.WARNING, __file__, 1, "error connecting: %s", (message,), None)
    RedactingFilter().filter(record)
    assert ROLE not in record.getMessage() and "127.0.0.1" not in record.getMessage()
