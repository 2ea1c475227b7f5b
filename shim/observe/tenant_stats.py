"""Per-tenant request figures, reported to the catalog in batches.

Prometheus gets no tenant label (thousands of tenants would be thousands of series per metric). Each
worker adds up its requests per (tenant, node) in memory and sends them to the catalog once every
FEDGATE_TENANT_STATS_INTERVAL seconds (default 10) in one statement, ``federation.report_tenant_stats``;
the ``federation_tenant_stats`` view shows the busiest tenants per node. Never a round trip per request.
A batch the catalog does not take is kept for the next one (at most MAX_ENTRIES pairs; beyond that new
pairs are dropped and counted in fedgate_tenant_stats_dropped_total).
"""

from __future__ import annotations

import json
import logging
from uuid import UUID

from shim.nodes.catalog import Catalog
from shim.observe import metrics
from shim.observe.periodic import Periodic

log = logging.getLogger("fedgate.tenant_stats")
MAX_ENTRIES = 50_000


class TenantStats:
    """One worker's figures since its last report: (tenant, node) -> [requests, errors, total ms, max ms]."""

    def __init__(self, catalog: Catalog, interval: float) -> None:
        self._catalog = catalog
        self._pending: dict[tuple[UUID, str], list[float]] = {}
        self.rounds = Periodic("fedgate-tenant-stats", interval, self.flush)

    def record(self, tenant: UUID, node: str, status: int, seconds: float) -> None:
        key = (tenant, node)
        entry = self._pending.get(key)
        if entry is None:
            if len(self._pending) >= MAX_ENTRIES:
                metrics.TENANT_STATS_DROPPED.inc()
                return
            entry = self._pending[key] = [0, 0, 0.0, 0.0, 0]
        ms = seconds * 1000
        entry[0] += 1
        entry[1] += status >= 500
        entry[4] += status == 429
        entry[2] += ms
        if ms > entry[3]:
            entry[3] = ms

    async def flush(self) -> None:
        """Send the figures since the last report (one statement), or keep them for the next."""
        batch, self._pending = self._pending, {}
        if not batch:
            return
        rows = [{"tenant": str(tenant), "node": node, "requests": int(e[0]), "errors": int(e[1]),
                 "total_ms": round(e[2], 3), "max_ms": round(e[3], 3), "throttled": int(e[4])}
                for (tenant, node), e in batch.items()]
        try:
            await self._catalog.execute("report_tenant_stats", (json.dumps(rows),))
        except Exception as exc:  # noqa: BLE001 - the catalog is down or slow: keep them for the next report
            log.warning("tenant stats not reported (%s): kept for the next report", type(exc).__name__)
            for key, entry in batch.items():
                kept = self._pending.get(key)
                if kept is None:
                    if len(self._pending) >= MAX_ENTRIES:
                        metrics.TENANT_STATS_DROPPED.inc(entry[0])
                        continue
                    self._pending[key] = entry
                else:
                    kept[0] += entry[0]
                    kept[1] += entry[1]
                    kept[2] += entry[2]
                    kept[3] = max(kept[3], entry[3])
                    kept[4] += entry[4]
