"""Tenant and region extraction and the request context (Sanic middleware).

Tenant id: URL parameter, else query ``tenantId``, else ``X-Tenant-ID``.
Region: query ``region``, else ``X-Region``. Every source given must agree;
a malformed id or an unknown region is a 400. Routed requests then carry
the spec's four context values: ``db`` (the node's pool), ``tenant_id``,
``region`` and ``node_id``.
"""

from __future__ import annotations

from typing import Iterable
from uuid import UUID

from sanic import Request
from sanic.response import HTTPResponse

from shim.catalog import DEFAULT_NODE, Catalog, CatalogUnavailable, Node, Resolution
from shim.errors import GatewayError, bad_request
from shim.pools import NodeDB

TENANT_HEADER = "X-Tenant-ID"
REGION_HEADER = "X-Region"


def _one(values: Iterable[tuple[str, str]], what: str, code: str) -> str | None:
    """The single value every given source agrees on, or None when none is given."""
    seen: dict[str, str] = {}
    for source, value in values:
        seen.setdefault(value, source)
    if len(seen) > 1:
        described = ", ".join(f"{src}={val!r}" for val, src in seen.items())
        raise bad_request(code, f"the request names more than one {what}: {described}",
                          details={"sources": [src for src in seen.values()]})
    return next(iter(seen), None)


def extract_tenant(path_value: str | None, query_values: list[str], header_values: list[str]) -> UUID | None:
    given: list[tuple[str, str]] = []
    for source, raw in ([("path", path_value)] if path_value is not None else []) + \
            [("query tenantId", v) for v in query_values] + [(TENANT_HEADER, v) for v in header_values]:
        try:
            given.append((source, str(UUID(raw.strip()))))
        except (ValueError, AttributeError):
            raise bad_request("FGW101", f"{source}: tenant id {raw[:80]!r} is not a UUID",
                              details={"source": source}) from None
    value = _one(given, "tenant id", "FGW102")
    return UUID(value) if value else None


def extract_region(query_values: list[str], header_values: list[str], known: frozenset[str],
                   body_value: str | None = None) -> str | None:
    given = [("query region", v.strip().lower()) for v in query_values]
    given += [(REGION_HEADER, v.strip().lower()) for v in header_values]
    if body_value is not None:
        given.append(("body region", body_value))
    value = _one(given, "region", "FGW104")
    if value is not None and value not in known:
        raise bad_request("FGW103", f"unknown region {value[:80]!r}",
                          details={"known": sorted(known)}, hint="GET /federation/api/onboarding/regions lists them")
    return value


async def resolve(catalog: Catalog, tenant: UUID | None, region: str | None) -> Resolution:
    try:
        found = await catalog.resolve(tenant, region)
    except CatalogUnavailable:
        raise GatewayError(503, "FGW503", "the federation catalog is unavailable and this tenant is not cached",
                           hint="retry after the Retry-After delay") from None
    if found.node_id is None:
        raise GatewayError(503, "FGW503", f"no serving node for tenant {tenant}",
                           details={"tenantId": str(tenant), "region": region},
                           hint="its nodes are down, draining out or unhealthy; explain_route() in the catalog tells which")
    return found


async def federation_context(request: Request) -> None:
    """on_request middleware: validate tenant and region, resolve the node, fill request.ctx."""
    route = request.route
    endpoint = getattr(route.ctx, "endpoint", None) if route else None
    if endpoint is None or request.method == "OPTIONS":
        return
    catalog: Catalog = request.app.ctx.catalog
    federated: bool = route.ctx.federated
    tenant = extract_tenant(request.match_info.get("tenantId"), request.args.getlist("tenantId"),
                            request.headers.getall(TENANT_HEADER, []))
    region = extract_region(request.args.getlist("region"), request.headers.getall(REGION_HEADER, []),
                            catalog.regions)
    request.ctx.tenant_id = tenant
    request.ctx.region = region
    request.ctx.node = None
    request.ctx.node_id = None
    request.ctx.db = None
    if endpoint.placement and federated:
        return  # the node is chosen by placement, after registration
    if federated:
        found = await resolve(catalog, tenant, region)
    else:
        found = Resolution(DEFAULT_NODE, None, "legacy")
    node = catalog.node(found.node_id) if found.node_id else None
    if node is None:
        raise GatewayError(503, "FGW503", f"node {found.node_id} is not in the node catalog",
                           hint="retry after the Retry-After delay")
    set_node(request, node, found.reason)


def set_node(request: Request, node: Node, reason: str) -> None:
    request.ctx.node = node
    request.ctx.node_id = node.node_id
    request.ctx.reason = reason
    request.ctx.db = NodeDB(request.app.ctx.pools, node)


async def federation_headers(request: Request, response: HTTPResponse) -> None:
    """on_response middleware: name the node that served a routed request."""
    node = getattr(request.ctx, "node", None)
    if node is not None:
        response.headers["X-Federation-Node"] = node.node_id
        response.headers["X-Federation-Region"] = node.region
        response.headers["X-Federation-Reason"] = request.ctx.reason
