"""Suspending a tenant: an operator action (CLI and SQL); its writes and kit issuance are refused with
a clear error, its reads are served, and resuming gives everything back."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from tests.api_client import FED, LEGACY, assert_error, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, Gateway, bearer, http_client


def _fedgate(federation: Federation, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shim.cli", *args, "--database-url", federation.control_url],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))


def test_a_suspended_tenant_reads_but_does_not_write(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as op:
        tenant = create_tenant(op, "eu-west")
        kit = issue_kit(op, tenant, ["log-shipper"])
        kit_id, token = kit.headers["X-Kit-Id"], token_of(unpack(kit.content, "zip"), "log-shipper")
    as_tenant = bearer("tenant", tenant)
    with http_client(base_url=gateway.base_url, timeout=15) as http:
        def enroll(host: str) -> httpx.Response:
            return http.post(f"{FED}/bootstrap/verify", json={
                "tenantId": tenant, "kitId": kit_id, "token": token, "hostname": host, "agentType": "log-shipper",
                "version": "2.4.1"})

        agent = enroll("s-1").json()
        as_agent = {"Authorization": f"Bearer {agent['agentToken']}"}

        done = _fedgate(federation, "tenant", "suspend", tenant, "--reason", "unpaid invoice")
        assert done.returncode == 0, done.stderr
        assert "suspended" in done.stdout and "eu-west-1" in done.stdout
        assert federation.catalog("SELECT status FROM federation.tenant_registry WHERE id = %s", (tenant,)) == \
            [("suspended",)]

        status = http.get(f"{FED}/tenants/{tenant}/status", headers=as_tenant)
        assert status.status_code == 200 and status.json()["status"] == "suspended"
        refused = http.post(f"{FED}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"]},
                            headers=as_tenant)
        body = assert_error(refused, 423, "FG423")
        assert "suspended" in body["message"]
        assert_error(http.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": agent["agentId"]},
                               headers=as_agent), 423, "FG423")
        assert_error(enroll("s-2"), 423, "FG423")
        assert_error(http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant},
                               headers=as_tenant), 423, "FG423")
        activity = http.get(f"{FED}/tenants/{tenant}/activity", headers=as_tenant).json()["items"]
        assert activity[0]["kind"] == "tenant.suspended" and activity[0]["detail"]["reason"] == "unpaid invoice"
        assert activity[0]["actor"]["sub"].startswith("fedgate-cli:")

        assert _fedgate(federation, "tenant", "resume", tenant).returncode == 0
        assert http.post(f"{FED}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"]},
                         headers=as_tenant).status_code == 201
        assert http.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": agent["agentId"]},
                         headers=as_agent).status_code == 201


def test_a_legacy_tenant_is_suspended_on_the_default_node(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as op:
        tenant = create_tenant(op, "us-east", prefix=LEGACY)
        done = _fedgate(federation, "tenant", "suspend", tenant)
        assert done.returncode == 0 and "node default" in done.stdout, done.stderr
        assert_error(op.post(f"{LEGACY}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"]}),
                     423, "FG423")
    unknown = _fedgate(federation, "tenant", "suspend", "00000000-0000-4000-8000-000000000000")
    assert unknown.returncode == 1 and "FG404" in unknown.stderr
