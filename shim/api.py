"""The endpoint table and its one generic handler.

Each endpoint names the api function that serves it; the table registers
every endpoint under both namespaces (``/federation/api/onboarding``, routed,
and ``/api/onboarding``, always the default node). Handlers hold no business
logic: they collect the arguments and call the function on the request's node.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim.errors import bad_request
from shim.provisioning import create_federated_tenant
from shim.routing import extract_region, set_node

FEDERATED_PREFIX = "/federation/api/onboarding"
LEGACY_PREFIX = "/api/onboarding"


@dataclass(frozen=True)
class Endpoint:
    name: str            # operation id
    method: str
    path: str            # below the namespace prefix, Sanic syntax
    function: str        # the api.<function> that serves it
    summary: str
    success: int = 200
    placement: bool = False  # federated: register and place, then create on the chosen node


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("createTenant", "POST", "/tenants", "create_tenant",
             "Create a tenant; federated: placed on an active node of its region", 201, placement=True),
    Endpoint("getTenantStatus", "GET", "/tenants/<tenantId>/status", "tenant_status",
             "The tenant with its agent and kit counts"),
)


def _json_body(request: Request) -> dict[str, Any]:
    if not request.body:
        raise bad_request("FGW105", "the request body must be a JSON object")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("FGW105", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("FGW105", "the request body must be a JSON object")
    return body


def _arguments(request: Request, endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.method in ("POST", "PUT", "PATCH"):
        return _json_body(request)
    return {key: values[-1] for key, values in request.args.items()
            if key not in ("tenantId", "region")}


def _json(text: str, status: int) -> HTTPResponse:
    return HTTPResponse(text, status=status, content_type="application/json")


async def dispatch(request: Request, **_path: str) -> HTTPResponse:
    """The handler of every endpoint: arguments in, one api function call, its JSON out."""
    if request.method == "OPTIONS":  # CORS preflight: the headers come from the response middleware
        return HTTPResponse(status=204)
    route = request.route
    endpoint: Endpoint = route.ctx.endpoint
    args = _arguments(request, endpoint)
    if endpoint.placement and isinstance(args.get("region"), str):
        # The body's region must agree with the query/header and be a served region.
        extract_region(request.args.getlist("region"), request.headers.getall("X-Region", []),
                       request.app.ctx.catalog.regions, body_value=args["region"])
    if endpoint.placement and route.ctx.federated:
        text, node = await create_federated_tenant(request.app.ctx.catalog, request.app.ctx.pools, args)
        set_node(request, node, "placement")
        return _json(text, endpoint.success)
    text = await request.ctx.db.call(endpoint.function, request.ctx.tenant_id, args)
    return _json(text, endpoint.success)


def register(app: Sanic) -> None:
    """Both namespaces of every endpoint, from the one table."""
    for endpoint in ENDPOINTS:
        for prefix, federated in ((FEDERATED_PREFIX, True), (LEGACY_PREFIX, False)):
            app.add_route(dispatch, prefix + endpoint.path, methods=[endpoint.method, "OPTIONS"],
                          name=f"{'federated' if federated else 'legacy'}_{endpoint.name}",
                          ctx_endpoint=endpoint, ctx_federated=federated)
