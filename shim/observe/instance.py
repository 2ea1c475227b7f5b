"""This gateway instance in the catalog (``federation.gateway_instances``): every worker says the instance
is alive every third of FEDGATE_INSTANCE_TTL, at start too, and that it stopped as it shuts down. An
instance not seen for its TTL is gone (``federation_gateways``); the fleet's later coordination counts the
live ones there."""

from __future__ import annotations

import logging
from importlib import metadata

from shim.config import Settings
from shim.nodes.catalog import Catalog
from shim.observe.periodic import Periodic

log = logging.getLogger("fedgate.instance")


def _version() -> str:
    try:
        return metadata.version("fedgate")
    except metadata.PackageNotFoundError:
        return "unknown"


class InstanceHeartbeat:
    def __init__(self, catalog: Catalog, settings: Settings) -> None:
        self._catalog = catalog
        self._settings = settings
        self._version = _version()
        self.rounds = Periodic("fedgate-instance", settings.instance_ttl / 3, self.beat)

    async def beat(self) -> None:
        s = self._settings
        await self._catalog.execute("instance_heartbeat", (s.instance_id, s.instance_host, s.instance_pid,
                                                           self._version, s.workers, s.instance_ttl,
                                                           s.instance_started))
        await self._catalog.reload_fleet()  # an instance gone without a word (killed) leaves the count here

    async def start(self) -> None:
        try:
            await self.beat()  # registered at once, not a third of the TTL later
        except Exception as exc:  # noqa: BLE001 - a gateway serves without it; the next round tries again
            log.warning("this instance is not registered yet (%s): the next round tries again", type(exc).__name__)
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.close()
        try:
            await self._catalog.execute("instance_stopped", (self._settings.instance_id,))
        except Exception:  # noqa: BLE001 - then it is gone after its TTL
            log.info("could not record this instance's stop: it is taken for gone after its TTL")
