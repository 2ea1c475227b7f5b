"""Every endpoint in both namespaces against real clusters, and tenant data only on its node."""

from __future__ import annotations


import httpx
import pytest

from shim.request.admin import ACTIONS as ADMIN_ACTIONS
from shim.request.endpoints import ENDPOINTS
from tests.api_client import FED, LEGACY, VALIDATED, assert_error, validate_response, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, Gateway, bearer, http_client

CALLED: set[tuple[str, str]] = set()  # (namespace, operation) this module exercised


def _ns(prefix: str) -> str:
    return "federated" if prefix == FED else "legacy"


@pytest.fixture(scope="module")
def http(gateway: Gateway):
    with gateway.client(event_hooks={"response": [validate_response]}) as client:
        yield client


@pytest.fixture(scope="module", params=[FED, LEGACY], ids=["federated", "legacy"])
def prefix(request: pytest.FixtureRequest) -> str:
    return request.param


def test_catalog_endpoints(http: httpx.Client, prefix: str) -> None:
    regions = http.get(f"{prefix}/regions")
    assert regions.status_code == 200
    codes = {r["code"]: r for r in regions.json()["items"]}
    assert set(codes) == {"us-east", "eu-west", "ap-south"}
    assert codes["eu-west"]["activeNodes"] >= 1 and codes["eu-west"]["displayName"] == "EU West"
    assert "postgresql://" not in regions.text
    agents = http.get(f"{prefix}/agents")
    assert agents.status_code == 200
    assert {a["id"] for a in agents.json()["items"]} >= {"log-shipper", "metrics-agent"}
    providers = http.get(f"{prefix}/identity/providers")
    assert {p["id"] for p in providers.json()["items"]} == {"oidc", "saml", "ldap"}
    CALLED.update({(_ns(prefix), "listRegions"), (_ns(prefix), "listAgentTypes"), (_ns(prefix), "listIdentityProviders")})


def test_identity_validate(http: httpx.Client, prefix: str, federation: Federation) -> None:
    tenant = create_tenant(http, "ap-south", prefix=prefix)
    good = http.post(f"{prefix}/identity/validate", json={
        "type": "oidc", "tenantId": tenant,
        "config": {"issuer": "https://login.example.com", "clientId": "abc", "clientSecret": "s3cret"}})
    assert good.status_code == 200 and good.json() == {"valid": True, "type": "oidc", "errors": []}
    bad = http.post(f"{prefix}/identity/validate", json={"type": "saml", "config": {"ssoUrl": "http://x"}})
    assert bad.status_code == 200
    fields = {e["field"] for e in bad.json()["errors"]}
    assert bad.json()["valid"] is False and fields == {"config.entityId", "config.ssoUrl", "config.certificate"}
    activity = http.get(f"{prefix}/tenants/{tenant}/activity").json()["items"]
    assert activity[0]["kind"] == "identity.validated" and activity[0]["detail"]["valid"] is True
    assert "s3cret" not in str(activity)
    CALLED.update({(_ns(prefix), "validateIdentityProvider"), (_ns(prefix), "listTenantActivity")})


def test_bootstrap_lifecycle(http: httpx.Client, prefix: str, gateway: Gateway) -> None:
    """An operator creates the tenant; the tenant's own token does the rest, its agent enrolls with the
    kit alone and reports with the credential enrollment gave it."""
    tenant = create_tenant(http, "eu-west", prefix=prefix)
    as_tenant = bearer("tenant", tenant)
    status = http.get(f"{prefix}/bootstrap/status/{tenant}", headers=as_tenant).json()
    assert status["stage"] == "not_started"
    assert_error(http.get(f"{prefix}/bootstrap/meta/{tenant}", headers=as_tenant), 404, "FG404")

    kit = issue_kit(http, tenant, ["log-shipper", "metrics-agent"], prefix=prefix, headers=as_tenant, maxAgents=3)
    kit_id = kit.headers["X-Kit-Id"]
    files = unpack(kit.content, "zip")
    meta = http.get(f"{prefix}/bootstrap/meta/{tenant}", headers=as_tenant)
    assert meta.status_code == 200 and meta.content == files["metadata.json"]
    assert http.get(f"{prefix}/bootstrap/status/{tenant}", headers=as_tenant).json()["stage"] == "kit_issued"
    state = http.get(f"{prefix}/bootstrap/verify", params={"kitId": kit_id}, headers=as_tenant).json()
    assert state["state"] == "issued" and state["registeredAgents"] == []
    assert (state["maxAgents"], state["agentsEnrolled"]) == (3, 0)

    body = {"tenantId": tenant, "kitId": kit_id, "token": token_of(files, "log-shipper"),
            "hostname": "web-01.example.com", "agentType": "log-shipper", "version": "2.3.0"}
    with http_client(base_url=gateway.base_url, timeout=15, event_hooks={"response": [validate_response]}) as anon:
        verified = anon.post(f"{prefix}/bootstrap/verify", json=body)  # the kit's token is the credential
        assert verified.status_code == 200, verified.text
        agent_id, agent_token = verified.json()["agentId"], verified.json()["agentToken"]
        as_agent = {"Authorization": f"Bearer {agent_token}"}
        assert http.get(f"{prefix}/bootstrap/status/{tenant}", headers=as_tenant).json()["stage"] == "agent_verified"

        beat = anon.post(f"{prefix}/tenants/{tenant}/telemetry", headers=as_agent,
                         json={"agentId": agent_id, "cpuPercent": 12.5, "memoryMb": 256, "eventsSent": 40})
        assert beat.status_code == 201, beat.text
        refreshed = anon.post(f"{prefix}/agents/token", headers=as_agent)
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.json()["agentId"] == agent_id and refreshed.json()["agentToken"] != agent_token
        beat = anon.post(f"{prefix}/tenants/{tenant}/telemetry", json={"agentId": agent_id},
                         headers={"Authorization": f"Bearer {refreshed.json()['agentToken']}"})
        assert beat.status_code == 201, beat.text
    telemetry = http.get(f"{prefix}/tenants/{tenant}/telemetry", params={"window": "15m"}, headers=as_tenant).json()
    assert telemetry["heartbeats"] == 2 and telemetry["reportingAgents"] == 1 and telemetry["eventsSent"] == 40
    assert http.get(f"{prefix}/bootstrap/status/{tenant}", headers=as_tenant).json()["stage"] == "active"

    agents = http.get(f"{prefix}/tenants/{tenant}/agents", headers=as_tenant).json()
    assert agents["total"] == 1 and agents["items"][0]["hostname"] == "web-01.example.com"
    scan = http.get(f"{prefix}/bootstrap/scan", headers=as_tenant).json()  # the tenant comes from the token
    assert [f["kind"] for f in scan["findings"]] == ["version_drift"]  # 2.3.0 vs the catalog's 2.4.1
    revoked = http.post(f"{prefix}/bootstrap/kit/{kit_id}/revoke", headers=as_tenant)
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked", revoked.text
    assert http.get(f"{prefix}/bootstrap/verify", params={"kitId": kit_id}, headers=as_tenant).json()["state"] == "revoked"
    audit = http.get(f"{prefix}/bootstrap/audit/{tenant}", headers=as_tenant).json()["items"]
    assert [(a["event"], a["actor"]["role"]) for a in audit] == [
        ("kit.revoked", "tenant"), ("agent.credential", "agent"), ("kit.verify", "enrollment"), ("kit.issued", "tenant")]
    assert all(a["actor"]["address"] == "127.0.0.1" for a in audit)
    status = http.get(f"{prefix}/tenants/{tenant}/status", headers=as_tenant).json()
    assert status["agents"] == 1 and status["kits"] == 1
    with http_client(base_url=gateway.base_url, timeout=15, event_hooks={"response": [validate_response]}) as anon:
        gone = anon.delete(f"{prefix}/tenants/{tenant}/agents/{agent_id}", headers=as_tenant)
        assert gone.status_code == 200 and gone.json()["alreadyRevoked"] is False, gone.text
        assert_error(anon.post(f"{prefix}/tenants/{tenant}/telemetry", json={"agentId": agent_id},
                               headers={"Authorization": f"Bearer {refreshed.json()['agentToken']}"}), 401, "FG401")
    CALLED.update({(_ns(prefix), op) for op in (
        "createTenant", "issueBootstrapKit", "getBootstrapMeta", "getBootstrapStatus", "verifyBootstrapKit",
        "getKitVerification", "scanBootstrap", "getTenantTelemetry", "reportTenantTelemetry", "getTenantStatus",
        "listTenantAgents", "listBootstrapAudit", "revokeBootstrapKit", "refreshAgentToken", "revokeAgent")})


def test_pagination_newest_first_with_cursor(http: httpx.Client, federation: Federation) -> None:
    tenant = create_tenant(http, "ap-south")
    for i in range(7):
        http.post(f"{FED}/identity/validate", json={"type": "oidc", "tenantId": tenant, "config": {}})
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        page = http.get(f"{FED}/tenants/{tenant}/activity", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == 8 and seen == sorted(seen, reverse=True)  # 7 validations + tenant.created
    capped = http.get(f"{FED}/tenants/{tenant}/activity", params={"limit": "100000"}).json()
    assert capped["limit"] == 200
    assert_error(http.get(f"{FED}/tenants/{tenant}/activity", params={"cursor": "abc"}), 400, "FG400")


def test_federated_rows_live_only_on_the_tenants_node(http: httpx.Client, federation: Federation) -> None:
    tenant = create_tenant(http, "eu-west")
    kit = issue_kit(http, tenant, ["edr-sensor"], fmt="tar.gz")
    files = unpack(kit.content, "tar.gz")
    http.post(f"{FED}/bootstrap/verify", json={
        "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"], "token": token_of(files, "edr-sensor"),
        "hostname": "db-1", "agentType": "edr-sensor", "version": "5.2.3"}).raise_for_status()
    tables = ("tenant_activity", "agent_instances", "bootstrap_audit", "bootstrap_kits")
    for table in tables:
        assert federation.sql("eu-west-1", f"SELECT count(*) FROM onboarding.{table} WHERE tenant_id = %s", (tenant,))[0][0] > 0
        for other in ("ap-south-1", "default"):
            assert federation.sql(other, f"SELECT count(*) FROM onboarding.{table} WHERE tenant_id = %s", (tenant,)) == [(0,)]
    assert federation.sql("ap-south-1", "SELECT count(*) FROM onboarding.tenants WHERE id = %s", (tenant,)) == [(0,)]
    # The control database: the registry row only; its data plane holds nothing of the tenant.
    assert federation.catalog("SELECT count(*) FROM federation.tenant_registry WHERE id = %s", (tenant,)) == [(1,)]
    assert federation.catalog("SELECT count(*) FROM onboarding.tenants WHERE id = %s", (tenant,)) == [(0,)]


def test_every_endpoint_exists_in_both_namespaces(gateway: Gateway) -> None:
    expected = {(ns, e.name) for e in ENDPOINTS for ns in ("federated", "legacy")}
    assert len(ENDPOINTS) == 20  # the spec's sixteen, POST telemetry, kit revocation, agent credential refresh and revocation
    missing = expected - CALLED
    assert not missing, f"not exercised: {sorted(missing)}"
    # Every JSON answer above matched its OpenAPI schema, which allows no undeclared property.
    json_endpoints = {e.name for e in ENDPOINTS if e.flow_name != "issue_kit"}
    assert json_endpoints - VALIDATED == set()
    with gateway.client() as http:
        spec = http.get("/openapi.json").json()
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert len(operations) == 2 * len(ENDPOINTS) + len(ADMIN_ACTIONS)  # both namespaces, and the admin API
    assert {a.name for a in ADMIN_ACTIONS} <= operations
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    roles = {op["operationId"]: op["x-fedgate-roles"] for path in spec["paths"].values() for op in path.values()}
    assert roles["createTenant"] == ["operator"] and roles["legacy_getTenantStatus"] == ["operator", "tenant"]
    assert roles["reportTenantTelemetry"] == ["operator", "agent"] and roles["verifyBootstrapKit"] == []
    assert all(p.startswith((FED, LEGACY, "/admin/v1/")) for p in spec["paths"])
    assert all(roles[a.name] == ["operator"] for a in ADMIN_ACTIONS)
