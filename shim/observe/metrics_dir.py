"""The directory prometheus-client's multiprocess mode shares between a gateway's workers.

Set before prometheus_client is first imported (it picks its value class then), by ``fedgate serve``
ahead of the app: every Sanic worker inherits it and writes its own files there, and a scrape served
by any worker reads them all. Kept apart from shim.observe.metrics so that setting it imports nothing
of prometheus_client.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare() -> Path | None:
    """Use $PROMETHEUS_MULTIPROC_DIR (emptied of a previous run's files) or a fresh directory; the
    fresh one is returned so that its creator removes it at exit."""
    given = os.environ.get(ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return None
    made = Path(tempfile.mkdtemp(prefix="fedgate-metrics-"))
    os.environ[ENV] = str(made)
    return made


def remove(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
