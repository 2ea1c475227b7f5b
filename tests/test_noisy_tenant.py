"""One tenant cannot take a node away from the others: its in-flight calls per node are bounded
(FEDGATE_TENANT_MAX_INFLIGHT), its extra requests wait on its own slots and then get 429."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import psycopg

from tests.api_client import FED, create_tenant
from tests.federation import Federation, bearer, start_gateway

ENV = {"FEDGATE_POOL_MAX_SIZE": "4", "FEDGATE_TENANT_MAX_INFLIGHT": "2", "FEDGATE_POOL_TIMEOUT": "1",
       "FEDGATE_STATEMENT_TIMEOUT_MS": "4000"}


def test_a_stuck_tenant_keeps_to_its_slots(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env=ENV)
    try:
        with gw.client() as http:
            noisy, quiet = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
        # A DBA holds the noisy tenant's row: its writes (an activity row's key check) block on the node.
        holder = psycopg.connect(federation.urls["eu-west-1"])
        holder.execute("SELECT 1 FROM onboarding.tenants WHERE id = %s FOR UPDATE", (noisy,))

        async def scenario() -> tuple[list[httpx.Response], list[tuple[int, float]]]:
            async with httpx.AsyncClient(base_url=gw.base_url, timeout=30, headers=bearer()) as client:
                writes = [asyncio.create_task(client.post(f"{FED}/identity/validate", json={
                    "type": "oidc", "config": {}, "tenantId": noisy})) for _ in range(12)]
                await asyncio.sleep(0.3)
                reads = []
                for _ in range(20):  # the other tenant of the same node, meanwhile
                    start = time.monotonic()
                    resp = await client.get(f"{FED}/tenants/{quiet}/status")
                    reads.append((resp.status_code, time.monotonic() - start))
                await asyncio.sleep(1.0)
                holder.rollback()  # the noisy tenant's row is free again
                return list(await asyncio.gather(*writes)), reads

        writes, reads = asyncio.run(scenario())
    finally:
        holder.close()
        gw.stop()
    assert all(status == 200 for status, _ in reads), reads
    assert max(took for _, took in reads) < 0.5, reads
    statuses = sorted(w.status_code for w in writes)
    assert statuses.count(200) == 2 and statuses.count(429) == 10, statuses  # 2 slots; the rest waited 1 s
    refused = next(w for w in writes if w.status_code == 429)
    assert refused.json()["code"] == "FGW429" and refused.headers["Retry-After"] == "1"
