"""What each role may do: the endpoint's roles, then the tenant (and agent) it names.

- operator: every endpoint, any tenant.
- tenant: its own tenant's endpoints (not tenant creation, not agents' heartbeats).
- agent: its own agent's heartbeats and its credential's refresh.

A refusal is the same 403 whether the other tenant exists or not, and comes
before any catalog or node is asked. The handlers check the same claims again
in SQL (``onboarding.api_enter``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shim.auth.tokens import Principal
from shim.errors import GatewayError


def forbidden(message: str) -> GatewayError:
    return GatewayError(403, "FGW403", message, hint="use a token of a role and tenant this request may act for")


def authorize_role(principal: Principal, roles: tuple[str, ...]) -> None:
    if principal.role not in roles:
        raise forbidden(f"a {principal.role} token may not call this endpoint (it needs: {', '.join(roles)})")


def scoped_tenant(principal: Principal, named: UUID | None) -> UUID | None:
    """The tenant a request acts for: the one it names, which must be the token's own for a tenant or
    agent token (and is that one when the request names none)."""
    if principal.role in ("operator", "enrollment") or principal.tenant_id is None:
        return named
    if named is not None and named != principal.tenant_id:
        raise forbidden("this token is not for that tenant")
    return principal.tenant_id


def authorize_agent_body(principal: Principal, body: dict[str, Any]) -> None:
    """An agent posts only its own heartbeats."""
    if principal.role != "agent":
        return
    try:
        named = UUID(str(body.get("agentId", "")).strip())
    except ValueError:
        named = None
    if named != principal.agent_id:
        raise forbidden("an agent token reports only its own agent's heartbeats")
