"""Routing a request: tenant and region extraction, then the node (one ``Routed`` value).

Tenant id: URL parameter, else query ``tenantId``, else ``X-Tenant-ID`` (and a
body's ``tenantId``). Region: query ``region``, else ``X-Region`` (and, for tenant
creation, the body's ``region``). Every source given must agree; a malformed id
or an unknown region is a 400. Extraction happens once per request.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable
from uuid import UUID

from sanic import Request

from shim.auth.policy import authorize_agent_body, scoped_tenant
from shim.auth.tokens import Principal
from shim.errors import GatewayError, bad_request
from shim.observe import metrics
from shim.nodes.catalog import DEFAULT_NODE, CatalogUnavailable, Resolution
from shim import context
from shim.request import legacy
from shim.request.endpoints import Endpoint
from shim.actions.backends import Backends
from shim.request.flows import LSN_HEADER, Routed

TENANT_HEADER = "X-Tenant-ID"
REGION_HEADER = "X-Region"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,200}")
_LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")


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


def extract_tenant(path_value: str | None, query_values: list[str], header_values: list[str],
                   body_value: Any = None) -> UUID | None:
    sources = ([("path", path_value)] if path_value is not None else []) + \
        [("query tenantId", v) for v in query_values] + [(TENANT_HEADER, v) for v in header_values] + \
        ([("body tenantId", body_value)] if body_value is not None else [])
    found: UUID | None = None
    found_source = ""
    for source, raw in sources:
        try:
            tenant = UUID(raw.strip())
        except (ValueError, AttributeError):
            raise bad_request("FGW101", f"{source}: tenant id {str(raw)[:80]!r} is not a UUID",
                              details={"source": source}) from None
        if found is not None and tenant != found:
            raise bad_request("FGW102", f"the request names more than one tenant id: {found_source}={str(found)!r}, "
                              f"{source}={str(tenant)!r}", details={"sources": [found_source, source]})
        found, found_source = tenant, found_source or source
    return found


MAX_JSON_DEPTH = 32  # no request body of this API nests deeper than 3


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _unstorable(text: str) -> bool:
    """Text PostgreSQL cannot store or a driver cannot encode: NUL, or a lone UTF-16 surrogate (JSON's
    "\\ud800" parses to one)."""
    if "\x00" in text:
        return True
    try:
        text.encode()  # in C: a lone surrogate raises
    except UnicodeEncodeError:
        return True
    return False


def _inspect(value: Any) -> tuple[int, str | None]:
    """How deeply a parsed JSON value nests, and the first key or string in it that is not storable text
    (iterative: no recursion on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            for key, v in item.items():
                if _unstorable(key):
                    return deepest, key
                stack.append((v, level + 1))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
        elif isinstance(item, str) and _unstorable(item):
            return deepest, item
    return deepest, None


def require_json(content_type: str | None) -> None:
    """A body must say it is JSON (415 otherwise): a browser's cross-site simple request
    (text/plain, a form) is refused before anything is parsed or written."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise GatewayError(415, "FGW415", f"the request body must be application/json, not {media[:60] or 'untyped'}",
                           hint="send Content-Type: application/json")


def parse_body(raw: bytes | None) -> dict[str, Any]:
    """A request body that must be a JSON object: standard numbers only (no NaN or Infinity),
    nested at most MAX_JSON_DEPTH levels."""
    if not raw:
        raise bad_request("FGW105", "the request body must be a JSON object")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except RecursionError:
        raise bad_request("FGW105", f"the request body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as exc:
        why = str(exc) if "not a JSON number" in str(exc) else "the request body is not valid JSON"
        raise bad_request("FGW105", why) from None
    if not isinstance(body, dict):
        raise bad_request("FGW105", "the request body must be a JSON object")
    depth, bad_text = _inspect(body)
    if depth > MAX_JSON_DEPTH:
        raise bad_request("FGW105", f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    if bad_text is not None:
        raise bad_request("FGW109", "the request body holds a NUL character or a lone surrogate in a string")
    return body


def refuse_unknown_fields(body: dict[str, Any], schema: dict[str, Any] | None) -> None:
    """A body holds only the fields its schema names: a misspelt or unknown one is refused (400), never
    silently ignored (the document says additionalProperties: false)."""
    if schema is None:
        return
    unknown = body.keys() - schema.get("properties", {}).keys()
    if unknown:
        name = min(unknown)
        raise bad_request("FGW112", f"unknown field {name[:60]!r}", details={"field": name[:60]},
                          hint="the OpenAPI document (GET /openapi.json) lists each body's fields")


def extract_region(query_values: list[str], header_values: list[str], known: frozenset[str],
                   body_value: Any = None) -> str | None:
    given = [("query region", v.strip().lower()) for v in query_values]
    given += [(REGION_HEADER, v.strip().lower()) for v in header_values]
    if isinstance(body_value, str):
        given.append(("body region", body_value))
    value = _one(given, "region", "FGW104")
    if value is not None and value not in known:
        raise bad_request("FGW103", f"unknown region {value[:80]!r}",
                          details={"known": sorted(known)}, hint="GET /federation/api/onboarding/regions lists them")
    return value


async def _resolution(backends: Backends, tenant: UUID | None, region: str | None) -> Resolution:
    try:
        return await backends.catalog.resolve(tenant, region)
    except CatalogUnavailable:
        raise GatewayError(503, "FGW503", "the federation catalog is unavailable and this tenant is not cached",
                           hint="retry after the Retry-After delay") from None


async def _resolve_node(backends: Backends, tenant: UUID | None, region: str | None) -> Resolution:
    found = await _resolution(backends, tenant, region)
    if found.node_id is None:
        if found.residency is not None:
            metrics.RESIDENCY_REFUSED.labels("resolve").inc()
            raise GatewayError(503, "FGW503", f"no serving node for tenant {tenant} within its residency "
                               f"({', '.join(found.residency)})",
                               details={"tenantId": str(tenant), "region": region, "residency": list(found.residency)},
                               hint="its nodes inside its residency are down, draining out or unhealthy: it is "
                                    "never served from another region; explain_route() in the catalog tells which")
        raise GatewayError(503, "FGW503", f"no serving node for tenant {tenant}",
                           details={"tenantId": str(tenant), "region": region},
                           hint="its nodes are down, draining out or unhealthy; explain_route() in the catalog tells which")
    return found


def seen_lsn(value: str) -> str:
    """X-Federation-LSN: a WAL position as a write's (or read's) answer gave it, e.g. 0/3000060."""
    if not _LSN.fullmatch(value):
        raise bad_request("FGW108", "X-Federation-LSN must be a WAL position as an answer gave it (like 0/3000060)",
                          details={"field": LSN_HEADER})
    return value


def idempotency_key(values: list[str]) -> str | None:
    """The creation's Idempotency-Key header: 1-200 printable ASCII characters, given at most once."""
    if not values:
        return None
    if len(values) > 1 or not _IDEMPOTENCY_KEY.fullmatch(values[0]):
        raise bad_request("FGW107", "Idempotency-Key must be given once, as 1 to 200 printable ASCII characters",
                          details={"field": IDEMPOTENCY_HEADER})
    return values[0]


def request_id(request: Request) -> str:
    """The request's id (taken or made on first use), also made current for the node calls it makes
    (shim.observe.access)."""
    found: str | None = getattr(request.ctx, "request_id", None)
    if found is None:
        given = request.headers.get("x-request-id")
        found = given if given is not None and context.ACCEPTED.fullmatch(given) else \
            f"{context.PREFIX}{next(context.SERIAL):x}"
        request.ctx.request_id = found
        context.CURRENT.set(found)
    return found


def query(request: Request) -> Any:
    """The query parameters with blank ones kept (``?limit=`` is a blank limit, refused, not absent)."""
    return request.get_args(keep_blank_values=True) if request.query_string else request.args


def client_address(request: Request) -> str:
    """The caller's address (through FEDGATE_PROXIES_COUNT trusted proxies), for audit and throttling."""
    return (request.remote_addr or request.ip or "unknown")[:64]


async def _refuse_federated_tenant(backends: Backends, tenant: UUID, path: str) -> tuple[str, ...] | None:
    """The legacy namespace serves the default database: a tenant whose data lives on another node is
    refused there (never read or written in the default database, where its rows are not), and so is one
    whose residency excludes the default node's region. Returns the tenant's residency."""
    found = await _resolution(backends, tenant, None)
    federated_path = legacy.successor(path)
    default_region = backends.catalog.region_of(DEFAULT_NODE)
    if found.residency is not None and default_region not in found.residency:
        metrics.RESIDENCY_REFUSED.labels("legacy").inc()
        raise GatewayError(409, "FG451", f"tenant {tenant} may be served only in {', '.join(found.residency)}: the "
                           f"legacy namespace serves the default database, in {default_region}",
                           details={"federatedPath": federated_path, "residency": list(found.residency)},
                           hint=f"call {federated_path}")
    if found.reason == "default_unmapped" or found.node_id == DEFAULT_NODE:
        return found.residency
    raise GatewayError(409, "FGW409", f"tenant {tenant} is federated: the legacy namespace serves only the default "
                       "database, which does not hold this tenant", details={"federatedPath": federated_path},
                       hint=f"call {federated_path}")


async def route(request: Request, backends: Backends, endpoint: Endpoint, federated: bool,
                body: dict[str, Any], caller: Principal) -> Routed:
    """Validate tenant and region, hold a tenant or agent token to its own tenant, and choose the node:
    the request's one routing decision.

    Called by the endpoint handler rather than as global middleware: Sanic also
    runs request middleware on its error path (404, 413), where there is no
    endpoint and no body to route on.
    """
    creating = endpoint.flow_name == "create_tenant"
    args = query(request)
    tenant = scoped_tenant(caller, extract_tenant(request.match_info.get("tenantId"), args.getlist("tenantId"),
                                                  request.headers.getall(TENANT_HEADER, []), body.get("tenantId")))
    if endpoint.request is not None and "agent" in endpoint.roles:  # an agent's body names the agent it reports for
        authorize_agent_body(caller, body)
    region = extract_region(args.getlist("region"), request.headers.getall(REGION_HEADER, []),
                            backends.catalog.regions, body.get("region") if creating else None)
    if tenant is None and endpoint.tenant == "required":
        raise bad_request("FGW106", "this endpoint needs a tenant id",
                          hint="give it in the path, the tenantId query parameter or the X-Tenant-ID header")
    claims = caller.claims(client_address(request))
    if not federated:  # turned off for this tenant (or everyone): 410 with the successor, before any work
        request.ctx.legacy_tenant = tenant  # its usage is recorded, refused or not
        legacy.refuse_if_off(backends.catalog.legacy, tenant, request.path)
    if creating:  # the node is chosen by placement, after registration
        return Routed(tenant, region, federated, "placement", claims=claims,
                      idempotency_key=idempotency_key(request.headers.getall(IDEMPOTENCY_HEADER, [])))
    residency: tuple[str, ...] | None = None
    if federated and endpoint.target == "tenant":
        found = await _resolve_node(backends, tenant, region)
        node_id, reason, residency = str(found.node_id), found.reason, found.residency
    else:
        if not federated and tenant is not None and endpoint.target == "tenant":
            try:
                residency = await _refuse_federated_tenant(backends, tenant, request.path)
            except GatewayError:
                if caller.role == "enrollment":  # a stranger learns nothing of where a tenant lives
                    raise GatewayError(401, "FG401", "the kit id and enrollment token were not accepted") from None
                raise
        node_id, reason = DEFAULT_NODE, ("legacy" if not federated else "control")
    seen = request.headers.get(LSN_HEADER)
    return Routed(tenant, region, federated, reason, await backends.node(node_id), claims,
                  seen_lsn=None if seen is None else seen_lsn(seen), residency=residency)
