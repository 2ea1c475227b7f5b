"""The endpoint table and its one generic handler.

Each endpoint names the api function that serves it; the table registers
every endpoint under both namespaces (``/federation/api/onboarding``, routed,
and ``/api/onboarding``, always the default node), and feeds the OpenAPI
document. Handlers hold no business logic: they collect the arguments and
call the function on the request's node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from shim import schemas as s
from shim.kit_issuing import issue_kit
from shim.provisioning import create_federated_tenant
from shim.routing import extract_region, federation_context, set_node

FEDERATED_PREFIX = "/federation/api/onboarding"
LEGACY_PREFIX = "/api/onboarding"


@dataclass(frozen=True, eq=False)  # hashed by identity: Sanic keeps route ctx in a set
class Endpoint:
    name: str                 # operation id
    method: str
    path: str                 # below the namespace prefix, Sanic syntax
    function: str             # the api.<function> that serves it
    summary: str
    success: int = 200
    tenant: str = "required"  # required | optional | none
    target: str = "tenant"    # tenant: the tenant's node | control: the control database
    flow: str = "call"        # call | procedure | create_tenant | kit
    request: dict[str, Any] | None = None
    query: tuple[s.Param, ...] = ()
    response: dict[str, Any] = field(default_factory=lambda: s.OBJECT)


_PAGE = (s.Param("limit", "integer", "page size (default 50, at most 200)"),
         s.Param("cursor", "string", "nextCursor of the previous page"))

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("createTenant", "POST", "/tenants", "create_tenant",
             "Create a tenant; federated: placed on an active node of its region", 201,
             tenant="none", flow="create_tenant", request=s.TENANT_CREATE, response=s.TENANT),
    Endpoint("issueBootstrapKit", "POST", "/bootstrap/kit", "issue_kit",
             "Issue a bootstrap kit: the archive itself (zip or tar.gz)", 201, flow="kit", request=s.KIT_REQUEST,
             response=s.BINARY),
    Endpoint("getBootstrapMeta", "GET", "/bootstrap/meta/<tenantId>", "kit_meta",
             "The latest kit's metadata.json, byte-identical to the archive's", response=s.KIT_METADATA),
    Endpoint("getBootstrapStatus", "GET", "/bootstrap/status/<tenantId>", "bootstrap_status",
             "Bootstrap progress: not_started, kit_issued, agent_verified, active", response=s.BOOTSTRAP_STATUS),
    Endpoint("verifyBootstrapKit", "POST", "/bootstrap/verify", "verify_kit",
             "An agent presents its kit and token; registers the agent", flow="procedure",
             request=s.VERIFY_REQUEST, response=s.VERIFY_RESULT),
    Endpoint("getKitVerification", "GET", "/bootstrap/verify", "kit_verification",
             "A kit's verification state", query=(s.Param("kitId", "string", "the kit id", True, "uuid"),),
             response=s.KIT_VERIFICATION),
    Endpoint("scanBootstrap", "GET", "/bootstrap/scan", "bootstrap_scan",
             "Problems in a tenant's bootstrap state, each with a severity", response=s.SCAN),
    Endpoint("listAgentTypes", "GET", "/agents", "agent_catalog",
             "The agent types a tenant can deploy", tenant="optional", response=s.items_of(s.AGENT_TYPE)),
    Endpoint("listRegions", "GET", "/regions", "regions",
             "The regions served, with their node counts", tenant="none", target="control",
             response=s.items_of(s.REGION)),
    Endpoint("listIdentityProviders", "GET", "/identity/providers", "identity_providers",
             "Identity provider types and the fields each needs", tenant="optional",
             response=s.items_of(s.IDENTITY_PROVIDER)),
    Endpoint("validateIdentityProvider", "POST", "/identity/validate", "validate_identity",
             "Validate an identity provider configuration", tenant="optional", request=s.IDENTITY_REQUEST,
             response=s.IDENTITY_RESULT),
    Endpoint("getTenantTelemetry", "GET", "/tenants/<tenantId>/telemetry", "tenant_telemetry",
             "Agent heartbeats aggregated over a window",
             query=(s.Param("window", "string", "15m, 1h (default), 7d; at most 30d"),), response=s.TELEMETRY),
    Endpoint("reportTenantTelemetry", "POST", "/tenants/<tenantId>/telemetry", "report_telemetry",
             "An agent reports a heartbeat", 201, request=s.HEARTBEAT, response=s.OBJECT),
    Endpoint("getTenantStatus", "GET", "/tenants/<tenantId>/status", "tenant_status",
             "The tenant with its agent and kit counts", response=s.TENANT_STATUS),
    Endpoint("listTenantActivity", "GET", "/tenants/<tenantId>/activity", "tenant_activity",
             "The tenant's activity, newest first", query=_PAGE, response=s.page_of(s.ACTIVITY)),
    Endpoint("listTenantAgents", "GET", "/tenants/<tenantId>/agents", "tenant_agents",
             "The tenant's registered agent instances",
             query=(s.Param("limit", "integer", "at most 500 (default 100)"),), response=s.AGENTS),
    Endpoint("listBootstrapAudit", "GET", "/bootstrap/audit/<tenantId>", "bootstrap_audit",
             "The tenant's append-only bootstrap audit trail, newest first", query=_PAGE,
             response=s.page_of(s.AUDIT_EVENT)),
)


def _json(text: str, status: int) -> HTTPResponse:
    return HTTPResponse(text, status=status, content_type="application/json")


def _arguments(request: Request, endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.request is not None:
        return dict(request.ctx.body)
    return {key: values[-1] for key, values in request.args.items() if key not in ("tenantId", "region")}


async def dispatch(request: Request, **_path: str) -> HTTPResponse:
    """The handler of every endpoint: arguments in, one api function call, its JSON out."""
    if request.method == "OPTIONS":  # CORS preflight: the headers come from the response middleware
        return HTTPResponse(status=204)
    await federation_context(request)
    route = request.route
    assert route is not None
    endpoint: Endpoint = route.ctx.endpoint
    args = _arguments(request, endpoint)
    if endpoint.flow == "create_tenant":
        if isinstance(args.get("region"), str):
            # The body's region must agree with the query/header and be a served region.
            extract_region(request.args.getlist("region"), request.headers.getall("X-Region", []),
                           request.app.ctx.catalog.regions, body_value=args["region"])
        if route.ctx.federated:
            text, node = await create_federated_tenant(request.app.ctx.catalog, request.app.ctx.pools, args)
            set_node(request, node, "placement")
            return _json(text, endpoint.success)
    if endpoint.flow == "kit":
        kit = await issue_kit(request.app.ctx.catalog, request.ctx.db, request.ctx.tenant_id, args,
                              request.app.ctx.settings.public_url)
        return HTTPResponse(kit.archive, status=endpoint.success, content_type=kit.content_type,
                            headers={"Content-Disposition": f'attachment; filename="{kit.filename}"',
                                     "X-Kit-Id": kit.kit_id, "X-Kit-SHA256": kit.sha256})
    db = request.ctx.db
    if endpoint.flow == "procedure":
        text = await db.call_procedure(endpoint.function, request.ctx.tenant_id, args)
    else:
        text = await db.call(endpoint.function, request.ctx.tenant_id, args, idempotent=endpoint.method == "GET")
    return _json(text, endpoint.success)


def register(app: Sanic) -> None:
    """Both namespaces of every endpoint, from the one table."""
    methods: dict[str, list[Endpoint]] = {}
    for endpoint in ENDPOINTS:
        methods.setdefault(endpoint.path, []).append(endpoint)
    for path, endpoints in methods.items():
        for prefix, federated in ((FEDERATED_PREFIX, True), (LEGACY_PREFIX, False)):
            for i, endpoint in enumerate(endpoints):
                verbs = [endpoint.method] + (["OPTIONS"] if i == 0 else [])
                app.add_route(dispatch, prefix + path, methods=verbs,
                              name=f"{'federated' if federated else 'legacy'}_{endpoint.name}",
                              ctx_endpoint=endpoint, ctx_federated=federated)
