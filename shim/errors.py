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

# Every code fedgate answers with: one status and one meaning each (docs/http-api.md's error table is
# generated from this; tests/test_docs.py fails when a code used in shim/ or sql/ is missing here, or
# is raised with another status). FGW... are the gateway's own; FG... are raised by the SQL
# (RAISE ... USING ERRCODE); the standard SQLSTATEs keep theirs.
CODES: dict[str, tuple[int, str]] = {
    "FGW101": (400, "a tenant id is not a UUID"),
    "FGW102": (400, "tenant id sources disagree (path, query, header, body)"),
    "FGW103": (400, "unknown region (not served by any node)"),
    "FGW104": (400, "region sources disagree (query, header, body)"),
    "FGW105": (400, "the body is not a JSON object (or nests deeper than 32 levels, or holds NaN/Infinity)"),
    "FGW106": (400, "the endpoint needs a tenant id and none was given"),
    "FGW107": (400, "a malformed `Idempotency-Key` (or more than one)"),
    "FGW108": (400, "a malformed `X-Federation-LSN`"),
    "FGW109": (400, "a string holds a NUL character or a lone UTF-16 surrogate (PostgreSQL cannot store it)"),
    "FGW110": (400, "a node id is malformed (admin API; `details.field`)"),
    "FGW111": (400, "an admin request's field is missing, malformed or out of range (`details.field`)"),
    "FGW112": (400, "a body field the operation does not take (`details.field`): refused, never ignored"),
    "FGW113": (400, "more than one `Authorization` header: which one counts would be a guess"),
    "FGW400": (400, "a request the HTTP layer could not read"),
    "FGW401": (401, "no bearer token, or one that does not verify (`WWW-Authenticate`)"),
    "FGW403": (403, "the token's role or tenant may not make this request"),
    "FGW404": (404, "no such route, or no such object of the admin API (a node, a rule, a move)"),
    "FGW405": (405, "the path does not take this method"),
    "FGW408": (408, "the request did not arrive in time"),
    "FGW409": (409, "a conflict: the legacy namespace asked about a federated tenant (`details.federatedPath`), "
                    "a drain with tenants nowhere to go, a move that cannot start or go on"),
    "FGW410": (410, "the legacy namespace is turned off for this tenant or for everyone (`fedgate legacy off`): call "
                    "the same path under /federation/api/onboarding (`Link: rel=\"successor-version\"`, "
                    "`details.successor`)"),
    "FGW413": (413, "body too large (1 MiB)"),
    "FGW415": (415, "a request body that is not `application/json`"),
    "FGW416": (416, "a range the answer cannot satisfy"),
    "FGW422": (422, "a node or replica being added could not be reached, migrated, or is not a replica"),
    "FGW429": (429, "the tenant's in-flight requests on its node are at their bound, or the tenant is past its "
                    "write budget (`FEDGATE_TENANT_WRITE_RPS`) or its fleet-wide quota (`fedgate tenant limit`; "
                    "`Retry-After`)"),
    "FGW499": (499, "never sent: the client closed its connection before its request was whole or answered; "
                    "counted as 499 in the metrics and the access log, not as a server error"),
    "FGW500": (500, "an internal error (its SQLSTATE in `details`, never a connection string)"),
    "FGW503": (503, "node unavailable (or its breaker open), no serving node for a mapped tenant, catalog down for "
                    "an uncached tenant, gateway at its connection limit, tenant held by a move too long; "
                    "with `Retry-After`"),
    "FGW504": (504, "the node did not answer within the call bound"),
    "FGW513": (503, "misrouted: a routing rule sent a registered tenant's request to a node that does not hold its "
                    "data (the tenant's node is named); fix the rule or move the tenant; with `Retry-After`. Never "
                    "a 404 for a tenant that exists"),
    "FG400": (400, "invalid field (`details.field` names it)"),
    "FG001": (400, "unknown region (placement)"),
    "FG002": (503, "no active node in the region"),
    "FG003": (409, "tenant already placed"),
    "FG004": (409, "protected node (the default node, a node with tenants)"),
    "FG005": (503, "no serving node for the tenant"),
    "FG401": (401, "wrong enrollment token, or a handler called without claims"),
    "FG403": (403, "agent type not in the kit, or a caller the handler refuses"),
    "FG404": (404, "not found (an unknown tenant on its node, kit, agent, node)"),
    "FG409": (409, "conflict (a tenant id whose row exists with another name or region; a host already enrolled; "
                   "a kit used up; a move that cannot start)"),
    "FG410": (410, "kit expired or revoked"),
    "FG451": (409, "refused by the tenant's residency: a node, rule, move, replica or the legacy namespace outside "
                   "the regions it may be served in (`details.residency`); an operator may override with a recorded "
                   "reason"),
    "FG421": (421, "misdirected: the tenant is fenced for a move, or moved off this node (the gateway re-routes)"),
    "FG422": (422, "an `Idempotency-Key` sent again with another request"),
    "FG423": (423, "the tenant is suspended: writes, enrollments and kit issuance refused"),
    "FG429": (429, "too many failed enrollments from this address (`Retry-After`)"),
    "23505": (409, "unique violation (a duplicate name)"),
    "23503": (409, "foreign key violation"),
    "23502": (400, "not-null violation"),
    "23514": (400, "check violation (a bad value)"),
    "57014": (504, "statement timeout"),
    "40001": (503, "serialization failure: retry"),
    "40P01": (503, "deadlock detected: retry"),
    "55P03": (503, "lock not available: retry"),
}
# The status of each SQLSTATE a handler can raise (fedgate's FG codes and the standard ones above).
SQLSTATE_STATUS: dict[str, int] = {code: status for code, (status, _) in CODES.items() if not code.startswith("FGW")}
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
