"""Who still calls the legacy namespace, reported to the catalog in batches.

Each worker adds up its legacy requests per (tenant, client) in memory (the client: the token's role and
subject) and sends them once every FEDGATE_TENANT_STATS_INTERVAL seconds in one statement,
``federation.report_legacy_usage``; ``federation_legacy_usage`` shows them over an hour, a day and a week.
Never a round trip per request. Prometheus counts them without a tenant label
(fedgate_legacy_requests_total{outcome}). A batch the catalog does not take is kept for the next one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from shim.nodes.catalog import Catalog
from shim.observe import metrics
from shim.observe.periodic import Periodic

log = logging.getLogger("fedgate.legacy_usage")
MAX_ENTRIES = 50_000


@dataclass
class _Calls:
    requests: int = 0
    refused: int = 0
    last_seen: datetime | None = None


class LegacyUsage:
    """One worker's legacy calls since its last report, per (tenant, client)."""

    def __init__(self, catalog: Catalog, interval: float) -> None:
        self._catalog = catalog
        self._pending: dict[tuple[UUID | None, str], _Calls] = {}
        self.rounds = Periodic("fedgate-legacy-usage", interval, self.flush)

    def record(self, tenant: UUID | None, client: str, refused: bool) -> None:
        metrics.LEGACY_REQUESTS.labels("refused" if refused else "served").inc()
        key = (tenant, client[:300])
        calls = self._pending.get(key)
        if calls is None:
            if len(self._pending) >= MAX_ENTRIES:
                return  # counted in the metric; the catalog's figures miss it
            calls = self._pending[key] = _Calls()
        calls.requests += 1
        calls.refused += refused
        calls.last_seen = datetime.now(timezone.utc)

    async def flush(self) -> None:
        """Send the calls since the last report (one statement), or keep them for the next."""
        batch, self._pending = self._pending, {}
        if not batch:
            return
        rows = [{"tenant": None if tenant is None else str(tenant), "client": client, "requests": c.requests,
                 "refused": c.refused, "last_seen": c.last_seen.isoformat() if c.last_seen else None}
                for (tenant, client), c in batch.items()]
        try:
            await self._catalog.execute("report_legacy_usage", (json.dumps(rows),))
        except Exception as exc:  # noqa: BLE001 - the catalog is down or slow: keep them for the next report
            log.warning("legacy usage not reported (%s): kept for the next report", type(exc).__name__)
            for key, calls in batch.items():
                kept = self._pending.setdefault(key, _Calls(last_seen=calls.last_seen))
                kept.requests += calls.requests
                kept.refused += calls.refused
