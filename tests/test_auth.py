"""Authentication and tenant scope over every endpoint of both namespaces.

The matrix: each endpoint x {no token, malformed, expired, not yet valid, wrong
signature, alg none, wrong audience, another tenant's token, an agent token, a
tenant token, the right token}. Only the right token (and what its role may do)
passes; every refusal is 401 or 403 in the error shape, and no refusal runs a
handler statement on any node (pg_stat_statements of every node's database).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import jwt
import psycopg
import pytest

from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX, Endpoint
from tests.api_client import assert_error, create_tenant, issue_kit, token_of, unpack
from tests.federation import AUDIENCE, Federation, Gateway, JWT_SECRET, http_client, token

NAMESPACES = {"federated": FEDERATED_PREFIX, "legacy": LEGACY_PREFIX}
HANDLER_STATEMENTS = """
    SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname = current_database()
      AND (s.query LIKE '%FROM (SELECT set_config(%' OR s.query LIKE 'CALL api.%')"""


@dataclass
class Tenancy:
    """One namespace's tenants: A (with a kit, a second kit and an enrolled agent) and B."""

    prefix: str
    a: str
    b: str
    kit: str
    kit_token: str
    spare_kit: str
    agent: str
    agent_token: str
    spare_agent: str  # revoked by the revokeAgent rows of the matrix
    agent_gen: int = 1  # the agent's credential generation: each refresh rotates it


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(role: str, tenant: str | None, agent: str | None, **over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {"role": role, "sub": f"matrix-{role}", "aud": AUDIENCE, "iat": now, "exp": now + 600}
    if tenant:
        claims["tenant_id"] = tenant
    if agent:
        claims["agent_id"] = agent
    claims.update(over)
    return claims


def _signed(claims: dict[str, Any], key: str = JWT_SECRET) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.fixture(scope="module")
def tenancies(gateway: Gateway) -> dict[str, Tenancy]:
    found = {}
    with gateway.client() as op, http_client(base_url=gateway.base_url, timeout=15) as anon:
        for ns, prefix in NAMESPACES.items():
            a = create_tenant(op, "eu-west", prefix=prefix)
            b = create_tenant(op, "eu-west", prefix=prefix)
            kit = issue_kit(op, a, ["log-shipper"], prefix=prefix, maxAgents=100)
            kit_token = token_of(unpack(kit.content, "zip"), "log-shipper")
            spare = issue_kit(op, a, ["log-shipper"], prefix=prefix).headers["X-Kit-Id"]
            enrolled = anon.post(f"{prefix}/bootstrap/verify", json={
                "tenantId": a, "kitId": kit.headers["X-Kit-Id"], "token": kit_token, "hostname": "matrix-0",
                "agentType": "log-shipper", "version": "2.4.1"})
            assert enrolled.status_code == 200, enrolled.text
            spare_agent = anon.post(f"{prefix}/bootstrap/verify", json={
                "tenantId": a, "kitId": kit.headers["X-Kit-Id"], "token": kit_token, "hostname": "matrix-spare",
                "agentType": "log-shipper", "version": "2.4.1"}).json()["agentId"]
            found[ns] = Tenancy(prefix, a, b, kit.headers["X-Kit-Id"], kit_token, spare,
                                enrolled.json()["agentId"], enrolled.json()["agentToken"], spare_agent)
    return found


def _request(endpoint: Endpoint, t: Tenancy) -> tuple[str, str, dict[str, Any], Any]:
    """A valid request of ``endpoint`` for tenant A: (method, url, query, json body)."""
    path = endpoint.path.replace("<tenantId>", t.a).replace("<kitId>", t.spare_kit).replace("<agentId>", t.spare_agent)
    query: dict[str, Any] = {}
    if endpoint.tenant != "none" and "<tenantId>" not in endpoint.path:
        query["tenantId"] = t.a
    if endpoint.name == "getKitVerification":
        query["kitId"] = t.kit
    body = {
        "createTenant": lambda: {"name": f"m-{uuid.uuid4().hex[:12]}", "region": "eu-west"},
        "issueBootstrapKit": lambda: {"tenantId": t.a, "agents": ["log-shipper"]},
        "verifyBootstrapKit": lambda: {"tenantId": t.a, "kitId": t.kit, "token": t.kit_token,
                                       "hostname": f"m-{uuid.uuid4().hex[:10]}", "agentType": "log-shipper",
                                       "version": "2.4.1"},
        "validateIdentityProvider": lambda: {"type": "oidc", "config": {}, "tenantId": t.a},
        "reportTenantTelemetry": lambda: {"agentId": t.agent, "cpuPercent": 1.5},
    }.get(endpoint.name, lambda: None)()
    return endpoint.method, t.prefix + path, query, body


def _right_claims(endpoint: Endpoint, t: Tenancy) -> dict[str, Any] | None:
    """The claims of the caller the endpoint is for; None: no bearer token (a kit's token instead)."""
    if not endpoint.roles:
        return None
    role = endpoint.roles[0] if endpoint.roles != ("operator", "tenant") else "tenant"
    if endpoint.roles == ("operator", "agent"):
        role = "agent"
    if role == "agent":
        return _claims(role, t.a, t.agent, agent_gen=t.agent_gen)
    return _claims(role, t.a if role != "operator" else None, None)


Variant = Callable[[Endpoint, Tenancy], "dict[str, str]"]


def _bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _spoiled(**over: Any) -> Variant:
    def variant(endpoint: Endpoint, t: Tenancy) -> dict[str, str]:
        claims = _right_claims(endpoint, t) or _claims("agent", t.a, t.agent)
        return _bearer(_signed({**claims, **over}))
    return variant


def _alg_none(endpoint: Endpoint, t: Tenancy) -> dict[str, str]:
    claims = _right_claims(endpoint, t) or _claims("agent", t.a, t.agent)
    return _bearer(f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.")


def _wrong_signature(endpoint: Endpoint, t: Tenancy) -> dict[str, str]:
    claims = _right_claims(endpoint, t) or _claims("agent", t.a, t.agent)
    return _bearer(_signed(claims, key="an-attacker-secret-of-thirty-two-bytes!"))


# name -> (headers, expected status when refused: 401 or 403; None: it may pass)
VARIANTS: dict[str, tuple[Variant, int | None]] = {
    "none": (lambda e, t: {}, 401),
    "malformed": (lambda e, t: _bearer("not-a.jwt"), 401),
    "expired": (_spoiled(exp=int(time.time()) - 120), 401),
    "not_yet_valid": (_spoiled(nbf=int(time.time()) + 600), 401),
    "wrong_signature": (_wrong_signature, 401),
    "alg_none": (_alg_none, 401),
    "wrong_audience": (_spoiled(aud="someone-else"), 401),
    "other_tenant": (lambda e, t: _bearer(token("tenant", t.b)), 403),
    "agent": (lambda e, t: _bearer(t.agent_token), 403),
    "tenant": (lambda e, t: _bearer(token("tenant", t.a)), 403),
    "operator": (lambda e, t: _bearer(token("operator")), 403),
    "right": (lambda e, t: _bearer(_signed(c)) if (c := _right_claims(e, t)) else {}, None),
}


def _allowed(endpoint: Endpoint, variant: str) -> bool:
    """Whether this caller may make this request of tenant A."""
    if variant == "right":
        return True
    if not endpoint.roles:  # enrollment: the kit's token; a bearer token is checked when one is sent
        return variant in ("none", "agent", "tenant", "operator")
    if variant in ("agent", "tenant", "operator"):
        return variant in endpoint.roles
    if variant == "other_tenant":  # a tenant token naming no tenant: reference data only
        return "tenant" in endpoint.roles and endpoint.tenant == "none"
    return False


@pytest.fixture(scope="module")
def node_statements(federation: Federation) -> Iterator[Callable[[], int]]:
    conns = []
    for node_id in ("default", "eu-west-1", "ap-south-1"):
        conn = psycopg.connect(federation.urls[node_id], autocommit=True)
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        conns.append(conn)

    def count() -> int:
        return sum(c.execute(HANDLER_STATEMENTS).fetchone()[0] for c in conns)  # type: ignore[index]
    yield count
    for conn in conns:
        conn.close()


@pytest.mark.parametrize("ns", NAMESPACES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def test_only_the_right_token_passes(endpoint: Endpoint, ns: str, tenancies: dict[str, Tenancy],
                                     gateway: Gateway, node_statements: Callable[[], int]) -> None:
    t = tenancies[ns]
    sent: list[str] = []
    with http_client(base_url=gateway.base_url, timeout=15) as http:
        for name, (headers_of, refused_with) in VARIANTS.items():
            method, url, query, body = _request(endpoint, t)
            headers = headers_of(endpoint, t)
            sent.append(headers.get("Authorization", ""))
            before = node_statements()
            resp = http.request(method, url, params=query, json=body, headers=headers)
            if _allowed(endpoint, name):
                assert resp.status_code < 300, f"{name}: {resp.status_code} {resp.text}"
                assert node_statements() > before, "the statement counter sees handler calls"
                if endpoint.name == "refreshAgentToken":  # it rotated: the agent holds the new one only
                    t.agent_token = resp.json()["agentToken"]
                    t.agent_gen = jwt.decode(t.agent_token, options={"verify_signature": False})["agent_gen"]
                continue
            err = assert_error(resp, refused_with, f"FGW{refused_with}")
            assert node_statements() == before, f"{name}: a refused request ran a handler on a node"
            if refused_with == 401:
                challenge = resp.headers["WWW-Authenticate"]
                assert challenge.startswith("Bearer")
                assert ('error="invalid_token"' in challenge) == (name not in ("none",)), (name, challenge)
            assert all(s.partition(" ")[2] not in resp.text for s in sent if s), "a token was echoed"
            assert err["code"] == f"FGW{refused_with}"
    log = gateway.log()
    assert all(s.partition(" ")[2] not in log for s in sent if s), "a token reached the log"


def test_a_refusal_does_not_say_whether_the_other_tenant_exists(tenancies: dict[str, Tenancy],
                                                                gateway: Gateway) -> None:
    t = tenancies["federated"]
    as_b = _bearer(token("tenant", t.b))
    with http_client(base_url=gateway.base_url, timeout=15) as http:
        existing = http.get(f"{t.prefix}/tenants/{t.a}/status", headers=as_b)
        missing = http.get(f"{t.prefix}/tenants/{uuid.uuid4()}/status", headers=as_b)
    assert existing.status_code == missing.status_code == 403
    assert existing.json() == missing.json()


def test_every_tenant_id_source_is_held_to_the_token(tenancies: dict[str, Tenancy], gateway: Gateway) -> None:
    t = tenancies["federated"]
    as_b = _bearer(token("tenant", t.b))
    with http_client(base_url=gateway.base_url, timeout=15) as http:
        for params, headers, body in (({"tenantId": t.a}, {}, None), ({}, {"X-Tenant-ID": t.a}, None)):
            assert_error(http.get(f"{t.prefix}/bootstrap/scan", params=params, headers={**as_b, **headers}),
                         403, "FGW403")
        assert_error(http.post(f"{t.prefix}/bootstrap/kit", json={"tenantId": t.a, "agents": ["log-shipper"]},
                               headers=as_b), 403, "FGW403")
        own = http.get(f"{t.prefix}/bootstrap/scan", headers=as_b)  # no tenant named: the token's own
        assert own.status_code == 200 and own.json()["tenantId"] == t.b
