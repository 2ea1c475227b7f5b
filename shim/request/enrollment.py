"""Failed enrollments, across the fleet: an agent presenting a kit holds no bearer token, so whoever can
reach the gateway can try kit ids and tokens. Each node counts the failures it sees (and refuses an
address past the limit); the gateway counts each failure in the catalog too, for the whole fleet, and
remembers an address found past the limit until its window has moved on: later attempts from it get 429
before any catalog or node work (a throttled address costs nothing but this lookup)."""

from __future__ import annotations

import logging
import time

from shim.errors import GatewayError
from shim.nodes.catalog import Catalog, CatalogUnavailable

log = logging.getLogger("fedgate.enrollment")
REFUSED_FOR = 60.0  # seconds an address found past the limit is refused before the catalog is asked again
REMEMBERED = 100_000  # throttled addresses kept per worker


class EnrollmentGuard:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._refused: dict[str, float] = {}  # address -> refused until (monotonic)

    def check(self, address: str) -> None:
        """429 for an address this worker found past the limit, while that lasts."""
        until = self._refused.get(address)
        if until is None:
            return
        left = until - time.monotonic()
        if left <= 0:
            del self._refused[address]
            return
        raise GatewayError(429, "FG429", "too many failed enrollments from this address: retry later",
                           headers={"Retry-After": str(max(1, round(left)))})

    async def failed(self, address: str) -> None:
        """Count one failure for the fleet; past the limit, refuse the address here from now on."""
        try:
            rows = await self._catalog.execute("count_enrollment_failure", (address,))
        except CatalogUnavailable:
            return  # the node's own count still holds the address to the limit
        failures, limit = rows[0]
        if failures >= limit:
            if len(self._refused) >= REMEMBERED:
                now = time.monotonic()
                self._refused = {a: t for a, t in self._refused.items() if t > now}
            if address not in self._refused:
                log.warning("enrollment: %s made %d failed attempts in 15 minutes: refused for %g s",
                            address, failures, REFUSED_FOR)
            self._refused[address] = time.monotonic() + REFUSED_FOR
