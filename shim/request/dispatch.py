"""The one handler of every endpoint, and its registration under both namespaces."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim.auth.policy import authorize_role
from shim.auth.tokens import ENROLLMENT, Principal, TokenVerifier
from shim.request.budget import KIT_COST, TenantQuota, WriteBudget
from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX, Endpoint
from shim.errors import GatewayError
from shim.actions.backends import Backends
from shim.nodes.catalog import CatalogUnavailable
from shim.observe import metrics
from shim.request.flows import FLOWS, Resumable, Routed
from shim.request.response import Response
from shim.request.enrollment import EnrollmentGuard
from shim.request.routing import (client_address, parse_body, query, refuse_unknown_fields, request_id, require_json,
                                 route)

_ROUTING_ARGS = ("tenantId", "region")
MOVE_HOLD_SECONDS = 5.0  # how long a request for a tenant in a move's cutover is held before 503


def _arguments(request: Request, endpoint: Endpoint, body: dict[str, Any]) -> dict[str, Any]:
    if endpoint.request is not None:
        return body
    args = {key: values[-1] for key, values in query(request).items() if key not in _ROUTING_ARGS}
    args.update((key, value) for key, value in request.match_info.items() if key not in _ROUTING_ARGS)
    return args


def authorization(request: Request) -> str | None:
    """The request's one Authorization header (None: none); two or more are refused, not picked from."""
    values = request.headers.getall("authorization", [])
    if len(values) > 1:
        raise GatewayError(400, "FGW113", "send one Authorization header, not several")
    return values[0] if values else None


def authenticate(request: Request, roles: tuple[str, ...]) -> Principal:
    """The caller, from its bearer token (401 without a valid one), of one of ``roles`` (else 403).
    No roles: the route takes another credential (a kit's token), and a bearer token there is
    optional, checked when given (an agent re-enrolling its host)."""
    verifier: TokenVerifier = request.app.ctx.verifier
    header = authorization(request)
    if not roles:
        return verifier.verify(header) if header else ENROLLMENT
    caller = verifier.verify(header)
    authorize_role(caller, roles)
    return caller


async def dispatch(request: Request, **_path: str) -> HTTPResponse:
    """Arguments in, the endpoint's flow (one handler call for most), its answer out."""
    if request.method == "OPTIONS":  # CORS preflight: the headers come from the response middleware
        return Response(status=204)
    assert request.route is not None
    request_id(request)  # named now: the node statements below carry it
    endpoint: Endpoint = request.route.ctx.endpoint
    backends: Backends = request.app.ctx.backends
    caller = request.ctx.caller = authenticate(request, endpoint.roles)
    if caller.role != "enrollment":
        return await _dispatch(request, endpoint, backends, caller)
    # An agent presenting a kit: no bearer token, so its address is held to the fleet's failure limit.
    guard: EnrollmentGuard = request.app.ctx.enrollment_guard
    address = client_address(request)
    guard.check(address)  # an address past the limit: 429 before any catalog or node work
    try:
        return await _dispatch(request, endpoint, backends, caller)
    except GatewayError as exc:
        if 400 <= exc.status < 500 and exc.status != 429:
            await guard.failed(address)
        raise


async def _dispatch(request: Request, endpoint: Endpoint, backends: Backends, caller: Principal) -> HTTPResponse:
    assert request.route is not None
    body: dict[str, Any] = {}
    if endpoint.request is not None:
        require_json(request.headers.get("content-type"))
        body = parse_body(request.body)
        refuse_unknown_fields(body, endpoint.request)
    routed = request.ctx.route = await route(request, backends, endpoint, request.route.ctx.federated, body, caller)
    if routed.tenant_id is not None and caller.role != "enrollment":
        quota: TenantQuota = request.app.ctx.quota
        quota.admit(routed.tenant_id)
    budget: WriteBudget = request.app.ctx.write_budget
    if budget.enabled and endpoint.method != "GET" and routed.tenant_id is not None and caller.role != "enrollment":
        budget.spend(routed.tenant_id, KIT_COST if endpoint.flow_name == "issue_kit" else 1.0)
    args = _arguments(request, endpoint, body)
    if backends.catalog.fenced and routed.tenant_id in backends.catalog.fenced:
        routed = request.ctx.route = await _held(request, backends, endpoint, body, caller, routed)
    try:
        reply = await FLOWS[endpoint.flow_name](backends, routed, endpoint.function, args)
    except GatewayError as exc:
        if exc.code == "FG404" and routed.tenant_id is not None and routed.node is not None:
            raise await _misrouted(backends, routed) or exc from None
        if exc.code != "FG421" or routed.tenant_id is None:
            raise
        # The node no longer serves the tenant: it moved (or is moving) away. Ask the catalog again,
        # holding the request while a move's cutover lasts, then try once on the node it names.
        routed = request.ctx.route = await _rerouted(request, backends, endpoint, body, caller, routed)
        if isinstance(exc, Resumable):  # its first statement committed: finish it, do not repeat it
            reply = await exc.resume(routed)
        else:
            reply = await FLOWS[endpoint.flow_name](backends, routed, endpoint.function, args)
    if reply.route is not None:
        request.ctx.route = reply.route
    return Response(reply.body, status=endpoint.success, content_type=reply.content_type, headers=reply.headers)


async def _misrouted(backends: Backends, routed: Routed) -> GatewayError | None:
    """A node answered "not found" for a tenant: when the catalog says the tenant's data is on another node,
    a rule sent it where its rows are not (a weighted rule to a node without them, a failover to another
    region): 503 FGW513 naming the tenant's node, not a 404 that tells the client its tenant does not exist.
    One catalog query, on this error path only; None when the node is the tenant's own (a true 404)."""
    assert routed.tenant_id is not None and routed.node is not None
    answered = routed.node.node_id.split("~", 1)[0]  # a replica answers for its node
    try:
        rows = await backends.catalog.execute("move_source", (routed.tenant_id,))
    except CatalogUnavailable:
        return None
    home = str(rows[0][0]) if rows else None
    if home is None or home == answered:
        return None
    metrics.MISROUTED.labels(answered).inc()
    return GatewayError(503, "FGW513", f"a routing rule sent tenant {routed.tenant_id} to node {answered}, which does "
                        f"not hold its data: its node is {home}",
                        hint="fix the tenant's rules (fedgate route list) or move the tenant; retry after the "
                             "Retry-After delay", headers={"Retry-After": "5"})


def _being_moved(tenant: object) -> GatewayError:
    return GatewayError(503, "FGW503", f"tenant {tenant} is being moved", hint="retry after the Retry-After delay")


async def _held(request: Request, backends: Backends, endpoint: Endpoint, body: dict[str, Any],
                caller: Principal, routed: Routed) -> Routed:
    """A request for a tenant in a move's cutover waits (at most MOVE_HOLD_SECONDS, then 503) until the
    switch or the abort, then is routed again: to the tenant's new node, or its old one."""
    assert routed.tenant_id is not None
    released = backends.catalog.fenced.get(routed.tenant_id)
    if released is not None:
        try:
            await asyncio.wait_for(released.wait(), MOVE_HOLD_SECONDS)
        except TimeoutError:
            raise _being_moved(routed.tenant_id) from None
    return await route(request, backends, endpoint, request.route.ctx.federated, body, caller)  # type: ignore[union-attr]


async def _rerouted(request: Request, backends: Backends, endpoint: Endpoint, body: dict[str, Any],
                    caller: Principal, routed: Routed) -> Routed:
    """The request routed again after a node answered FG421, once the catalog names another node (its
    cached resolution dropped every poll), within MOVE_HOLD_SECONDS; else 503 with Retry-After."""
    assert routed.tenant_id is not None and routed.node_id is not None
    deadline = time.monotonic() + MOVE_HOLD_SECONDS
    while True:
        backends.catalog.forget([routed.tenant_id])
        again = await route(request, backends, endpoint, request.route.ctx.federated, body, caller)  # type: ignore[union-attr]
        if again.node_id != routed.node_id:
            return again
        if time.monotonic() > deadline:
            raise _being_moved(routed.tenant_id)
        await asyncio.sleep(0.05)


def register(app: Sanic) -> None:
    """Both namespaces of every endpoint, from the one table. Errors are JSON (the project's shape): said
    per route, or Sanic reads and parses the handler's source at every route to guess (create_app's CPU:
    82 ms, 25 ms with it said, in every gateway process)."""
    methods: dict[str, list[Endpoint]] = {}
    for endpoint in ENDPOINTS:
        methods.setdefault(endpoint.path, []).append(endpoint)
    for path, endpoints in methods.items():
        for prefix, federated in ((FEDERATED_PREFIX, True), (LEGACY_PREFIX, False)):
            for i, endpoint in enumerate(endpoints):
                verbs = [endpoint.method] + (["OPTIONS"] if i == 0 else [])
                app.add_route(dispatch, prefix + path, methods=verbs, error_format="json",
                              name=f"{'federated' if federated else 'legacy'}_{endpoint.name}",
                              ctx_endpoint=endpoint, ctx_federated=federated)
