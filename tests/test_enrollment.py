"""Agents: enrollment with a kit, the credential it returns, re-enrollment, kit limits and guessing."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import httpx
import pytest

from tests.api_client import FED, LEGACY, assert_error, create_tenant, log_shipper_kit, verify
from tests.federation import Federation, Gateway, bearer, http_client, start_gateway


@pytest.fixture()
def anon(gateway: Gateway) -> Iterator[httpx.Client]:
    with http_client(base_url=gateway.base_url, timeout=15) as client:
        yield client


def test_an_agent_reports_only_with_its_own_credential(gateway: Gateway, anon: httpx.Client) -> None:
    with gateway.client() as op:
        tenant = create_tenant(op)
        kit = log_shipper_kit(op, tenant)
    one, two = (verify(anon, tenant, kit, host).json() for host in ("web-1", "web-2"))
    url = f"{FED}/tenants/{tenant}/telemetry"
    as_one = {"Authorization": f"Bearer {one['agentToken']}"}
    assert anon.post(url, json={"agentId": one["agentId"]}, headers=as_one).status_code == 201
    # Another agent's credential, only an agent id, or the tenant's token: refused before any node.
    assert_error(anon.post(url, json={"agentId": two["agentId"]}, headers=as_one), 403, "FGW403")
    assert_error(anon.post(url, json={"agentId": one["agentId"]}), 401, "FGW401")
    assert_error(anon.post(url, json={"agentId": one["agentId"]}, headers=bearer("tenant", tenant)), 403, "FGW403")
    # An agent credential reads nothing of its tenant.
    assert_error(anon.get(f"{FED}/tenants/{tenant}/status", headers=as_one), 403, "FGW403")


def test_re_enrolling_a_host_needs_that_agents_credential(gateway: Gateway, anon: httpx.Client) -> None:
    with gateway.client() as op:
        tenant = create_tenant(op)
        kit = log_shipper_kit(op, tenant)
    first = verify(anon, tenant, kit, "db-1").json()
    other = verify(anon, tenant, kit, "db-2").json()
    taken = verify(anon, tenant, kit, "db-1")
    assert_error(taken, 409, "FG409")
    assert "needs that agent's credential" in taken.json()["message"]
    assert_error(verify(anon, tenant, kit, "db-1", headers={"Authorization": f"Bearer {other['agentToken']}"}),
                 409, "FG409")
    again = verify(anon, tenant, kit, "db-1", headers={"Authorization": f"Bearer {first['agentToken']}"})
    assert again.status_code == 200, again.text
    assert again.json()["agentId"] == first["agentId"] and again.json()["reenrolled"] is True


@pytest.mark.parametrize("prefix", [FED, LEGACY], ids=["federated", "legacy"])
def test_a_kit_enrolls_at_most_its_hosts_and_stops_when_revoked(gateway: Gateway, anon: httpx.Client,
                                                                 prefix: str) -> None:
    with gateway.client() as op:
        tenant = create_tenant(op, prefix=prefix)
        kit = log_shipper_kit(op, tenant, prefix=prefix, maxAgents=2)
        assert verify(anon, tenant, kit, "a-1", prefix).status_code == 200
        assert verify(anon, tenant, kit, "a-2", prefix).status_code == 200
        full = verify(anon, tenant, kit, "a-3", prefix)
        assert_error(full, 409, "FG409")
        assert full.json()["details"] == {"reason": "kit_exhausted"}
        assert_error(op.post(f"{prefix}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"],
                                                              "maxAgents": 5000}), 400, "FG400")
        second = log_shipper_kit(op, tenant, prefix=prefix)
        revoked = anon.post(f"{prefix}/bootstrap/kit/{second[0]}/revoke", headers=bearer("tenant", tenant))
        assert revoked.status_code == 200, revoked.text
        assert_error(verify(anon, tenant, second, "a-4", prefix), 410, "FG410")
        # Another tenant cannot revoke it, and cannot learn whether it exists.
        other = create_tenant(op, prefix=prefix)
        assert_error(anon.post(f"{prefix}/bootstrap/kit/{second[0]}/revoke?tenantId={tenant}",
                               headers=bearer("tenant", other)), 403, "FGW403")
        audit = op.get(f"{prefix}/bootstrap/audit/{tenant}").json()["items"]
    assert [a["detail"].get("reason") for a in audit if a["outcome"] == "failure"] == ["revoked", "kit_exhausted"]


def test_guessing_is_throttled_per_address_and_never_revokes_the_kit(federation: Federation, gateway: Gateway,
                                                                     tmp_path: Path) -> None:
    """Failed enrollments count per client address (here through one trusted proxy): a guesser is
    refused, the kit stays usable, another address enrolls with it."""
    with gateway.client() as op:
        tenant = create_tenant(op)
        kit = log_shipper_kit(op, tenant)
    federation.sql("eu-west-1", f"ALTER DATABASE {federation.name} SET fedgate.enrollment_failure_limit = 5")
    proxied = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_PROXIES_COUNT": "1"})
    try:
        with http_client(base_url=proxied.base_url, timeout=15) as http:
            guesser = {"X-Forwarded-For": "198.51.100.23"}
            for i in range(12):
                resp = verify(http, tenant, (kit[0], f"guess-{i}"), "g-1", headers=guesser)
                assert resp.status_code in (401, 429)
            throttled = verify(http, tenant, kit, "g-1", headers=guesser)
            assert_error(throttled, 429, "FG429")
            assert throttled.headers["Retry-After"] == "60"
            other = verify(http, tenant, kit, "g-1", headers={"X-Forwarded-For": "203.0.113.50"})
            assert other.status_code == 200, other.text
            state = http.get(f"{FED}/bootstrap/verify", params={"kitId": kit[0], "tenantId": tenant},
                             headers=bearer()).json()
        assert state["state"] == "verified" and state["revokedAt"] is None and state["failedAttempts"] == 5
        audit = federation.sql("eu-west-1", "SELECT actor ->> 'address' FROM onboarding.bootstrap_audit "
                                            "WHERE tenant_id = %s AND outcome = 'failure'", (tenant,))
        assert {row[0] for row in audit} == {"198.51.100.23"}
    finally:
        proxied.stop()
        federation.sql("eu-west-1", f"ALTER DATABASE {federation.name} RESET fedgate.enrollment_failure_limit")
