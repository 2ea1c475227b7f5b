"""Actions run on a thread of their own (a move or a drain the admin API started answers at once).

Until the fleet's durable jobs exist, what runs here stops with its process; the catalog keeps the
move's state, so ``fedgate tenant move --resume`` or ``POST /admin/v1/moves/{id}/resume`` drives it on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("fedgate.actions")
RUNNING: set[threading.Thread] = set()


def in_background(name: str, work: Callable[[], Any]) -> None:
    def run() -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - the move's row says what stopped it
            log.warning("%s stopped: %s", name, type(exc).__name__)
        finally:
            RUNNING.discard(thread)
    thread = threading.Thread(target=run, name=name, daemon=True)
    RUNNING.add(thread)
    thread.start()
