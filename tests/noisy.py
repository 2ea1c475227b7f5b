"""The noisy-tenant scenario, shared by its test (what must hold) and make bench (how the neighbour's
latency moves: noisy_neighbour_p99_ratio): a tenant with 30 days of heartbeats whose clients ask for
its 30-day telemetry, and a quiet tenant of the same node."""

from __future__ import annotations

import subprocess
import sys
import time


from tests.api_client import FED
from tests.federation import Federation, bearer, http_client

HEARTBEATS = 400_000  # the noisy tenant's 30 days: its 30-day telemetry reads all of them
NOISY_CLIENTS = 30


def seed_noisy(federation: Federation, noisy: str, heartbeats: int = HEARTBEATS) -> None:
    federation.sql("eu-west-1", """
        INSERT INTO onboarding.agent_instances (id, tenant_id, hostname, agent_type, version)
        SELECT md5(%s || i)::uuid, %s, 'noisy-' || i, 'log-shipper', '2.4.1' FROM generate_series(1, 50) i""",
                   (noisy, noisy))
    federation.sql("eu-west-1", """
        INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at, cpu_percent, status)
        SELECT %s, md5(%s || (i %% 50 + 1))::uuid, now() - (i * interval '30 days' / %s), i %% 100, 'ok'
        FROM generate_series(1, %s) i""", (noisy, noisy, heartbeats, heartbeats))
    federation.sql("eu-west-1", "ANALYZE onboarding.agent_heartbeats")


def quiet_latencies(base_url: str, tenant: str, count: int) -> tuple[list[float], list[int]]:
    """One client reading and writing the quiet tenant, request after request: each request's seconds,
    and the statuses of those not answered 200."""
    took, errors = [], []
    with http_client(base_url=base_url, timeout=30, headers=bearer()) as http:
        for i in range(count):
            start = time.monotonic()
            if i % 4 == 3:
                resp = http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant})
            else:
                resp = http.get(f"{FED}/tenants/{tenant}/status")
            took.append(time.monotonic() - start)
            if resp.status_code != 200:
                errors.append(resp.status_code)
    return took, errors


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def start_noisy_load(base_url: str, noisy: str, seconds: float = 5.0) -> subprocess.Popen[str]:
    """NOISY_CLIENTS clients in their own process for ``seconds``; its stdout is a JSON report."""
    return subprocess.Popen([sys.executable, "-c", NOISY_LOAD, base_url, noisy, str(NOISY_CLIENTS), str(seconds)],
                            stdout=subprocess.PIPE, text=True)


# Each client asks for the noisy tenant's 30-day telemetry until the time is up: prints
# {"ok", "statuses", "median_ms"}.
NOISY_LOAD = """
import asyncio, json, statistics, sys, time
import httpx
from tests.federation import async_http_client, bearer
base, tenant, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
statuses, took = {}, []
async def main():
    deadline = time.monotonic() + seconds
    async with async_http_client(base_url=base, timeout=60, headers=bearer(),
                                 limits=httpx.Limits(max_connections=clients)) as client:
        async def one():
            while time.monotonic() < deadline:
                start = time.monotonic()
                resp = await client.get(f"/federation/api/onboarding/tenants/{tenant}/telemetry", params={"window": "30d"})
                statuses[str(resp.status_code)] = statuses.get(str(resp.status_code), 0) + 1
                if resp.status_code == 200:
                    took.append(time.monotonic() - start)
        await asyncio.gather(*(one() for _ in range(clients)))
asyncio.run(main())
print(json.dumps({"ok": statuses.get("200", 0), "statuses": statuses,
                  "median_ms": round(statistics.median(took) * 1000) if took else None}))
"""
