"""A gateway never runs handler SQL on a node whose schema is older than its own: the node is
refused with a 503 naming what it lacks, /readyz and `fedgate node list` say which node lags, and it
serves again once migrated."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shim.dev.clusters import Cluster
from tests.api_client import FED, create_tenant
from tests.federation import Federation, make_federation, start_gateway

pytestmark = pytest.mark.slow  # a scenario test (processes, clusters): make test runs it, make test-fast does not

LATEST_NODE = "SELECT max(version) FROM public.fedgate_migrations WHERE migration_set = 'node'"


def test_a_node_behind_the_gateways_schema_is_refused_and_named(clusters: list[Cluster], tmp_path: Path) -> None:
    fed: Federation = make_federation(clusters)
    gw = start_gateway(fed.control_url, tmp_path, env={"FEDGATE_HEALTH_INTERVAL": "0.3"})
    try:
        with gw.client() as http:
            eu, ap = create_tenant(http, "eu-west"), create_tenant(http, "ap-south")
    finally:
        gw.stop()
    # eu-west-1 "forgets" its newest migration: as a node an upgrade skipped.
    newest = fed.sql("eu-west-1", LATEST_NODE)[0][0]
    saved = fed.sql("eu-west-1", "DELETE FROM public.fedgate_migrations WHERE migration_set = 'node' AND version = %s "
                                 "RETURNING version, name, checksum, migration_set", (newest,))
    gw = start_gateway(fed.control_url, tmp_path, env={"FEDGATE_HEALTH_INTERVAL": "0.3"})
    try:
        with gw.client() as http:
            refused = http.get(f"{FED}/tenants/{eu}/status")  # by the pool's check or the health checker's
            assert refused.status_code == 503, refused.text
            assert http.get(f"{FED}/tenants/{ap}/status").status_code == 200  # the other nodes serve
            deadline = time.monotonic() + 5
            while http.get("/readyz").json().get("schemaBehind") != ["eu-west-1"]:
                assert time.monotonic() < deadline, http.get("/readyz").text
                time.sleep(0.1)
            listed = subprocess.run([sys.executable, "-m", "shim.cli", "node", "list", "--database-url",
                                     fed.control_url], capture_output=True, text=True, env=dict(os.environ))
            line = next(line for line in listed.stdout.splitlines() if line.startswith("eu-west-1"))
            assert "schema behind: node" in line and "run fedgate migrate" in line
            # Migrated (here: the record restored), it serves again within the recheck delay.
            fed.sql("eu-west-1", "INSERT INTO public.fedgate_migrations (version, name, checksum, migration_set) "
                                 "VALUES (%s, %s, %s, %s)", saved[0])
            deadline = time.monotonic() + 10
            while http.get(f"{FED}/tenants/{eu}/status").status_code != 200:
                assert time.monotonic() < deadline, "the migrated node never served again"
                time.sleep(0.2)
    finally:
        gw.stop()


def test_the_node_client_checks_a_nodes_schema_before_its_first_call(clusters: list[Cluster]) -> None:
    """Independently of the health checker: a worker's first pool to a node reads its migrations."""
    import asyncio
    import uuid

    import pytest

    from shim.config import Settings
    from shim.errors import GatewayError
    from shim.nodes.catalog import Node
    from shim.nodes.client import NodeClient

    fed = make_federation(clusters)
    newest = fed.sql("ap-south-1", LATEST_NODE)[0][0]
    fed.sql("ap-south-1", "DELETE FROM public.fedgate_migrations WHERE migration_set = 'node' AND version = %s",
            (newest,))
    node = Node("ap-south-1", "ap-south", "active", fed.urls["ap-south-1"])
    claims = '{"role": "operator", "sub": "test"}'

    async def call() -> None:
        client = NodeClient(Settings(database_url=fed.control_url))
        try:
            await client.handle(node).call("tenant_status", uuid.uuid4(), {}, claims)
        finally:
            await client.close()

    with pytest.raises(GatewayError) as refused:
        asyncio.run(call())
    assert refused.value.status == 503
    assert f"runs an older schema than this gateway (schema behind: node {newest - 1} < {newest}" in refused.value.message
