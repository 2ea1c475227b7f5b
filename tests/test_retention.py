"""Heartbeat retention: the deployment's checker sweeps heartbeats older than
fedgate.heartbeat_retention off every node, in batches, while agents keep writing."""

from __future__ import annotations

import time
from pathlib import Path


from tests.api_client import FED, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, http_client, start_gateway


def test_the_checker_sweeps_old_heartbeats_and_keeps_new_ones(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_SWEEP_INTERVAL": "1"})
    try:
        with gw.client() as op:
            tenant = create_tenant(op, "eu-west")
            kit = issue_kit(op, tenant, ["log-shipper"])
        with http_client(base_url=gw.base_url, timeout=15) as http:
            agent = http.post(f"{FED}/bootstrap/verify", json={
                "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"],
                "token": token_of(unpack(kit.content, "zip"), "log-shipper"), "hostname": "r-1",
                "agentType": "log-shipper", "version": "2.4.1"}).json()
            federation.sql("eu-west-1", """
                INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at)
                SELECT %s, %s, now() - interval '31 days' - i * interval '1 second' FROM generate_series(1, 12000) i""",
                           (tenant, agent["agentId"]))
            as_agent = {"Authorization": f"Bearer {agent['agentToken']}"}
            deadline = time.monotonic() + 15
            while True:  # agents keep reporting while the sweeper works
                assert http.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": agent["agentId"]},
                                 headers=as_agent).status_code == 201
                old = federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.agent_heartbeats "
                                                  "WHERE tenant_id = %s AND reported_at < now() - interval '30 days'",
                                     (tenant,))[0][0]
                if old == 0:
                    break
                assert time.monotonic() < deadline, f"{old} heartbeats past their retention are still there"
                time.sleep(0.2)
        recent = federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.agent_heartbeats WHERE tenant_id = %s",
                                (tenant,))[0][0]
        assert recent >= 1
    finally:
        gw.stop()
