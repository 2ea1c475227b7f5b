"""One tenant cannot take a node away from the others: its in-flight calls per node are bounded
(FEDGATE_TENANT_MAX_INFLIGHT), its extra requests wait on its own slots and then get 429; another
tenant of the same node is served while one hammers its 30-day telemetry."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.api_client import FED, create_tenant
from tests.federation import Federation, async_http_client, bearer, start_gateway
from tests.waiting import wait_until
from tests.noisy import quiet_latencies, seed_noisy, start_noisy_load

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

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
            async with async_http_client(base_url=gw.base_url, timeout=30, headers=bearer()) as client:
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
    assert all(status == 200 for status, _ in reads), reads  # not one waited on the noisy tenant's slots
    statuses = sorted(w.status_code for w in writes)
    assert statuses.count(200) == 2 and statuses.count(429) == 10, statuses  # 2 slots; the rest waited 1 s
    refused = next(w for w in writes if w.status_code == 429)
    assert refused.json()["code"] == "FGW429" and refused.headers["Retry-After"] == "1"


def _active_telemetry(node_url: str) -> int:
    """The node's statements running the noisy tenant's telemetry right now."""
    with psycopg.connect(node_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                           "AND query LIKE '%%tenant_telemetry%%' AND pid <> pg_backend_pid()").fetchone()
    return int(row[0]) if row else 0


def test_a_tenant_hammering_30_day_telemetry_keeps_to_its_share(federation: Federation, tmp_path: Path) -> None:
    """A tenant whose calls are slow holds at most one of its node's connections per gateway worker (its
    share: FEDGATE_TENANT_SLOW_MS), its extra requests wait on its own slots and get 429, and its
    neighbour on the same node gets every answer. How the neighbour's latency moves is make bench's
    noisy_neighbour_p99_ratio, not an assertion here."""
    # A quarter of the bench's 30 days of heartbeats, and a slow-call bound to match (its calls take tens
    # of milliseconds here, not hundreds): the same property, in a third of the time.
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_TENANT_SLOW_MS": "10"})
    try:
        with gw.client() as http:
            noisy, quiet = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
        seed_noisy(federation, noisy, heartbeats=100_000)
        quiet_latencies(gw.base_url, quiet, 20)  # the quiet tenant's connections are open
        load = start_noisy_load(gw.base_url, noisy, seconds=5.0)
        def reached() -> bool:
            assert load.poll() is None, "the noisy load ended before it reached the node"
            return _active_telemetry(federation.urls["eu-west-1"]) > 0
        wait_until(reached, "the noisy tenant's statements on the node", every=0.02)
        time.sleep(1.0)  # its first calls have told the gateway it is slow
        seen: list[int] = []
        _, errors = quiet_latencies(gw.base_url, quiet, 60)
        while load.poll() is None:
            seen.append(_active_telemetry(federation.urls["eu-west-1"]))
            time.sleep(0.02)
        report = json.loads(load.communicate(timeout=120)[0])
    finally:
        gw.stop()
    assert errors == []  # the neighbour: every request answered 200
    assert report["ok"] > 0 and set(report["statuses"]) <= {"200", "429"}, report
    assert "429" in report["statuses"], report  # 30 clients met the noisy tenant's one slot
    assert seen and max(seen) <= 1, seen  # one worker: the slow tenant's one connection on the node
