"""Every tenant's write budget (FEDGATE_TENANT_WRITE_RPS, a burst of FEDGATE_TENANT_WRITE_BURST): a token
bucket per tenant, in each worker, holding that worker's share of the budget (rate and burst divided by
the workers: connections spread over them). A write past it is answered 429 FGW429 with Retry-After
before any database work. Issuing a kit costs KIT_COST writes (two statements and an archive rendered);
an agent presenting a kit is not counted against its tenant (a stranger could spend the tenant's budget:
enrollment is bounded per client address instead). Sized so that a normal tenant never meets it."""

from __future__ import annotations

import math
import time
from uuid import UUID

from shim.errors import GatewayError

KIT_COST = 5.0
TRACKED = 100_000  # tenants' buckets kept per worker; full ones (nothing to remember) are dropped first


class WriteBudget:
    def __init__(self, rate: float, burst: float, workers: int = 1) -> None:
        self.rate = rate / workers
        self.burst = max(1.0, burst / workers)
        self._buckets: dict[UUID, tuple[float, float]] = {}  # tenant -> (tokens, at)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def spend(self, tenant: UUID, cost: float = 1.0) -> None:
        """Take ``cost`` from the tenant's bucket, or raise the 429 that says when to come back."""
        now = time.monotonic()
        tokens, at = self._buckets.get(tenant, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < cost:
            self._buckets[tenant] = (tokens, now)
            wait = math.ceil((min(cost, self.burst) - tokens) / self.rate)
            raise GatewayError(429, "FGW429", f"tenant {tenant} is past its write budget "
                               f"({self.rate:g} writes a second per worker, bursts of {self.burst:g})",
                               hint="retry after the Retry-After delay", headers={"Retry-After": str(max(1, wait))})
        self._buckets[tenant] = (tokens - cost, now)
        if len(self._buckets) > TRACKED:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget the buckets that have refilled (they hold nothing a fresh bucket would not)."""
        self._buckets = {t: (k, at) for t, (k, at) in self._buckets.items()
                         if k + (now - at) * self.rate < self.burst}
