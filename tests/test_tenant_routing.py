"""A federated tenant lands on its region's node, and reads back through every tenant-id source."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.federation import Federation, Gateway, start_gateway

FED = "/federation/api/onboarding"
LEGACY = "/api/onboarding"


def _create(gateway: Gateway, region: str, name: str | None = None) -> dict:
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", json={"name": name or f"t-{uuid.uuid4().hex[:8]}",
                                                 "region": region, "contactEmail": "ops@example.com"})
    assert resp.status_code == 201, resp.text
    return resp.json() | {"_node": resp.headers["X-Federation-Node"]}


def test_federated_tenant_lives_on_its_region_node_only(gateway: Gateway, federation: Federation) -> None:
    tenant = _create(gateway, "eu-west")
    tid = tenant["tenantId"]
    assert tenant["_node"] == "eu-west-1"
    assert tenant["region"] == "eu-west"

    on_eu = federation.sql("eu-west-1", "SELECT name, contact_email, status FROM onboarding.tenants WHERE id = %s", (tid,))
    assert on_eu == [(tenant["name"], "ops@example.com", "active")]
    assert federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.tenant_activity WHERE tenant_id = %s", (tid,)) == [(1,)]
    assert federation.sql("ap-south-1", "SELECT count(*) FROM onboarding.tenants WHERE id = %s", (tid,)) == [(0,)]
    # The control database keeps only the registry row: no profile, no activity.
    assert federation.catalog("SELECT name, region, status FROM federation.tenant_registry WHERE id = %s",
                              (tid,)) == [(tenant["name"], "eu-west", "active")]
    assert federation.catalog("SELECT count(*) FROM onboarding.tenants WHERE id = %s", (tid,)) == [(0,)]
    assert federation.catalog("SELECT count(*) FROM onboarding.tenant_activity WHERE tenant_id = %s", (tid,)) == [(0,)]
    assert federation.catalog(
        "SELECT primary_node_id, primary_region FROM federation.tenant_federation_map WHERE tenant_id = %s",
        (tid,)) == [("eu-west-1", "eu-west")]
    assert federation.catalog(
        "SELECT region, node_id, is_primary FROM federation.federation_routing WHERE tenant_id = %s",
        (tid,)) == [("eu-west", "eu-west-1", True)]


@pytest.mark.parametrize("source", ["path", "query", "header"])
def test_status_reads_back_from_every_tenant_source(gateway: Gateway, source: str) -> None:
    tenant = _create(gateway, "ap-south")
    tid = tenant["tenantId"]
    with gateway.client() as http:
        if source == "path":
            resp = http.get(f"{FED}/tenants/{tid}/status")
        elif source == "query":
            resp = http.get(f"{FED}/tenants/{tid}/status", params={"tenantId": tid})
        else:
            resp = http.get(f"{FED}/tenants/{tid}/status", headers={"X-Tenant-ID": tid.upper()})
    assert resp.status_code == 200, resp.text
    assert resp.json()["tenantId"] == tid
    assert resp.json()["contactEmail"] == "ops@example.com"  # only the node has it
    assert resp.headers["X-Federation-Node"] == "ap-south-1"
    assert resp.headers["X-Federation-Region"] == "ap-south"
    assert resp.headers["X-Federation-Reason"] == "tenant_primary"


@pytest.mark.parametrize("where", ["query", "header"])
def test_a_tenant_in_the_query_or_header_alone_is_routed(gateway: Gateway, where: str) -> None:
    tid = _create(gateway, "ap-south")["tenantId"]
    with gateway.client() as http:
        if where == "query":
            resp = http.get(f"{FED}/bootstrap/scan", params={"tenantId": tid})
        else:
            resp = http.get(f"{FED}/bootstrap/scan", headers={"X-Tenant-ID": tid})
    assert resp.status_code == 200, resp.text
    assert resp.json()["tenantId"] == tid
    assert resp.headers["X-Federation-Node"] == "ap-south-1"


def test_legacy_routes_use_the_default_node(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        created = http.post(f"{LEGACY}/tenants", json={"name": f"legacy-{uuid.uuid4().hex[:6]}", "region": "eu-west"})
        assert created.status_code == 201, created.text
        tid = created.json()["tenantId"]
        assert created.headers["X-Federation-Node"] == "default"
        status = http.get(f"{LEGACY}/tenants/{tid}/status")
        assert status.status_code == 200 and status.headers["X-Federation-Node"] == "default"
        # Unmapped: the federated route sends it to the default node too.
        federated = http.get(f"{FED}/tenants/{tid}/status", params={"region": "eu-west"})
    assert federated.status_code == 200
    assert federated.headers["X-Federation-Reason"] == "default_unmapped"
    assert federation.catalog("SELECT count(*) FROM federation.tenant_federation_map WHERE tenant_id = %s", (tid,)) == [(0,)]
    assert federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.tenants WHERE id = %s", (tid,)) == [(0,)]


def test_region_other_than_primary_without_rules_goes_to_primary(gateway: Gateway) -> None:
    tid = _create(gateway, "eu-west")["tenantId"]
    with gateway.client() as http:
        resp = http.get(f"{FED}/tenants/{tid}/status", headers={"X-Region": "ap-south"})
    assert resp.status_code == 200
    assert resp.headers["X-Federation-Node"] == "eu-west-1"


def test_unknown_tenant_is_404_in_the_error_shape(gateway: Gateway) -> None:
    with gateway.client() as http:
        resp = http.get(f"{FED}/tenants/{uuid.uuid4()}/status")
    assert resp.status_code == 404
    assert set(resp.json()) == {"code", "message", "details", "hint"}
    assert resp.json()["code"] == "FG404"


def test_duplicate_name_is_409_and_leaves_nothing_behind(gateway: Gateway, federation: Federation) -> None:
    name = f"dup-{uuid.uuid4().hex[:8]}"
    _create(gateway, "eu-west", name)
    before = federation.catalog("SELECT count(*) FROM federation.tenant_registry")
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", json={"name": name.upper(), "region": "ap-south"})
    assert resp.status_code == 409
    assert resp.json()["code"] == "23505"
    assert federation.catalog("SELECT count(*) FROM federation.tenant_registry") == before


def test_cors_is_off_unless_origins_are_named(gateway: Gateway, federation: Federation, tmp_path: Path) -> None:
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    with gateway.client() as http:  # the default: no origin is allowed
        resp = http.options(f"{FED}/tenants", headers=preflight)
        assert "Access-Control-Allow-Origin" not in resp.headers
        # A cross-site simple request (text/plain) creates nothing, token or not.
        before = federation.catalog("SELECT count(*) FROM federation.tenant_registry")
        plain = http.post(f"{FED}/tenants", content=b'{"name": "csrf", "region": "eu-west"}',
                          headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
        assert plain.status_code == 415 and plain.json()["code"] == "FGW415"
        assert federation.catalog("SELECT count(*) FROM federation.tenant_registry") == before
    named = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_CORS_ORIGIN": "https://app.example"})
    try:
        with named.client() as http:
            resp = http.options(f"{FED}/tenants", headers=preflight)
            assert resp.status_code == 204 and resp.headers["Access-Control-Allow-Origin"] == "https://app.example"
            allowed = resp.headers["Access-Control-Allow-Headers"]
            assert "X-Tenant-ID" in allowed and "X-Region" in allowed and "Authorization" in allowed
            other = http.options(f"{FED}/tenants", headers={**preflight, "Origin": "https://evil.example"})
            assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        named.stop()


def test_the_legacy_namespace_never_serves_a_federated_tenant(gateway: Gateway, federation: Federation) -> None:
    """A tenant that lives on eu-west-1: the legacy namespace (the default database) refuses it, naming
    the federated path, and writes nothing there; an unmapped tenant is served as before."""
    from tests.api_client import LEGACY, create_tenant

    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        kit = http.post(f"{LEGACY}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"]})
        assert kit.status_code == 409 and kit.json()["code"] == "FGW409", kit.text
        assert kit.json()["details"] == {"federatedPath": f"{FED}/bootstrap/kit"}
        status = http.get(f"{LEGACY}/tenants/{tenant}/status")
        assert status.status_code == 409 and status.json()["details"]["federatedPath"] == f"{FED}/tenants/{tenant}/status"
        assert federation.sql("default", "SELECT count(*) FROM onboarding.bootstrap_kits WHERE tenant_id = %s",
                              (tenant,)) == [(0,)]
        assert http.post(f"{FED}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"]}).status_code == 201
        legacy = create_tenant(http, "us-east", prefix=LEGACY)
        assert http.get(f"{LEGACY}/tenants/{legacy}/status").status_code == 200


def test_a_rule_to_a_node_without_the_tenant_is_503_not_404(gateway: Gateway, federation: Federation) -> None:
    """A tenant of eu-west-1 with a rule for its ap-south requests naming ap-south-1 (which holds none of its
    rows): the request that rule routes is answered 503 FGW513 naming the tenant's node, never a 404 that
    says the tenant does not exist; a truly unknown tenant is still 404."""
    tid = _create(gateway, "eu-west")["tenantId"]
    # As an earlier release let anyone add it (add_route now refuses it: see sql/tests/add_route).
    federation.catalog("INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary) "
                       "VALUES (%s, 'ap-south', 'ap-south-1', true)", (tid,))
    try:
        with gateway.client() as http:
            answer = http.get(f"{FED}/tenants/{tid}/status", headers={"X-Region": "ap-south"})
            assert answer.status_code == 503 and answer.json()["code"] == "FGW513", answer.text
            assert "eu-west-1" in answer.json()["message"] and answer.headers["Retry-After"]
            unknown = http.get(f"{FED}/tenants/{uuid.uuid4()}/status")
            assert unknown.status_code == 404, unknown.text
    finally:
        doctor = subprocess.run([sys.executable, "-m", "shim.cli", "doctor", "--database-url", federation.control_url],
                                capture_output=True, text=True, timeout=60)
        assert doctor.returncode == 1 and tid in doctor.stdout and "eu-west-1" in doctor.stdout, doctor.stdout
        federation.catalog("SELECT federation.remove_route(%s, 'ap-south', 'ap-south-1')", (tid,))
