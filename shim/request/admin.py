"""The admin API, ``/admin/v1``: what an operator does with the CLI, over HTTP, for the operator role.

Parse, call, render: each state-changing handler validates its input and calls the action the CLI
calls (shim.actions), on a worker thread (actions use short-lived blocking connections from the one
connector). The admin API's connector logs in to the catalog with the gateway's catalog login and takes
the ``fedgate_operator`` role (control migration 006), so it changes the catalog with that role's
privileges and no more; nodes are reached with their catalog references' logins (moves create
subscriptions, node registration migrates). Reads (lists, explanations, figures) are named queries on
the catalog pool as ``fedgate_operator``. A move or a drain started here is a durable job
(shim.actions.jobs): recorded in the catalog, driven by this worker at once when it has room, else by
the next gateway worker that looks; if its driver dies, another one drives it on once its lease lapses.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import uuid
from datetime import date
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim.actions import jobs, legacy, nodes, plans, residency, routes, tenants
from shim.actions.jobs import JobRunner
from shim.config import Settings
from shim.errors import GatewayError, bad_request, from_db_error
from shim.nodes.catalog import Catalog, CatalogUnavailable
from shim.nodes.client import NodeClient
from shim.nodes.connector import Connector
from shim.request import schemas as s
from shim.request.budget import TenantQuota
from shim.values import jsonable
from shim.request.dispatch import authenticate
from shim.request.routing import client_address, parse_body, query, refuse_unknown_fields, require_json

log = logging.getLogger("fedgate.admin")
PREFIX = "/admin/v1"
_NODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~-]{0,254}")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only: "²".isdigit() is true and int("²") fails


@dataclass(frozen=True, eq=False)  # hashed by identity: Sanic keeps route ctx in a set
class Action:
    name: str
    method: str
    path: str  # below PREFIX, Sanic syntax
    summary: str
    handler: Callable[..., Awaitable[Any]]
    success: int = 200
    request: dict[str, Any] | None = None
    query: tuple[s.Param, ...] = ()
    also: tuple[tuple[int, str], ...] = ()  # other success answers: (status, when)


# -- helpers -------------------------------------------------------------------------------------------
def _answer(body: Any, status: int = 200) -> HTTPResponse:
    return HTTPResponse(json.dumps(jsonable(body)), status=status, content_type="application/json")


def _tenant(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise bad_request("FGW101", "tenantId must be a UUID", details={"field": "tenantId"}) from None


def _node_id(text: Any, field: str = "nodeId") -> str:
    if not isinstance(text, str) or not _NODE_ID.fullmatch(text):
        raise bad_request("FGW110", f"{field} must be 1 to 255 letters, digits and ._~- (starting with a letter "
                          "or digit)", details={"field": field})
    return text


def _region(text: Any, field: str = "region") -> str:
    if not isinstance(text, str) or not _REGION.fullmatch(text):
        raise bad_request("FGW111", f"{field} must be a region code (lower case letters, digits, -)",
                          details={"field": field})
    return text


def _integer(body: dict[str, Any], field: str, default: int, low: int, high: int) -> int:
    value = body.get(field, default)
    if isinstance(value, float) and value.is_integer():  # 9.0 is the whole number 9 (as JSON Schema has it)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request("FGW111", f"{field} must be an integer from {low} to {high}", details={"field": field})
    return value


def _flag(body: dict[str, Any], field: str) -> bool:
    value = body.get(field, False)
    if not isinstance(value, bool):
        raise bad_request("FGW111", f"{field} must be true or false", details={"field": field})
    return value


def _text(body: dict[str, Any], field: str, limit: int = 500) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or any(ord(c) < 32 for c in value):
        raise bad_request("FGW111", f"{field} must be text of at most {limit} printable characters",
                          details={"field": field})
    return value


def _body(request: Request) -> dict[str, Any]:
    """The action's JSON body: only the fields its schema names (another is a 400, never ignored)."""
    require_json(request.headers.get("content-type"))
    body = parse_body(request.body)
    schema = request.route.ctx.admin_action.request if request.route is not None else None
    refuse_unknown_fields(body, schema)
    return body


async def _catalog(request: Request, name: str, *params: Any) -> list[dict[str, Any]]:
    catalog: Catalog = request.app.ctx.catalog
    try:
        return await catalog.as_operator(name, params)
    except CatalogUnavailable:
        raise GatewayError(503, "FGW503", "the federation catalog is not reachable") from None
    except psycopg.Error as exc:
        raise from_db_error(exc, "control") from None


def _connector(request: Request) -> Connector:
    """The admin API's connector: the catalog as fedgate_operator, nodes by their references."""
    settings: Settings = request.app.ctx.settings
    caller = getattr(request.ctx, "caller", None)
    return Connector(settings.database_url, name="fedgate-admin", control_login=settings.catalog_login,
                     control_role="fedgate_operator", actor=f"operator:{caller.sub}" if caller else None)


def _jobs(request: Request) -> JobRunner:
    return request.app.ctx.jobs  # type: ignore[no-any-return]


async def _act(call: Callable[[], Any]) -> Any:
    """An action, on a worker thread (actions use blocking connections); a database's refusal in the
    error shape."""
    try:
        return await asyncio.to_thread(call)
    except psycopg.Error as exc:
        raise from_db_error(exc, "control") from None


def _query(request: Request, name: str, default: str | None = None) -> str | None:
    """A query parameter: a blank one is given (and checked), not absent."""
    values = query(request).getlist(name)
    return values[-1] if values else default


def _count(request: Request, name: str, default: int, high: int) -> int:
    raw = _query(request, name, str(default)) or ""
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= high:
        raise bad_request("FGW111", f"{name} must be an integer from 1 to {high}", details={"field": name})
    return int(raw)


# -- gateways ------------------------------------------------------------------------------------------
async def list_gateways(request: Request) -> HTTPResponse:
    """The fleet's gateway instances (federation_gateways): alive, gone or stopped, the live ones first."""
    return _answer({"items": await _catalog(request, "list_gateways", _count(request, "limit", 100, 1000)),
                    "self": request.app.ctx.settings.instance_id})


# -- nodes ---------------------------------------------------------------------------------------------
async def list_nodes(request: Request) -> HTTPResponse:
    client: NodeClient = request.app.ctx.client
    use = client.pool_use()
    rows = await _catalog(request, "admin_nodes")
    for row in rows:
        row["pool"] = use.get(row["node_id"])
    return _answer({"items": rows})


async def add_node(request: Request) -> HTTPResponse:
    body = _body(request)
    node_id, region = _node_id(body.get("nodeId")), _region(body.get("region"))
    reference = _text(body, "databaseUrl", 2000)
    if not reference:
        raise bad_request("FGW111", "databaseUrl is required: a URL, key=value string, service=NAME or env:VAR",
                          details={"field": "databaseUrl"})
    priority = _integer(body, "priority", 100, 0, 1_000_000)
    weight = _integer(body, "placementWeight", 100, 1, 1_000_000)
    region_name = _text(body, "regionName", 200)
    connector = _connector(request)
    added = await _act(lambda: nodes.add_node(connector, node_id, region, reference, priority, weight, region_name))
    return _answer({"node": added.row, "migration": added.migration, "warning": added.warning}, 201)


async def set_node_status(request: Request, node_id: str) -> HTTPResponse:
    status = _body(request).get("status")
    connector, node = _connector(request), _node_id(node_id)
    return _answer(await _act(lambda: nodes.set_node_status(connector, node, status)))  # the action checks it


async def drain_node(request: Request, node_id: str) -> HTTPResponse:
    body = _body(request) if request.body else {}
    parallel = _integer(body, "parallel", 1, 1, 16)
    node = _node_id(node_id)
    connector = _connector(request)
    job, plan = await _act(lambda: nodes.start_drain(connector, node, parallel))
    _jobs(request).wake()
    return _answer({"node": node, "status": "draining", "jobId": job,
                    "moves": [{"tenantId": m.tenant_id, "to": m.target} for m in plan]}, 202)


# -- routes of a tenant --------------------------------------------------------------------------------
async def list_routes(request: Request, tenant: str) -> HTTPResponse:
    return _answer({"items": await _catalog(request, "tenant_routes", _tenant(tenant))})


async def add_route(request: Request, tenant: str) -> HTTPResponse:
    body = _body(request)
    connector, tenant_id = _connector(request), _tenant(tenant)
    region, node = _region(body.get("region")), _node_id(body.get("nodeId"))
    weight, primary = _integer(body, "weight", 100, 1, 1_000_000), _flag(body, "primary")
    shared, override = _flag(body, "sharedData"), _override(body)
    return _answer(await _act(lambda: routes.add_route(connector, tenant_id, region, node, weight, primary, shared,
                                                       override)), 201)


def _override(body: dict[str, Any]) -> str | None:
    """residencyOverride: the reason an operator allows a node outside the tenant's residency (recorded)."""
    reason = _text(body, "residencyOverride")
    if reason is not None and not reason.strip():
        raise bad_request("FGW111", "residencyOverride is the reason for the exception: it cannot be blank",
                          details={"field": "residencyOverride"})
    return reason


async def remove_route(request: Request, tenant: str, region: str, node_id: str) -> HTTPResponse:
    connector, tenant_id, region, node = _connector(request), _tenant(tenant), _region(region), _node_id(node_id)
    await _act(lambda: routes.remove_route(connector, tenant_id, region, node))
    return _answer({"removed": True})


async def explain_route(request: Request, tenant: str) -> HTTPResponse:
    region = _query(request, "region")
    rows = await _catalog(request, "explain_route", _tenant(tenant), _region(region) if region is not None else None)
    return _answer({"tenantId": tenant, "region": region, "steps": rows})


# -- tenant status -------------------------------------------------------------------------------------
async def _tenant_status(request: Request, tenant_text: str, status: str) -> HTTPResponse:
    tenant = _tenant(tenant_text)
    body = _body(request) if request.body else {}
    reason = _text(body, "reason")
    connector, claims = _connector(request), request.ctx.caller.claims(client_address(request))
    return _answer(await _act(lambda: tenants.set_tenant_status(connector, tenant, status, claims, reason)))


async def suspend_tenant(request: Request, tenant: str) -> HTTPResponse:
    return await _tenant_status(request, tenant, "suspended")


async def resume_tenant(request: Request, tenant: str) -> HTTPResponse:
    return await _tenant_status(request, tenant, "active")


# -- tenant quotas -------------------------------------------------------------------------------------
def _rate(body: dict[str, Any], field: str, low: float, high: float) -> float | None:
    """A number in range, or None when the field is absent (null is not absent: 400)."""
    if field not in body:
        return None
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise bad_request("FGW111", f"{field} must be a number from {low:g} to {high:g}", details={"field": field})
    return float(value)


def _limit_view(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    """The quota as set, and this worker's share of it now."""
    quota: TenantQuota = request.app.ctx.quota
    tenant = uuid.UUID(str(row["tenant_id"]))
    share, inflight = quota.share(tenant), quota.inflight_share(tenant)
    known = share is not None or inflight is not None  # this worker has heard of the quota
    return {"tenantId": str(tenant), "requestsPerSecond": row["requests_per_second"], "burst": row["burst"],
            "maxInflight": row["max_inflight"], "fleetWorkers": row["fleet_workers"], "setBy": row["set_by"],
            "setAt": row["set_at"], "workerShare": None if not known else {
                "requestsPerSecond": None if share is None else round(share[0], 3),
                "burst": None if share is None else round(share[1], 3), "maxInflight": inflight,
                "fleetWorkers": request.app.ctx.catalog.fleet_workers}}


async def get_limit(request: Request, tenant: str) -> HTTPResponse:
    connector, tenant_id = _connector(request), _tenant(tenant)
    return _answer(_limit_view(request, await _act(lambda: tenants.tenant_limit(connector, tenant_id))))


async def set_limit(request: Request, tenant: str) -> HTTPResponse:
    tenant_id, body = _tenant(tenant), _body(request)
    rps = _rate(body, "requestsPerSecond", 0.001, 1_000_000)
    burst = _rate(body, "burst", 1, 10_000_000)
    inflight = _integer(body, "maxInflight", 1, 1, 100_000) if "maxInflight" in body else None
    if rps is None and inflight is None:
        raise bad_request("FGW111", "a quota needs requestsPerSecond, maxInflight, or both",
                          details={"field": "requestsPerSecond"})
    if burst is not None and rps is None:
        raise bad_request("FGW111", "burst goes with requestsPerSecond", details={"field": "burst"})
    connector = _connector(request)
    return _answer(_limit_view(request, await _act(lambda: tenants.set_tenant_limit(connector, tenant_id, rps, burst,
                                                                                    inflight))))


async def clear_limit(request: Request, tenant: str) -> HTTPResponse:
    connector, tenant_id = _connector(request), _tenant(tenant)
    if not await _act(lambda: tenants.clear_tenant_limit(connector, tenant_id)):
        raise GatewayError(404, "FGW404", f"tenant {tenant_id} has no quota")
    return _answer({"tenantId": str(tenant_id), "cleared": True})


# -- tenant residency ----------------------------------------------------------------------------------
async def get_residency(request: Request, tenant: str) -> HTTPResponse:
    connector, tenant_id = _connector(request), _tenant(tenant)
    return _answer(await _act(lambda: residency.tenant_residency(connector, tenant_id)))


async def set_residency(request: Request, tenant: str) -> HTTPResponse:
    tenant_id, body = _tenant(tenant), _body(request)
    regions = body.get("regions")
    if regions is not None and (not isinstance(regions, list) or not 1 <= len(regions) <= 64
                                or not all(isinstance(r, str) and _REGION.fullmatch(r) for r in regions)):
        raise bad_request("FGW111", "regions must be a non-empty list of region codes (or null to lift the policy)",
                          details={"field": "regions"})
    if "regions" not in body:
        raise bad_request("FGW111", "regions is required (null lifts the policy)", details={"field": "regions"})
    reason, move, connector = _text(body, "reason"), _flag(body, "move"), _connector(request)
    return _answer(await _act(lambda: residency.set_residency(connector, tenant_id, regions, reason, move)))


# -- the legacy namespace ------------------------------------------------------------------------------
async def legacy_status(request: Request) -> HTTPResponse:
    connector = _connector(request)
    shown = await _act(lambda: legacy.status(connector))
    return _answer({**shown, "usage": await _catalog(request, "legacy_usage", _count(request, "limit", 50, 1000))})


async def legacy_sunset(request: Request) -> HTTPResponse:
    body, connector = _body(request), _connector(request)
    if "date" not in body:
        raise bad_request("FGW111", "date is required (null lifts the sunset)", details={"field": "date"})
    raw, day = body["date"], None
    if raw is not None:
        try:
            day = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
        except ValueError:
            pass
        if day is None:
            raise bad_request("FGW111", "date must be YYYY-MM-DD, or null to lift the sunset", details={"field": "date"})
    return _answer(await _act(lambda: legacy.set_sunset(connector, day)))


async def _legacy_switch(request: Request, off: bool) -> HTTPResponse:
    body = _body(request) if request.body else {}
    tenant = _tenant(str(body["tenantId"])) if body.get("tenantId") is not None else None
    connector = _connector(request)
    return _answer(await _act(lambda: (legacy.turn_off if off else legacy.turn_on)(connector, tenant)))


async def legacy_off(request: Request) -> HTTPResponse:
    return await _legacy_switch(request, True)


async def legacy_on(request: Request) -> HTTPResponse:
    return await _legacy_switch(request, False)


async def tenant_stats(request: Request) -> HTTPResponse:
    node = _query(request, "node")
    top = _count(request, "top", 10, 1000)
    node = _node_id(node, "node") if node is not None else None
    return _answer({"items": await _catalog(request, "tenant_stats", top, node, node)})


# -- moves ---------------------------------------------------------------------------------------------
def _move_id(text: str) -> int:
    if not _DIGITS.fullmatch(text) or not 0 < int(text) < 2**63:
        raise bad_request("FGW111", "moveId must be a positive integer", details={"field": "moveId"})
    return int(text)


async def _one_move(request: Request, move_id: int) -> dict[str, Any]:
    rows = await _catalog(request, "get_move", move_id)
    if not rows:
        raise GatewayError(404, "FGW404", f"no move {move_id}")
    return rows[0]


async def start_move(request: Request) -> HTTPResponse:
    body = _body(request)
    tenant = _tenant(str(body.get("tenantId", "")))
    target = _node_id(body.get("to"), "to")
    keep, override = _flag(body, "keepSource"), _override(body)
    runner, connector = _jobs(request), _connector(request)
    move_id = await _act(lambda: runner.start_move(connector, tenant, target, keep, override))
    return _answer(await _one_move(request, move_id), 202)


async def list_moves(request: Request) -> HTTPResponse:
    return _answer({"items": await _catalog(request, "list_moves", _count(request, "limit", 50, 500))})


async def get_move(request: Request, move_id: str) -> HTTPResponse:
    return _answer(await _one_move(request, _move_id(move_id)))


async def abort_move(request: Request, move_id: str) -> HTTPResponse:
    number = _move_id(move_id)
    await _one_move(request, number)
    connector, settings = _connector(request), request.app.ctx.settings
    owner = f"admin/{settings.instance_id}/{os.getpid()}"
    await _act(lambda: jobs.abort_move(connector, number, owner, settings.jobs))
    return _answer(await _one_move(request, number))


async def resume_move(request: Request, move_id: str) -> HTTPResponse:
    number = _move_id(move_id)
    found = await _one_move(request, number)
    if found["state"] in ("done", "aborted", "failed"):
        raise GatewayError(409, "FGW409", f"move {number} is {found['state']}: nothing to resume")
    connector = _connector(request)
    await _act(lambda: jobs.resume_move(connector, number))
    _jobs(request).wake()
    return _answer(found, 202)


async def _request_move(request: Request, move_id: str, what: str) -> HTTPResponse:
    """reverse, forward or complete a reversible move: recorded on it, done by the next driver that looks
    (this worker's, woken now); 202 with the move as it is."""
    number, connector = _move_id(move_id), _connector(request)
    await _act(lambda: jobs.request_move(connector, number, what))
    _jobs(request).wake()
    return _answer(await _one_move(request, number), 202)


async def reverse_move(request: Request, move_id: str) -> HTTPResponse:
    return await _request_move(request, move_id, "reverse")


async def forward_move(request: Request, move_id: str) -> HTTPResponse:
    return await _request_move(request, move_id, "forward")


async def complete_move(request: Request, move_id: str) -> HTTPResponse:
    return await _request_move(request, move_id, "complete")


# -- jobs ----------------------------------------------------------------------------------------------
async def list_jobs(request: Request) -> HTTPResponse:
    return _answer({"items": await _catalog(request, "list_jobs", _count(request, "limit", 50, 500))})


async def get_job(request: Request, job_id: str) -> HTTPResponse:
    if not _DIGITS.fullmatch(job_id) or not 0 < int(job_id) < 2**63:
        raise bad_request("FGW111", "jobId must be a positive integer", details={"field": "jobId"})
    rows = await _catalog(request, "get_job", int(job_id))
    if not rows:
        raise GatewayError(404, "FGW404", f"no job {job_id}")
    return _answer(rows[0])


# -- plans, capacity, pins ------------------------------------------------------------------------------
async def _plan_answer(request: Request, settings: plans.PlanSettings, dry_run: bool) -> HTTPResponse:
    """A plan as it would be made now (200, nothing recorded), or made: its job, driven by the fleet (202)."""
    connector = _connector(request)
    if dry_run:
        shown = await _act(lambda: plans.preview(connector, settings))
        return _answer({"kind": settings.kind, "dryRun": True, "moves": shown.moves, "rows": shown.rows(),
                        "spread": shown.spread})
    started = await _act(lambda: plans.start(connector, settings))
    _jobs(request).wake()
    return _answer({"kind": settings.kind, "jobId": started.job_id, "subject": started.subject,
                    "moves": started.moves}, 202)


def _plan_common(body: dict[str, Any]) -> tuple[int, int | None, bool]:
    parallel = _integer(body, "parallel", 1, 1, 16)
    pace = _integer(body, "maxRowsPerS", 1, 1, 2**31 - 1) if body.get("maxRowsPerS") is not None else None
    return parallel, pace, _flag(body, "dryRun")


async def legacy_migrate(request: Request) -> HTTPResponse:
    body = _body(request) if request.body else {}
    parallel, pace, dry_run = _plan_common(body)
    return await _plan_answer(request, plans.PlanSettings("legacy", parallel, pace), dry_run)


async def rebalance(request: Request) -> HTTPResponse:
    body = _body(request) if request.body else {}
    parallel, pace, dry_run = _plan_common(body)
    region = _region(body["region"]) if body.get("region") is not None else None
    by = body.get("by", "rows")
    if by not in plans.BY:
        raise bad_request("FGW111", "by must be rows or requests", details={"field": "by"})
    threshold = _rate(body, "threshold", 0.001, 0.999)
    most = _integer(body, "maxMoves", 1, 1, 100_000) if body.get("maxMoves") is not None else None
    settings = plans.PlanSettings("rebalance", parallel, pace, region, by, 0.1 if threshold is None else threshold, most)
    return await _plan_answer(request, settings, dry_run)


async def list_plans(request: Request) -> HTTPResponse:
    return _answer({"items": await _catalog(request, "list_plans", _count(request, "limit", 50, 500))})


async def get_plan(request: Request, plan_id: str) -> HTTPResponse:
    if not _DIGITS.fullmatch(plan_id) or not 0 < int(plan_id) < 2**63:
        raise bad_request("FGW111", "planId must be a positive integer", details={"field": "planId"})
    connector = _connector(request)
    return _answer(await _act(lambda: plans.get(connector, int(plan_id))))


async def set_node_capacity(request: Request, node_id: str) -> HTTPResponse:
    capacity = _integer(_body(request), "capacity", 0, 1, 1_000_000)
    connector, node = _connector(request), _node_id(node_id)
    return _answer(await _act(lambda: plans.set_capacity(connector, node, capacity)))


async def pin_tenant(request: Request, tenant: str) -> HTTPResponse:
    body = _body(request)
    if not isinstance(body.get("pinned"), bool):
        raise bad_request("FGW111", "pinned must be true or false", details={"field": "pinned"})
    connector, tenant_id, pinned = _connector(request), _tenant(tenant), bool(body["pinned"])
    return _answer(await _act(lambda: plans.pin(connector, tenant_id, pinned)))


_PRINTABLE = "^[^\\x00-\\x1f]*$"  # what _text accepts: no control characters


def _printable(most: int, least: int = 0, nullable: bool = True) -> dict[str, Any]:
    return {"type": ["string", "null"] if nullable else "string", "minLength": least, "maxLength": most,
            "pattern": _PRINTABLE}


def _between(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": low, "maximum": high}


_LEGACY_BODY = {"type": "object", "additionalProperties": False, "properties": {"tenantId": {**s.UUID, "type": ["string", "null"]}}}
_REASON_BODY = {"type": "object", "additionalProperties": False, "properties": {"reason": _printable(500)}}
_OVERRIDE = {**_printable(500, 1, nullable=False), "pattern": "^[^\\x00-\\x1f]*[^\\x00-\\x20][^\\x00-\\x1f]*$",
             "description": "why a node outside the tenant's residency is allowed: an operator's exception, kept "
                            "and recorded in federation_residency_events; without it such a node is 409 FG451"}
_MOVE_BODY = {"type": "object", "additionalProperties": False, "required": ["tenantId", "to"], "properties": {
    "tenantId": s.UUID, "to": {**s.NODE_ID, "description": "the target node"},
    "keepSource": {"type": "boolean", "description": "keep the source's rows until the move is completed"},
    "residencyOverride": _OVERRIDE}}
_DRY_RUN = ((200, "dryRun: the plan as it would be made now; nothing recorded"),)
_PLAN_BODY: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {
    "parallel": _between(1, 16), "maxRowsPerS": {"type": ["integer", "null"], "minimum": 1, "maximum": 2**31 - 1},
    "dryRun": {"type": "boolean", "description": "answer the plan (200), record nothing"}}}
ACTIONS: tuple[Action, ...] = (
    Action("adminListGateways", "GET", "/gateways", "The fleet's gateway instances: host, pid, version, workers, "
           "started, last seen, alive (federation_gateways); self names the instance that answered", list_gateways,
           query=(s.Param("limit", "integer", "instances (default 100)",
                          constraints=(("minimum", 1), ("maximum", 1000))),)),
    Action("adminListNodes", "GET", "/nodes", "Nodes with status, health, check latency, tenants and this "
           "worker's pool use", list_nodes),
    Action("adminAddNode", "POST", "/nodes", "Migrate a node's database and register it (fedgate node add)",
           add_node, 201, {"type": "object", "additionalProperties": False,
                           "required": ["nodeId", "region", "databaseUrl"], "properties": {
               "nodeId": s.NODE_ID, "region": s.REGION_CODE, "databaseUrl": {
                   **_printable(2000, 1, nullable=False), "description": "URL, key=value, service=NAME or env:VAR; never returned"},
               "priority": _between(0, 1_000_000), "placementWeight": _between(1, 1_000_000),
               "regionName": _printable(200)}}),
    Action("adminSetNodeStatus", "POST", "/nodes/<node_id>/status", "Set a node active, draining or down",
           set_node_status, 200, {"type": "object", "additionalProperties": False, "required": ["status"], "properties": {
               "status": {"type": "string", "enum": list(nodes.NODE_STATUSES)}}}),
    Action("adminDrainNode", "POST", "/nodes/<node_id>/drain", "Move every tenant off a node (it goes draining "
           "first); answers at once with the planned moves", drain_node, 202, {"type": "object",
                                                                        "additionalProperties": False, "properties": {
               "parallel": _between(1, 16)}}),
    Action("adminListRoutes", "GET", "/tenants/<tenant>/routes", "A tenant's routing rules", list_routes),
    Action("adminAddRoute", "POST", "/tenants/<tenant>/routes", "Add or update a tenant's routing rule (to its own "
           "node, or to one declared to serve the same data)",
           add_route, 201, {"type": "object", "additionalProperties": False, "required": ["region", "nodeId"],
                            "properties": {
               "region": s.SERVED_REGION, "nodeId": s.NODE_ID, "weight": _between(1, 1_000_000),
               "primary": {"type": "boolean"},
               "sharedData": {"type": "boolean", "description": "the node serves the same database as the tenant's "
                                                               "node; without it a rule to another node is 409"},
               "residencyOverride": _OVERRIDE}}),
    Action("adminRemoveRoute", "DELETE", "/tenants/<tenant>/routes/<region>/<node_id>",
           "Remove one routing rule", remove_route),
    Action("adminExplainRoute", "GET", "/tenants/<tenant>/explain", "Where a tenant's requests go, and why "
           "(federation.explain_route)", explain_route,
           query=(s.Param("region", "string", "the request's region", constraints=tuple(s.REGION_CODE.items())),)),
    Action("adminSuspendTenant", "POST", "/tenants/<tenant>/suspend", "Suspend a tenant: writes and kits refused",
           suspend_tenant, 200, _REASON_BODY),
    Action("adminResumeTenant", "POST", "/tenants/<tenant>/resume", "Resume a suspended tenant", resume_tenant,
           200, _REASON_BODY),
    Action("adminGetTenantLimit", "GET", "/tenants/<tenant>/limits", "A tenant's fleet-wide request quota, and "
           "the share of it the answering worker holds (federation_tenant_limits)", get_limit),
    Action("adminSetTenantLimit", "PUT", "/tenants/<tenant>/limits", "Set a tenant's quotas for the whole fleet "
           "(replacing any): requests a second with a burst (the rate when absent), calls in flight, or both; past "
           "them 429 FGW429 with Retry-After",
           set_limit, 200, {"type": "object", "additionalProperties": False,
                            "anyOf": [{"required": ["requestsPerSecond"]}, {"required": ["maxInflight"]}],
                            "dependentRequired": {"burst": ["requestsPerSecond"]}, "properties": {
               "requestsPerSecond": {"type": "number", "minimum": 0.001, "maximum": 1_000_000},
               "burst": {"type": "number", "minimum": 1, "maximum": 10_000_000},
               "maxInflight": {"type": "integer", "minimum": 1, "maximum": 100_000,
                               "description": "handler calls in flight at once, over the fleet"}}}),
    Action("adminClearTenantLimit", "DELETE", "/tenants/<tenant>/limits", "Lift a tenant's quota", clear_limit),
    Action("adminGetTenantResidency", "GET", "/tenants/<tenant>/residency", "The regions a tenant may be served in "
           "(null: unrestricted) and its newest recorded residency decisions (federation_residency_events)",
           get_residency),
    Action("adminSetTenantResidency", "PUT", "/tenants/<tenant>/residency", "Set the regions a tenant's rows and "
           "requests may be served in (null lifts the policy), recorded with its reason. A policy the tenant's node "
           "or a rule breaks is 409 naming them and the fix, unless move is true: then the move that fixes it "
           "starts and the policy binds at its switch",
           set_residency, 200, {"type": "object", "additionalProperties": False, "required": ["regions"],
                                "properties": {
               "regions": {"type": ["array", "null"], "minItems": 1, "maxItems": 64, "items": s.SERVED_REGION},
               "reason": _printable(500),
               "move": {"type": "boolean", "description": "start the move to a node inside the policy when the "
                                                         "tenant's node is outside it"}}}),
    Action("adminTenantStats", "GET", "/tenant-stats", "The busiest tenants per node (federation_tenant_stats)",
           tenant_stats, query=(s.Param("node", "string", "one node only", constraints=tuple(s.NODE_ID.items())),
                                s.Param("top", "integer", "tenants per node (default 10)",
                                        constraints=(("minimum", 1), ("maximum", 1000))))),
    Action("adminStartMove", "POST", "/moves", "Start moving a tenant to another node, online; answers at once",
           start_move, 202, _MOVE_BODY),
    Action("adminListMoves", "GET", "/moves", "Moves, open ones first (federation_moves)", list_moves,
           query=(s.Param("limit", "integer", "at most this many (default 50)",
                          constraints=(("minimum", 1), ("maximum", 500))),)),
    Action("adminGetMove", "GET", "/moves/<move_id>", "One move's state and figures", get_move),
    Action("adminAbortMove", "POST", "/moves/<move_id>/abort", "Abort a move before its switch", abort_move),
    Action("adminResumeMove", "POST", "/moves/<move_id>/resume", "Drive an interrupted move on (a failed job "
           "is tried again by the fleet)", resume_move, 202),
    Action("adminReverseMove", "POST", "/moves/<move_id>/reverse", "Send a switched, reversible move's tenant "
           "back to its source, with every write made since the switch; answers at once (watch its state go "
           "reversed, or flip_error)", reverse_move, 202),
    Action("adminForwardMove", "POST", "/moves/<move_id>/forward", "Send a reversed move's tenant to its target "
           "again; answers at once", forward_move, 202),
    Action("adminCompleteMove", "POST", "/moves/<move_id>/complete", "End a switched or reversed move (or a "
           "--keep-source one) where its tenant is: replication dropped, the other copy deleted; answers at once",
           complete_move, 202),
    Action("adminLegacyStatus", "GET", "/legacy", "The legacy namespace: its sunset, whom it is off for, tenants "
           "still on the default node, calls and clients of the last 24 hours, whether turning it off now would "
           "break anyone, and who still calls it (federation_legacy_usage)", legacy_status,
           query=(s.Param("limit", "integer", "usage rows (default 50)", constraints=(("minimum", 1), ("maximum", 1000))),)),
    Action("adminLegacySunset", "PUT", "/legacy/sunset", "Set the legacy namespace's sunset date (null lifts it): every "
           "legacy response then carries Deprecation, Sunset and Link rel=\"successor-version\"", legacy_sunset, 200,
           {"type": "object", "additionalProperties": False, "required": ["date"], "properties": {
               "date": {"type": ["string", "null"], "format": "date"}}}),
    Action("adminLegacyOff", "POST", "/legacy/off", "Turn the legacy routes off for a tenant (or, without tenantId, "
           "for everyone): 410 FGW410 with the successor Link", legacy_off, 200, _LEGACY_BODY),
    Action("adminLegacyOn", "POST", "/legacy/on", "Undo legacy off, for a tenant (or every switch)", legacy_on, 200,
           _LEGACY_BODY),
    Action("adminLegacyMigrate", "POST", "/legacy/migrate", "Plan moving every tenant whose data is on the default "
           "node to an active node of its home region (inside its residency), and record it as a job the fleet "
           "drives (parallel moves at once, at most maxRowsPerS rows a second); dryRun only answers the plan. 409 "
           "FGW409 while a legacy plan is open (details.jobId) or when a tenant has nowhere to go",
           legacy_migrate, 202, _PLAN_BODY, also=_DRY_RUN),
    Action("adminRebalance", "POST", "/rebalance", "Plan the fewest, smallest moves that bring every active node of "
           "a region (or each region) within threshold of its share of the load by rows or requests, against the "
           "nodes' capacities, never moving a pinned tenant or breaking residency, and record it as a job the fleet "
           "drives; dryRun answers the plan and each node's load before and after",
           rebalance, 202, {**_PLAN_BODY, "properties": {**_PLAN_BODY["properties"],
               "region": {**s.REGION_CODE, "type": ["string", "null"]},
               "by": {"type": "string", "enum": list(plans.BY)},
               "threshold": {"type": "number", "minimum": 0.001, "maximum": 0.999},
               "maxMoves": {"type": ["integer", "null"], "minimum": 1, "maximum": 100_000}}}, also=_DRY_RUN),
    Action("adminListPlans", "GET", "/plans", "Drains and plans, open ones first: state, driver, moves done, moving, "
           "pending, not done, rows planned and moved (federation_plans)", list_plans,
           query=(s.Param("limit", "integer", "at most this many (default 50)",
                          constraints=(("minimum", 1), ("maximum", 500))),)),
    Action("adminGetPlan", "GET", "/plans/<plan_id>", "One plan and each of its moves (federation_plan_moves)",
           get_plan),
    Action("adminSetNodeCapacity", "PUT", "/nodes/<node_id>/capacity", "Set a node's capacity: its share of its "
           "region's load against the others' (default 1), which placement and rebalance follow", set_node_capacity,
           200, {"type": "object", "additionalProperties": False, "required": ["capacity"], "properties": {
               "capacity": _between(1, 1_000_000)}}),
    Action("adminPinTenant", "PUT", "/tenants/<tenant>/pin", "Pin a tenant to its node (or unpin it): a rebalance "
           "never moves a pinned tenant", pin_tenant, 200, {"type": "object", "additionalProperties": False,
                                                         "required": ["pinned"], "properties": {
               "pinned": {"type": "boolean"}}}),
    Action("adminListJobs", "GET", "/jobs", "Durable jobs (moves, drains), open ones first: state, driver, lease, "
           "attempts, last error, what the move has on the nodes (federation_jobs)", list_jobs,
           query=(s.Param("limit", "integer", "at most this many (default 50)",
                          constraints=(("minimum", 1), ("maximum", 500))),)),
    Action("adminGetJob", "GET", "/jobs/<job_id>", "One job", get_job),
)


def register(app: Sanic) -> None:
    """Every admin action's route (error_format said: see shim.request.dispatch.register)."""
    for action in ACTIONS:
        async def handle(request: Request, _action: Action = action, **path: str) -> HTTPResponse:
            request.ctx.caller = authenticate(request, ("operator",))
            return await _action.handler(request, **path)
        app.add_route(handle, PREFIX + action.path, methods=[action.method], name=f"admin_{action.name}",
                      error_format="json", ctx_admin_action=action)
