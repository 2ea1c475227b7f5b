"""Request ids and the access log.

Every request gets an id: the caller's ``X-Request-ID`` when it is a plain token (1 to 55 characters of
letters, digits and ``._:-``), else a new one. It is echoed in the answer, written in the access log, and
reaches PostgreSQL as the handler statement's ``application_name`` (``fedgate <id>``, set in the same
statement: no round trip), so a slow statement in ``pg_stat_activity`` leads back to its request.

The access log is one JSON line per request on stdout (``FEDGATE_ACCESS_LOG=off`` turns it off): time,
request id, method, route name, status, node, tenant id, latency. Never a path (kit ids are in some), a
query string, a header or a body, so no token or secret reaches it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sanic import Request

REQUEST_ID_HEADER = "X-Request-ID"
CURRENT: ContextVar[str | None] = ContextVar("fedgate_request_id", default=None)
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,55}")


def request_id(request: "Request") -> str:
    """The request's id (taken or made on first use), also made current for the node calls it makes."""
    found: str | None = getattr(request.ctx, "request_id", None)
    if found is None:
        given = request.headers.get("x-request-id")
        found = given if given is not None and _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        request.ctx.request_id = found
        CURRENT.set(found)
    return found


def application_name() -> str:
    """The application_name of a handler statement: the current request's id when there is one."""
    current = CURRENT.get()
    return "fedgate" if current is None else f"fedgate {current}"


class AccessLog:
    """One JSON line per request, through its own logger (not propagated: no other handler formats it)."""

    def __init__(self, enabled: bool) -> None:
        self._log = logging.getLogger("fedgate.access")
        self._log.propagate = False
        self.enabled = enabled
        if enabled and not self._log.handlers:
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._log.addHandler(handler)
            self._log.setLevel(logging.INFO)

    def write(self, rid: str, method: str, route: str, status: int, node: str | None, tenant: str | None,
              seconds: float) -> None:
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        self._log.info(json.dumps({"time": stamp, "requestId": rid, "method": method, "route": route,
                                   "status": status, "node": node, "tenant": tenant,
                                   "ms": round(seconds * 1000, 2)}, separators=(",", ":")))
