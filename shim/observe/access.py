"""The access log (request ids: shim.context).

The access log is one JSON line per request on stdout (``FEDGATE_ACCESS_LOG=off`` turns it off): time,
request id, method, route name, status, node, tenant id, latency; written in batches, at most a quarter
of a second after the answer. Never a path (kit ids are in some), a
query string, a header or a body, so no token or secret reaches it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import TextIO

FLUSH_SECONDS = 0.25  # a line waits at most this long in memory
FLUSH_LINES = 256     # or until this many are waiting


class AccessLog:
    """One JSON line per request on stdout, written in batches (one write per FLUSH_SECONDS or FLUSH_LINES,
    not per request: a write and a logging record per request cost a tenth of the gateway's throughput)."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self._out = stream if stream is not None else sys.stdout
        self._pending: list[str] = []
        self._scheduled = False
        self._second = -1
        self._stamp = ""
        self._quoted: dict[str | None, str] = {}

    def write(self, rid: str, method: str, route: str, status: int, node: str | None, tenant: str | None,
              seconds: float) -> None:
        """Ids, methods and route names are plain tokens (request ids are checked: shim.request.routing.request_id), tenant
        ids UUIDs: only node ids go through the JSON encoder, once each."""
        now = time.time()
        second = int(now)
        if second != self._second:  # formatted once a second
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        quoted = self._quoted.get(node)
        if quoted is None:
            quoted = self._quoted[node] = json.dumps(node)
        tenant_json = "null" if tenant is None else f'"{tenant}"'
        self._pending.append(
            f'{{"time":"{self._stamp}.{int((now - second) * 1000):03d}Z","requestId":"{rid}","method":"{method}",'
            f'"route":"{route}","status":{status},"node":{quoted},"tenant":{tenant_json},"ms":{seconds * 1000:.2f}}}')
        if len(self._pending) >= FLUSH_LINES:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_SECONDS, self._timed_flush)

    def _timed_flush(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        if self._pending:
            text = "\n".join(self._pending) + "\n"
            self._pending.clear()
            self._out.write(text)
            self._out.flush()
