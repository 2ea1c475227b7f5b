"""A small bounded load generator for the failure tests (loopback only)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

import httpx

from tests.federation import async_http_client, bearer


@dataclass
class Sample:
    tenant: str
    sent: float
    took: float
    status: int
    node: str | None
    retry_after: str | None


async def run_load(base_url: str, paths: dict[str, str], seconds: float, concurrency: int = 16,
                   headers: dict[str, str] | None = None, stop_when: Callable[[], bool] | None = None,
                   fresh_connections: bool = False, timeout: float = 30) -> list[Sample]:
    """GET each tenant's path round-robin from ``concurrency`` tasks for at most ``seconds``; a request
    not answered within ``timeout`` is a sample of status -1."""
    samples: list[Sample] = []
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_keepalive_connections=0 if fresh_connections else concurrency)
    async with async_http_client(base_url=base_url, timeout=timeout, limits=limits, headers=bearer()) as client:
        async def worker(offset: int) -> None:
            keys = list(paths)
            i = offset
            while time.monotonic() < deadline and not (stop_when and stop_when()):
                tenant = keys[i % len(keys)]
                i += 1
                start = time.monotonic()
                try:
                    resp = await client.get(paths[tenant], headers=headers)
                    status, node, retry = resp.status_code, resp.headers.get("X-Federation-Node"), \
                        resp.headers.get("Retry-After")
                except httpx.HTTPError:
                    status, node, retry = -1, None, None
                samples.append(Sample(tenant, start, time.monotonic() - start, status, node, retry))
                await asyncio.sleep(0.005)
        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return samples
