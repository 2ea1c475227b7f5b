"""A worker's background round: a coroutine run every ``interval`` seconds until closed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("fedgate.observe")


class Periodic:
    """Runs ``work`` every ``interval`` seconds on the running loop; a round that fails is logged and the
    next one runs (figures must never take a worker down)."""

    def __init__(self, name: str, interval: float, work: Callable[[], Awaitable[None]]) -> None:
        self._name = name
        self._interval = interval
        self._work = work
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._work()
            except Exception:  # noqa: BLE001
                log.exception("%s: a round failed", self._name)
