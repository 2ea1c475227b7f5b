"""Token action: mint a bearer token with the deployment's HS256 secret (``fedgate token issue``, the
embedded default's printed credentials). With a JWKS, tokens come from the identity provider instead."""

from __future__ import annotations

from uuid import UUID

from shim.auth.keys import Keyring
from shim.auth.tokens import Role, mint
from shim.config import ConfigError

MAX_TTL = 365 * 86400


def issue_token(secret: str, *, role: Role, audience: str, ttl: int, sub: str | None = None,
                tenant: UUID | None = None, agent: UUID | None = None, issuer: str = "") -> tuple[str, int]:
    """A signed token and its expiry (epoch seconds); a ConfigError says what is missing."""
    if role in ("tenant", "agent") and tenant is None:
        raise ConfigError(f"a {role} token needs --tenant")
    if role == "agent" and agent is None:
        raise ConfigError("an agent token needs --agent (the agent id enrollment returned)")
    if len(secret.encode()) < 32:
        raise ConfigError("FEDGATE_JWT_SECRET must be at least 32 bytes")
    if not 0 < ttl <= MAX_TTL:
        raise ConfigError("--ttl is at most 365d")
    return mint(Keyring(secret), role=role, audience=audience, ttl=ttl, sub=sub, tenant_id=tenant, agent_id=agent,
                issuer=issuer)
