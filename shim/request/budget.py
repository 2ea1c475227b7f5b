"""Token buckets per tenant, in each worker: the write budget and the fleet-wide quotas.

- ``WriteBudget`` (FEDGATE_TENANT_WRITE_RPS, a burst of FEDGATE_TENANT_WRITE_BURST): every tenant's writes,
  this worker holding its share of the budget (rate and burst divided by the gateway's workers:
  connections spread over them). Issuing a kit costs KIT_COST writes (two statements and an archive
  rendered); an agent presenting a kit is not counted against its tenant (a stranger could spend the
  tenant's budget: enrollment is bounded per client address instead). Sized so that a normal tenant never
  meets it.
- ``TenantQuota``: the quotas operators set (``federation.tenant_limits``: requests a second and a burst
  for the whole fleet), every request of the tenant counted; this worker holds the limit divided by the
  live instances' workers (``Catalog.fleet_workers``, recomputed when an instance comes or goes). The
  catalog's limits are in memory: no round trip per request.

A request past either is answered 429 FGW429 with Retry-After before any database work."""

from __future__ import annotations

import math
import time
from uuid import UUID

from shim.errors import GatewayError
from shim.nodes.catalog import Catalog
from shim.observe import metrics

KIT_COST = 5.0
TRACKED = 100_000  # tenants' buckets kept per worker; full ones (nothing to remember) are dropped first


class Buckets:
    """One token bucket per tenant; each ``take`` names the bucket's rate and burst (they may change)."""

    def __init__(self) -> None:
        self._buckets: dict[UUID, tuple[float, float]] = {}  # tenant -> (tokens, at)

    def take(self, tenant: UUID, cost: float, rate: float, burst: float) -> float:
        """Take ``cost`` tokens: 0.0, or the seconds until they are there (nothing taken)."""
        now = time.monotonic()
        tokens, at = self._buckets.get(tenant, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens < cost:
            self._buckets[tenant] = (tokens, now)
            return (min(cost, burst) - tokens) / rate
        self._buckets[tenant] = (tokens - cost, now)
        if len(self._buckets) > TRACKED:
            self._prune(now, rate, burst)
        return 0.0

    def _prune(self, now: float, rate: float, burst: float) -> None:
        """Forget the buckets that have refilled (they hold nothing a fresh bucket would not)."""
        self._buckets = {t: (k, at) for t, (k, at) in self._buckets.items() if k + (now - at) * rate < burst}


def _refused(message: str, wait: float) -> GatewayError:
    return GatewayError(429, "FGW429", message, hint="retry after the Retry-After delay",
                        headers={"Retry-After": str(max(1, math.ceil(wait)))})


class WriteBudget:
    def __init__(self, rate: float, burst: float, workers: int = 1) -> None:
        self.rate = rate / workers
        self.burst = max(1.0, burst / workers)
        self._buckets = Buckets()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def spend(self, tenant: UUID, cost: float = 1.0) -> None:
        """Take ``cost`` from the tenant's bucket, or raise the 429 that says when to come back."""
        wait = self._buckets.take(tenant, cost, self.rate, self.burst)
        if wait:
            metrics.THROTTLED.labels("write_budget").inc()
            raise _refused(f"tenant {tenant} is past its write budget ({self.rate:g} writes a second per worker, "
                           f"bursts of {self.burst:g})", wait)


class TenantQuota:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._buckets = Buckets()

    def share(self, tenant: UUID) -> tuple[float, float] | None:
        """This worker's (rate, burst) of the tenant's request quota, or None when it has none."""
        limit = self._catalog.limits.get(tenant)
        if limit is None or limit.rps is None or limit.burst is None:
            return None
        workers = self._catalog.fleet_workers
        return limit.rps / workers, max(1.0, limit.burst / workers)

    def inflight_share(self, tenant: UUID) -> int | None:
        """This worker's share of the tenant's calls in flight (at least one), or None (no such quota): the
        node client's per-tenant slots take the smaller of it and FEDGATE_TENANT_MAX_INFLIGHT."""
        limit = self._catalog.limits.get(tenant) if self._catalog.limits else None
        if limit is None or limit.inflight is None:
            return None
        return max(1, limit.inflight // self._catalog.fleet_workers)

    def admit(self, tenant: UUID) -> None:
        """Count one request of the tenant, or raise the 429 that says when to come back."""
        if not self._catalog.limits:
            return
        share = self.share(tenant)
        if share is None:
            return
        wait = self._buckets.take(tenant, 1.0, *share)
        if wait:
            metrics.THROTTLED.labels("quota").inc()
            raise _refused(f"tenant {tenant} is past its quota ({self._catalog.limits[tenant].rps:g} requests a "
                           "second for the fleet)", wait)
