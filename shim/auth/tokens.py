"""Verifying bearer tokens (PyJWT, algorithms pinned per key) and minting the gateway's own.

A token carries ``role`` (operator, tenant or agent), ``exp`` (required),
``aud`` (``FEDGATE_JWT_AUDIENCE``), ``iss`` when one is configured, and
``tenant_id`` (tenant and agent roles) and ``agent_id`` (agent role). Verified
tokens are kept in a bounded LRU until they expire, so a warm request pays a
dictionary lookup, not a signature check. A token is never logged nor echoed.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import jwt
from cachetools import TLRUCache
from jwt.exceptions import InvalidTokenError

from shim.auth.keys import HS256, Keyring
from shim.errors import GatewayError

Role = Literal["operator", "tenant", "agent"]
ROLES: tuple[Role, ...] = ("operator", "tenant", "agent")
CACHE_SIZE = 10_000
REALM = 'Bearer realm="fedgate"'


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a verified token's claims, or an agent presenting a kit (role enrollment)."""

    role: Literal["operator", "tenant", "agent", "enrollment"]
    sub: str
    tenant_id: uuid.UUID | None = None
    agent_id: uuid.UUID | None = None
    expires: float = 0.0  # epoch seconds
    issuer: str = ""  # the token's iss: subjects of different issuers are different callers
    generation: int | None = None  # an agent token's credential generation (its node refuses any other)

    def claims(self, address: str | None) -> str:
        """The JSON the handlers read as ``fedgate.claims``: who acted, for which tenant, from where."""
        return _claims_json(self, address)


@lru_cache(maxsize=4096)  # a client sends many requests with one token from one address
def _claims_json(principal: Principal, address: str | None) -> str:
    return json.dumps({"role": principal.role, "sub": principal.sub, "iss": principal.issuer or None,
                       "tenant_id": str(principal.tenant_id) if principal.tenant_id else None,
                       "agent_id": str(principal.agent_id) if principal.agent_id else None,
                       "agent_gen": principal.generation, "addr": address})


ENROLLMENT = Principal("enrollment", "enrollment")


def unauthorized(message: str, *, invalid: bool = True) -> GatewayError:
    challenge = REALM + (f', error="invalid_token", error_description="{message}"' if invalid else "")
    return GatewayError(401, "FGW401", message, headers={"WWW-Authenticate": challenge},
                        hint="send Authorization: Bearer <token>")


def _uuid_claim(claims: dict[str, Any], name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(claims[name]))
    except (KeyError, ValueError):
        raise unauthorized(f"the token's {name} claim is missing or not a UUID") from None


def principal_of(claims: dict[str, Any]) -> Principal:
    role = claims.get("role")
    if role not in ROLES:
        raise unauthorized("the token's role claim must be operator, tenant or agent")
    subject = claims.get("sub")
    if role == "operator" and not (isinstance(subject, str) and subject.strip()):
        # What an operator does is recorded under its subject, and its creations' Idempotency-Keys are
        # scoped by it: two operators without one would replay each other's creations.
        raise unauthorized("an operator token must carry a sub claim naming the operator")
    sub = str(subject or role)[:200]
    issuer = claims.get("iss")
    issuer = issuer[:200] if isinstance(issuer, str) else ""
    tenant = _uuid_claim(claims, "tenant_id") if role != "operator" else None
    agent = _uuid_claim(claims, "agent_id") if role == "agent" else None
    generation = claims.get("agent_gen") if role == "agent" else None
    if generation is not None and (type(generation) is not int or not 0 < generation < 2**31):
        raise unauthorized("the token's agent_gen claim is not a credential generation")
    return Principal(role, sub, tenant, agent, float(claims["exp"]), issuer, generation)


class TokenVerifier:
    """``Authorization`` header in, Principal out, or a 401 GatewayError."""

    def __init__(self, keyring: Keyring, audience: str, issuer: str = "", leeway: float = 10.0,
                 cache_size: int = CACHE_SIZE, max_ttl: float = 30 * 86400.0) -> None:
        self._keyring = keyring
        self._audience = audience
        self._issuer = issuer or None
        self._leeway = leeway
        self._max_ttl = max_ttl
        # Each entry lives until its token's exp (epoch seconds, as the timer counts).
        self._cache: TLRUCache[str, Principal] = TLRUCache(
            maxsize=cache_size, ttu=lambda _key, principal, _now: principal.expires, timer=time.time)

    def verify(self, authorization: str | None) -> Principal:
        if not authorization:
            raise unauthorized("this endpoint needs a bearer token", invalid=False)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthorized("the Authorization header must be: Bearer <token>", invalid=False)
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        principal = self._decode(token)
        self._cache[token] = principal
        return principal

    def _decode(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except InvalidTokenError:
            raise unauthorized("the token is not a JWT") from None
        keys = self._keyring.keys_for(header)
        if not keys:
            raise unauthorized("no key of this gateway verifies the token's algorithm and kid")
        try:
            for i, key in enumerate(keys):
                try:
                    claims = jwt.decode(token, key.key, algorithms=[key.algorithm], audience=self._audience,
                                        issuer=self._issuer, leeway=self._leeway,
                                        options={"require": ["exp", "aud"] + (["iss"] if self._issuer else [])})
                    break
                except jwt.InvalidSignatureError:
                    if i + 1 == len(keys):  # the previous secret, during a rotation, is the last to try
                        raise
        except jwt.ExpiredSignatureError:
            raise unauthorized("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise unauthorized("the token is not valid yet") from None
        except jwt.InvalidAudienceError:
            raise unauthorized("the token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise unauthorized("the token is from another issuer") from None
        except jwt.InvalidSignatureError:
            raise unauthorized("the token's signature does not verify") from None
        except InvalidTokenError as exc:
            raise unauthorized(f"the token is not valid ({type(exc).__name__})") from None
        if float(claims["exp"]) - time.time() > self._max_ttl:
            raise unauthorized(f"the token is valid for longer than this gateway accepts "
                               f"(FEDGATE_JWT_MAX_TTL, {self._max_ttl / 86400:g} days): mint a shorter one")
        return principal_of(claims)


def mint(keyring: Keyring, *, role: Role, audience: str, ttl: float, sub: str | None = None,
         tenant_id: uuid.UUID | None = None, agent_id: uuid.UUID | None = None, issuer: str = "",
         generation: int | None = None) -> tuple[str, int]:
    """A token signed with the gateway's HS256 secret, and its expiry (epoch seconds)."""
    if role in ("tenant", "agent") and tenant_id is None:
        raise ValueError(f"a {role} token needs a tenant id")
    if role == "agent" and agent_id is None:
        raise ValueError("an agent token needs an agent id")
    now = int(time.time())
    exp = now + int(ttl)
    claims: dict[str, Any] = {"role": role, "sub": sub or role, "aud": audience, "iat": now, "nbf": now, "exp": exp,
                              "jti": uuid.uuid4().hex}
    if tenant_id is not None:
        claims["tenant_id"] = str(tenant_id)
    if agent_id is not None:
        claims["agent_id"] = str(agent_id)
    if generation is not None:
        claims["agent_gen"] = generation  # the agent's credential generation on its node (node migration 008)
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, keyring.secret, algorithm=HS256), exp


@dataclass(frozen=True, slots=True)
class AgentCredentials:
    """The credential an enrolled agent gets from the gateway (role agent, its tenant and agent id)."""

    keyring: Keyring
    audience: str
    ttl: float
    issuer: str = ""

    def issue(self, tenant_id: uuid.UUID, agent_id: uuid.UUID, generation: int) -> dict[str, str]:
        token, exp = mint(self.keyring, role="agent", audience=self.audience, ttl=self.ttl, sub=f"agent:{agent_id}",
                          tenant_id=tenant_id, agent_id=agent_id, issuer=self.issuer, generation=generation)
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))
        return {"agentToken": token, "agentTokenExpiresAt": expires}
