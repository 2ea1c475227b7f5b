"""The current request's id: the ground floor under the request layer, node access and the access log.

Every request gets an id: the caller's ``X-Request-ID`` when it is a plain token (1 to 55 characters of
letters, digits and ``._:-``), else a new one (the worker's random prefix and a serial number). The
request layer sets it (``shim.request.routing.request_id``); node access names the handler statement
after it (``application_name``), so a slow statement in ``pg_stat_activity`` leads back to its request;
the access log writes it.
"""

from __future__ import annotations

import itertools
import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
CURRENT: ContextVar[str | None] = ContextVar("fedgate_request_id", default=None)
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,55}")  # a caller's X-Request-ID is kept when it matches
PREFIX = f"{uuid.uuid4().hex[:12]}-"  # this worker's: ids it makes are unique across workers and restarts
SERIAL = itertools.count(1)


def application_name() -> str:
    """The application_name of a handler statement: the current request's id when there is one."""
    current = CURRENT.get()
    return "fedgate" if current is None else f"fedgate {current}"
