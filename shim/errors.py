"""One error shape everywhere, and the SQLSTATE -> HTTP status table.

Body: {"code", "message", "details", "hint"}. Errors raised by handler SQL
keep their SQLSTATE as code (FG... are fedgate's own); errors of the gateway
itself carry codes prefixed ``FGW``. Messages of connection failures are
never passed on: psycopg names hosts, ports and users there.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg

# fedgate's SQLSTATEs (RAISE ... USING ERRCODE = 'FG...') and the standard ones.
SQLSTATE_STATUS: dict[str, int] = {
    "FG400": 400,  # invalid input (DETAIL names the field)
    "FG001": 400,  # unknown region
    "FG002": 503,  # no active node in the region
    "FG003": 409,  # tenant already placed
    "FG004": 409,  # protected node (default node, node with tenants)
    "FG005": 503,  # no serving node for the tenant
    "FG401": 401,  # wrong credential (enrollment token)
    "FG403": 403,  # not allowed (agent type not in the kit)
    "FG404": 404,  # not found
    "FG409": 409,  # conflict
    "FG410": 410,  # expired or revoked
    "FG421": 421,  # misdirected: the tenant is fenced for a move, or moved off this node
    "FG422": 422,  # an Idempotency-Key sent again with another request
    "FG423": 423,  # the tenant is suspended: writes refused
    "FG429": 429,  # too many failed attempts from this client address
    "23505": 409,  # unique_violation
    "23503": 409,  # foreign_key_violation
    "23502": 400,  # not_null_violation
    "23514": 400,  # check_violation
    "57014": 504,  # query_canceled (statement timeout)
    "40001": 503,  # serialization_failure: retry
    "40P01": 503,  # deadlock_detected: retry
    "55P03": 503,  # lock_not_available
}
# Whole classes, when the code itself is not listed.
SQLSTATE_CLASS_STATUS: dict[str, int] = {
    "22": 400,  # data exception (bad cast, out of range, invalid text)
    "08": 503,  # connection exception
    "53": 503,  # insufficient resources (too many connections)
    "57": 503,  # operator intervention (shutdown, cannot connect now)
}
RETRY_AFTER_SECONDS = 2
THROTTLED_RETRY_AFTER_SECONDS = 60  # failed enrollments are counted over 15 minutes, per minute


class GatewayError(Exception):
    """An error answered to the client in the project's error shape."""

    def __init__(self, status: int, code: str, message: str, *, details: Any = None,
                 hint: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.hint = hint
        self.headers = dict(headers or {})
        if status == 503:
            self.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
        elif status == 429:
            self.headers.setdefault("Retry-After", str(THROTTLED_RETRY_AFTER_SECONDS))

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}


def bad_request(code: str, message: str, **kw: Any) -> GatewayError:
    return GatewayError(400, code, message, **kw)


def node_unavailable(node_id: str, why: str = "is unavailable") -> GatewayError:
    return GatewayError(503, "FGW503", f"federation node {node_id} {why}",
                        hint="retry after the Retry-After delay")


def describe(exc: psycopg.Error, *, detail: bool = False) -> str:
    """What a command line may print of a database error: the server's message (and detail: which
    object, which row), never the driver's own text, which names hosts, ports and users."""
    diag = exc.diag if exc.sqlstate else None
    if diag is None:
        return f"database unreachable ({type(exc).__name__})"
    parts = [diag.message_primary or type(exc).__name__] + ([diag.message_detail] if detail else [])
    return "; ".join(part for part in parts if part)


def status_for_sqlstate(sqlstate: str | None) -> int:
    if sqlstate is None:
        return 503
    return SQLSTATE_STATUS.get(sqlstate) or SQLSTATE_CLASS_STATUS.get(sqlstate[:2], 500)


def _details(raw: str | None) -> Any:
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return raw


def from_db_error(exc: psycopg.Error, node_id: str) -> GatewayError:
    """Translate a psycopg error raised while serving on ``node_id``."""
    sqlstate = exc.sqlstate
    status = status_for_sqlstate(sqlstate)
    if sqlstate is None or status == 503 and sqlstate[:2] in ("08", "53", "57"):
        # Connection-level: the message names hosts and users. Say only which node.
        return node_unavailable(node_id)
    if status == 500:
        return GatewayError(500, "FGW500", "internal error while serving the request",
                            details={"sqlstate": sqlstate, "node": node_id})
    diag = exc.diag
    return GatewayError(status, sqlstate, diag.message_primary or "request failed",
                        details=_details(diag.message_detail), hint=diag.message_hint)
