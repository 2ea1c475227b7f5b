"""The admin API, ``/admin/v1``: what an operator does with the CLI, over HTTP, for the operator role.

Each action runs the SQL function the CLI runs, never a copy of it in Python: catalog changes go
through ``Catalog.as_operator`` (the catalog login takes the fedgate_operator role for that transaction
only); a tenant's suspension also reaches its node through ``api.set_tenant_status`` with the operator's
claims; adding a node, draining one and moving tenants are shim.ops.fleet and shim.ops.move, the CLI's
own code, run on a thread of the worker that took the request with the deployment's database URL (they
migrate nodes and create subscriptions, which the gateway's narrow logins cannot). A move started here
that its worker does not finish (the gateway stopped) is resumed with ``POST …/moves/{id}/resume`` or
``fedgate tenant move --resume ID``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim.config import Settings
from shim.errors import GatewayError, bad_request, from_db_error
from shim.nodes.catalog import Catalog, CatalogUnavailable
from shim.nodes.client import NodeClient
from shim.ops.migrate import MigrationError
from shim.request import schemas as s
from shim.request.dispatch import authenticate
from shim.request.routing import client_address, parse_body, require_json

log = logging.getLogger("fedgate.admin")
PREFIX = "/admin/v1"
_NODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~-]{0,254}")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
NODE_STATUSES = ("active", "draining", "down")
_RUNNING: set[threading.Thread] = set()  # moves and drains this worker drives


@dataclass(frozen=True)
class Action:
    name: str
    method: str
    path: str  # below PREFIX, Sanic syntax
    summary: str
    handler: Callable[..., Awaitable[Any]]
    success: int = 200
    request: dict[str, Any] | None = None
    query: tuple[s.Param, ...] = ()


# -- helpers -------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _answer(body: Any, status: int = 200) -> HTTPResponse:
    return HTTPResponse(json.dumps(_plain(body)), status=status, content_type="application/json")


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
        raise bad_request("FGW102", f"{field} must be a region code (lower case letters, digits, -)",
                          details={"field": field})
    return text


def _integer(body: dict[str, Any], field: str, default: int, low: int, high: int) -> int:
    value = body.get(field, default)
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
    require_json(request.headers.get("content-type"))
    return parse_body(request.body)


async def _catalog(request: Request, name: str, *params: Any) -> list[dict[str, Any]]:
    catalog: Catalog = request.app.ctx.catalog
    try:
        return await catalog.as_operator(name, params)
    except CatalogUnavailable:
        raise GatewayError(503, "FGW503", "the federation catalog is not reachable") from None
    except psycopg.Error as exc:
        raise from_db_error(exc, "control") from None


async def _blocking(call: Callable[[], Any]) -> Any:
    """One of the CLI's own actions, on a thread (it uses blocking connections)."""
    try:
        return await asyncio.to_thread(call)
    except psycopg.Error as exc:
        raise from_db_error(exc, "control") from None


def _in_background(name: str, work: Callable[[], Any]) -> None:
    def run() -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - the move's row says what stopped it
            log.warning("%s stopped: %s", name, type(exc).__name__)
        finally:
            _RUNNING.discard(thread)
    thread = threading.Thread(target=run, name=name, daemon=True)
    _RUNNING.add(thread)
    thread.start()


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.ctx.settings
    return settings


# -- nodes ---------------------------------------------------------------------------------------------
async def list_nodes(request: Request) -> HTTPResponse:
    client: NodeClient = request.app.ctx.client
    use = client.pool_use()
    rows = await _catalog(request, "admin_nodes")
    for row in rows:
        row["pool"] = use.get(row["node_id"])
    return _answer({"items": rows})


async def add_node(request: Request) -> HTTPResponse:
    from shim.ops.fleet import add_node as add

    body = _body(request)
    node_id, region = _node_id(body.get("nodeId")), _region(body.get("region"))
    reference = _text(body, "databaseUrl", 2000)
    if not reference:
        raise bad_request("FGW111", "databaseUrl is required: a URL, key=value string, service=NAME or env:VAR",
                          details={"field": "databaseUrl"})
    priority = _integer(body, "priority", 100, 0, 1_000_000)
    weight = _integer(body, "placementWeight", 100, 0, 1_000_000)
    region_name = _text(body, "regionName", 200)
    control = _settings(request).database_url
    try:
        added = await asyncio.to_thread(add, control, node_id, region, reference, priority, weight, region_name)
    except (MigrationError, LookupError, psycopg.OperationalError) as exc:  # the node, not the catalog
        raise GatewayError(422, "FGW422", f"node {node_id} could not be reached or migrated ({type(exc).__name__})",
                           hint="check databaseUrl from the gateway's host") from None
    except psycopg.Error as exc:  # the catalog refused the registration (a node of that id, ...)
        raise from_db_error(exc, "control") from None
    return _answer({"node": added.row, "migration": added.migration, "warning": added.warning}, 201)


async def set_node_status(request: Request, node_id: str) -> HTTPResponse:
    body = _body(request)
    status = body.get("status")
    if status not in NODE_STATUSES:
        raise bad_request("FGW111", "status must be active, draining or down", details={"field": "status"})
    rows = await _catalog(request, "set_node_status", _node_id(node_id), status)
    return _answer(rows[0] if rows else {})


async def drain_node(request: Request, node_id: str) -> HTTPResponse:
    from shim.ops import fleet

    body = _body(request) if request.body else {}
    parallel = _integer(body, "parallel", 1, 1, 16)
    node_id = _node_id(node_id)
    control = _settings(request).database_url
    plan = await _blocking(lambda: fleet.drain_plan(control, node_id))
    stranded = [str(t) for t, target in plan if target is None]
    if stranded:
        raise GatewayError(409, "FGW409", f"{len(stranded)} tenants of {node_id} have no other active node in "
                           "their region", details={"tenants": stranded[:20]}, hint="add a node, then drain again")
    _in_background(f"drain {node_id}",
                   lambda: fleet.drain(control, node_id, plan, parallel, lambda line: log.info("drain %s", line)))
    return _answer({"node": node_id, "status": "draining",
                    "moves": [{"tenantId": t, "to": target} for t, target in plan]}, 202)


# -- routes of a tenant --------------------------------------------------------------------------------
async def list_routes(request: Request, tenant: str) -> HTTPResponse:
    return _answer({"items": await _catalog(request, "tenant_routes", _tenant(tenant))})


async def add_route(request: Request, tenant: str) -> HTTPResponse:
    body = _body(request)
    rows = await _catalog(request, "add_route", _tenant(tenant), _region(body.get("region")),
                          _node_id(body.get("nodeId")), _integer(body, "weight", 100, 1, 1_000_000),
                          _flag(body, "primary"))
    return _answer(rows[0] if rows else {}, 201)


async def remove_route(request: Request, tenant: str, region: str, node_id: str) -> HTTPResponse:
    rows = await _catalog(request, "remove_route", _tenant(tenant), _region(region), _node_id(node_id))
    if not rows or not rows[0]["removed"]:
        raise GatewayError(404, "FGW404", "no such routing rule")
    return _answer({"removed": True})


async def explain_route(request: Request, tenant: str) -> HTTPResponse:
    region = request.args.get("region")
    rows = await _catalog(request, "explain_route", _tenant(tenant), _region(region) if region else None)
    return _answer({"tenantId": tenant, "region": region, "steps": rows})


# -- tenant status -------------------------------------------------------------------------------------
async def _tenant_status(request: Request, tenant_text: str, status: str) -> HTTPResponse:
    """The registry first, then the tenant's row on its node (where writes are refused); repeating it
    finishes a half-done change, like ``fedgate tenant suspend|resume``."""
    tenant = _tenant(tenant_text)
    body = _body(request) if request.body else {}
    reason = _text(body, "reason")
    rows = await _catalog(request, "set_tenant_status", tenant, status)
    node_id = str(rows[0]["node_id"])
    catalog: Catalog = request.app.ctx.catalog
    client: NodeClient = request.app.ctx.client
    caller = request.ctx.caller
    node = await catalog.require_node(node_id)
    await client.handle(node).call("set_tenant_status", tenant, {"status": status, "reason": reason},
                                   caller.claims(client_address(request)))
    return _answer({"tenantId": str(tenant), "status": status, "node": node_id})


async def suspend_tenant(request: Request, tenant: str) -> HTTPResponse:
    return await _tenant_status(request, tenant, "suspended")


async def resume_tenant(request: Request, tenant: str) -> HTTPResponse:
    return await _tenant_status(request, tenant, "active")


async def tenant_stats(request: Request) -> HTTPResponse:
    node = request.args.get("node")
    top = request.args.get("top", "10")
    if not top.isdigit() or not 1 <= int(top) <= 1000:
        raise bad_request("FGW111", "top must be an integer from 1 to 1000", details={"field": "top"})
    node = _node_id(node, "node") if node is not None else None
    return _answer({"items": await _catalog(request, "tenant_stats", int(top), node, node)})


# -- moves ---------------------------------------------------------------------------------------------
def _move_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise bad_request("FGW111", "moveId must be a positive integer", details={"field": "moveId"})
    return int(text)


async def _one_move(request: Request, move_id: int) -> dict[str, Any]:
    rows = await _catalog(request, "get_move", move_id)
    if not rows:
        raise GatewayError(404, "FGW404", f"no move {move_id}")
    return rows[0]


def _mover(request: Request) -> Any:
    from shim.ops.move import Mover

    return Mover(_settings(request).database_url)


async def start_move(request: Request) -> HTTPResponse:
    from shim.ops.move import MoveError

    body = _body(request)
    tenant = _tenant(str(body.get("tenantId", "")))
    target = _node_id(body.get("to"), "to")
    keep = _flag(body, "keepSource")
    try:
        mover = await _blocking(lambda: _mover(request))
        move = await _blocking(lambda: mover.start(tenant, target, keep))
    except MoveError as exc:
        raise GatewayError(409, "FGW409", str(exc)) from None
    _in_background(f"move {move.move_id}", lambda: mover.run(move.move_id))
    return _answer(await _one_move(request, move.move_id), 202)


async def list_moves(request: Request) -> HTTPResponse:
    limit = request.args.get("limit", "50")
    if not limit.isdigit() or not 1 <= int(limit) <= 500:
        raise bad_request("FGW111", "limit must be an integer from 1 to 500", details={"field": "limit"})
    return _answer({"items": await _catalog(request, "list_moves", int(limit))})


async def get_move(request: Request, move_id: str) -> HTTPResponse:
    return _answer(await _one_move(request, _move_id(move_id)))


async def abort_move(request: Request, move_id: str) -> HTTPResponse:
    from shim.ops.move import MoveError

    number = _move_id(move_id)
    await _one_move(request, number)
    try:
        mover = await _blocking(lambda: _mover(request))
        await _blocking(lambda: mover.abort(number))
    except MoveError as exc:
        raise GatewayError(409, "FGW409", str(exc)) from None
    return _answer(await _one_move(request, number))


async def resume_move(request: Request, move_id: str) -> HTTPResponse:
    number = _move_id(move_id)
    found = await _one_move(request, number)
    if found["state"] in ("done", "aborted", "failed"):
        raise GatewayError(409, "FGW409", f"move {number} is {found['state']}: nothing to resume")
    mover = await _blocking(lambda: _mover(request))
    _in_background(f"move {number}", lambda: mover.run(number))
    return _answer(found, 202)


_TENANT_PATH = s.Param("tenantId", "string", "the tenant (UUID)")
_MOVE_BODY = {"type": "object", "required": ["tenantId", "to"], "properties": {
    "tenantId": s.UUID, "to": {"type": "string", "description": "the target node"},
    "keepSource": {"type": "boolean", "description": "keep the source's rows until the move is completed"}}}
ACTIONS: tuple[Action, ...] = (
    Action("adminListNodes", "GET", "/nodes", "Nodes with status, health, check latency, tenants and this "
           "worker's pool use", list_nodes),
    Action("adminAddNode", "POST", "/nodes", "Migrate a node's database and register it (fedgate node add)",
           add_node, 201, {"type": "object", "required": ["nodeId", "region", "databaseUrl"], "properties": {
               "nodeId": s.STR, "region": s.REGION_CODE, "databaseUrl": {
                   "type": "string", "description": "URL, key=value, service=NAME or env:VAR; never returned"},
               "priority": s.INT, "placementWeight": s.INT, "regionName": s.STR}}),
    Action("adminSetNodeStatus", "POST", "/nodes/<node_id>/status", "Set a node active, draining or down",
           set_node_status, 200, {"type": "object", "required": ["status"], "properties": {
               "status": {"type": "string", "enum": list(NODE_STATUSES)}}}),
    Action("adminDrainNode", "POST", "/nodes/<node_id>/drain", "Move every tenant off a node (it goes draining "
           "first); answers at once with the planned moves", drain_node, 202, {"type": "object", "properties": {
               "parallel": {"type": "integer", "minimum": 1, "maximum": 16}}}),
    Action("adminListRoutes", "GET", "/tenants/<tenant>/routes", "A tenant's routing rules", list_routes),
    Action("adminAddRoute", "POST", "/tenants/<tenant>/routes", "Add or update a tenant's routing rule",
           add_route, 201, {"type": "object", "required": ["region", "nodeId"], "properties": {
               "region": s.REGION_CODE, "nodeId": s.STR, "weight": s.INT, "primary": {"type": "boolean"}}}),
    Action("adminRemoveRoute", "DELETE", "/tenants/<tenant>/routes/<region>/<node_id>",
           "Remove one routing rule", remove_route),
    Action("adminExplainRoute", "GET", "/tenants/<tenant>/explain", "Where a tenant's requests go, and why "
           "(federation.explain_route)", explain_route, query=(s.Param("region", "string", "the request's region"),)),
    Action("adminSuspendTenant", "POST", "/tenants/<tenant>/suspend", "Suspend a tenant: writes and kits refused",
           suspend_tenant, 200, {"type": "object", "properties": {"reason": s.STR}}),
    Action("adminResumeTenant", "POST", "/tenants/<tenant>/resume", "Resume a suspended tenant", resume_tenant,
           200, {"type": "object", "properties": {"reason": s.STR}}),
    Action("adminTenantStats", "GET", "/tenant-stats", "The busiest tenants per node (federation_tenant_stats)",
           tenant_stats, query=(s.Param("node", "string", "one node only"),
                                s.Param("top", "integer", "tenants per node (default 10)"))),
    Action("adminStartMove", "POST", "/moves", "Start moving a tenant to another node, online; answers at once",
           start_move, 202, _MOVE_BODY),
    Action("adminListMoves", "GET", "/moves", "Moves, open ones first (federation_moves)", list_moves,
           query=(s.Param("limit", "integer", "at most this many (default 50)"),)),
    Action("adminGetMove", "GET", "/moves/<move_id>", "One move's state and figures", get_move),
    Action("adminAbortMove", "POST", "/moves/<move_id>/abort", "Abort a move before its switch", abort_move),
    Action("adminResumeMove", "POST", "/moves/<move_id>/resume", "Drive an interrupted move on", resume_move, 202),
)


def register(app: Sanic) -> None:
    for action in ACTIONS:
        async def handle(request: Request, _action: Action = action, **path: str) -> HTTPResponse:
            request.ctx.caller = authenticate(request, ("operator",))
            return await _action.handler(request, **path)
        app.add_route(handle, PREFIX + action.path, methods=[action.method], name=f"admin_{action.name}")
