"""500 concurrent tenant creations: each acknowledged tenant exists once, on one node, with its map row."""

from __future__ import annotations

import pytest

import asyncio
import subprocess
import uuid
from collections import Counter
from pathlib import Path

import httpx

from shim.dev.clusters import Cluster
from tests.api_client import FED
from tests.federation import async_http_client, bearer, make_federation, start_gateway

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

CREATIONS = 500


async def _create_all(base_url: str, names: list[str]) -> list[tuple[str, int, dict]]:
    limits = httpx.Limits(max_connections=CREATIONS, max_keepalive_connections=50)
    async with async_http_client(base_url=base_url, timeout=60, limits=limits, headers=bearer()) as client:
        regions = ["eu-west", "ap-south", "us-east"]

        async def one(i: int, name: str) -> tuple[str, int, dict]:
            resp = await client.post(f"{FED}/tenants", json={"name": name, "region": regions[i % 3]})
            return name, resp.status_code, resp.json()

        return await asyncio.gather(*(one(i, n) for i, n in enumerate(names)))


def _listen_backlog(port: int) -> int:
    """The backlog of the socket listening on ``port`` (ss shows it as a listener's Send-Q)."""
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[2])


def test_500_concurrent_creations(clusters: list[Cluster], tmp_path: Path) -> None:
    fed = make_federation(clusters)
    gw = start_gateway(fed.control_url, tmp_path, workers=2, env={"FEDGATE_POOL_TIMEOUT": "10"})
    try:
        # The kernel queues the whole burst for the workers: with Sanic's default backlog of 100, some of
        # the 500 connections were reset before a worker accepted them (httpx.ReadError).
        assert _listen_backlog(int(gw.base_url.rsplit(":", 1)[1])) >= CREATIONS
        names = [f"burst-{uuid.uuid4().hex}" for _ in range(CREATIONS)]
        results = asyncio.run(_create_all(gw.base_url, names))
    finally:
        gw.stop()
    statuses = Counter(status for _, status, _ in results)
    assert set(statuses) <= {201, 503}, statuses
    acknowledged = {body["tenantId"]: name for name, status, body in results if status == 201}
    assert len(acknowledged) >= CREATIONS * 0.95, statuses

    registry = dict(fed.catalog("SELECT id::text, status FROM federation.tenant_registry WHERE name LIKE 'burst-%%'"))
    mapped = dict(fed.catalog("SELECT tenant_id::text, primary_node_id FROM federation.tenant_federation_map"))
    on_node = {node: Counter(r[0] for r in fed.sql(node, "SELECT id::text FROM onboarding.tenants WHERE name LIKE 'burst-%%'"))
               for node in fed.urls}
    for tenant in acknowledged:
        assert registry.get(tenant) == "active", tenant
        node = mapped[tenant]
        assert on_node[node][tenant] == 1, (tenant, node)
        others = [n for n in fed.urls if n != node and n != "default"]
        assert all(on_node[n][tenant] == 0 for n in others), tenant
    # Nothing half-written: every registry row is an acknowledged tenant, none is left provisioning.
    assert set(registry) == set(acknowledged)
    assert Counter(mapped[t] for t in acknowledged).keys() == {"default", "eu-west-1", "ap-south-1"}
