"""The endpoint table: each route written once.

Each endpoint names the api function that serves it and the flow that runs
it; the table registers every endpoint under both namespaces
(``/federation/api/onboarding``, routed, and ``/api/onboarding``, always the
default node) and feeds the OpenAPI document and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shim.request import schemas as s
from shim.request.flows import FlowName

FEDERATED_PREFIX = "/federation/api/onboarding"
LEGACY_PREFIX = "/api/onboarding"
TENANT_ROLES = ("operator", "tenant")


@dataclass(frozen=True, eq=False)  # hashed by identity: Sanic keeps route ctx in a set
class Endpoint:
    name: str                 # operation id
    method: Literal["GET", "POST", "DELETE"]
    path: str                 # below the namespace prefix, Sanic syntax
    function: str             # the api.<function> that serves it
    summary: str
    success: int = 200
    tenant: Literal["required", "optional", "none"] = "required"
    target: Literal["tenant", "control"] = "tenant"  # the tenant's node, or the control database
    flow: FlowName | None = None  # default: read for GET, call for POST
    roles: tuple[str, ...] = TENANT_ROLES  # who may call it; () = no bearer token (the kit's token is the credential)
    request: dict[str, Any] | None = None
    query: tuple[s.Param, ...] = ()
    response: dict[str, Any] = field(default_factory=lambda: s.OBJECT)

    @property
    def flow_name(self) -> FlowName:
        return self.flow or ("read" if self.method == "GET" else "call")


_PAGE = (s.limit(50, 200),
         s.Param("cursor", "string", "nextCursor of the previous page", constraints=(("pattern", "^[0-9]{0,18}$"),)))

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("createTenant", "POST", "/tenants", "create_tenant",
             "Create a tenant; federated: placed on an active node of its region", 201,
             tenant="none", flow="create_tenant", roles=("operator",), request=s.TENANT_CREATE, response=s.TENANT),
    Endpoint("issueBootstrapKit", "POST", "/bootstrap/kit", "issue_kit",
             "Issue a bootstrap kit: the archive itself (zip or tar.gz)", 201, flow="issue_kit", request=s.KIT_REQUEST,
             response=s.BINARY),
    Endpoint("getBootstrapMeta", "GET", "/bootstrap/meta/<tenantId>", "kit_meta",
             "The latest kit's metadata.json, byte-identical to the archive's", response=s.KIT_METADATA),
    Endpoint("getBootstrapStatus", "GET", "/bootstrap/status/<tenantId>", "bootstrap_status",
             "Bootstrap progress: not_started, kit_issued, agent_verified, active", response=s.BOOTSTRAP_STATUS),
    Endpoint("verifyBootstrapKit", "POST", "/bootstrap/verify", "verify_kit",
             "An agent presents its kit and token; registers the agent and returns its credential", flow="enroll",
             roles=(), request=s.VERIFY_REQUEST, response=s.VERIFY_RESULT),
    Endpoint("revokeBootstrapKit", "POST", "/bootstrap/kit/<kitId>/revoke", "revoke_kit",
             "Revoke a kit: it enrolls no more agents (agents it enrolled keep their credentials)",
             response=s.KIT_REVOKED),
    Endpoint("refreshAgentToken", "POST", "/agents/token", "agent_credential",
             "An agent trades its credential, before it expires, for a new one", flow="agent_token",
             roles=("agent",), response=s.AGENT_CREDENTIAL),
    Endpoint("revokeAgent", "DELETE", "/tenants/<tenantId>/agents/<agentId>", "revoke_agent",
             "Deregister an agent: every credential it holds is refused from now on (enrolling the host again "
             "with a kit registers it anew)", response=s.AGENT_REVOKED),
    Endpoint("getKitVerification", "GET", "/bootstrap/verify", "kit_verification",
             "A kit's verification state",
             query=(s.Param("kitId", "string", "the kit id", True, "uuid"), s.limit(100, 500)),
             response=s.KIT_VERIFICATION),
    Endpoint("scanBootstrap", "GET", "/bootstrap/scan", "bootstrap_scan",
             "Problems in a tenant's bootstrap state, each with a severity, most severe first",
             query=(s.limit(100, 500),),
             response=s.SCAN),
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
             query=(s.Param("window", "string", "the window to aggregate over: 15m, 1h (default), 7d; at most 30d",
                            constraints=(("pattern", s.WINDOW),)),), response=s.TELEMETRY),
    Endpoint("reportTenantTelemetry", "POST", "/tenants/<tenantId>/telemetry", "report_telemetry",
             "An agent reports a heartbeat", 201, roles=("operator", "agent"), request=s.HEARTBEAT,
             response=s.HEARTBEAT_ACCEPTED),
    Endpoint("getTenantStatus", "GET", "/tenants/<tenantId>/status", "tenant_status",
             "The tenant with its agent and kit counts", response=s.TENANT_STATUS),
    Endpoint("listTenantActivity", "GET", "/tenants/<tenantId>/activity", "tenant_activity",
             "The tenant's activity, newest first", query=_PAGE, response=s.page_of(s.ACTIVITY)),
    Endpoint("listTenantAgents", "GET", "/tenants/<tenantId>/agents", "tenant_agents",
             "The tenant's registered agent instances",
             query=(s.limit(100, 500),), response=s.AGENTS),
    Endpoint("listBootstrapAudit", "GET", "/bootstrap/audit/<tenantId>", "bootstrap_audit",
             "The tenant's append-only bootstrap audit trail, newest first", query=_PAGE,
             response=s.page_of(s.AUDIT_EVENT)),
)
