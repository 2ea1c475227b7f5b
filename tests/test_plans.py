"""Plans of moves between real clusters: every legacy tenant home with `fedgate legacy migrate --parallel 3`
while clients use five of them, the command killed halfway and run again; a region whose first node holds
80% of the rows evened out by `fedgate rebalance`, a pinned tenant left where it is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from shim.actions.jobs import Pace
from shim.cli import main
from tests.api_client import FED, LEGACY, assert_error, create_tenant
from tests.federation import Federation, bearer, create_database, make_federation, start_gateway
from tests.test_moves import Clients
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

ADMIN = "/admin/v1"
FAST_JOBS = {"FEDGATE_JOB_LEASE": "2", "FEDGATE_JOB_POLL": "0.2", "FEDGATE_TENANT_WRITE_RPS": "0"}


def _fedgate(federation: Federation, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "shim.cli", *args, "--database-url", federation.control_url],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **FAST_JOBS})


def _finished(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str]:
    out, _ = process.communicate(timeout=timeout)
    return process.returncode, out


def _add_node(federation: Federation, cluster: Any, node_id: str, region: str) -> None:
    url = create_database(cluster, f"{federation.name}_{node_id.replace('-', '_')}")
    federation.catalog("SELECT federation.add_node(%s, %s, %s)", (node_id, region, url))
    federation.urls[node_id] = url


def _gauge(http: httpx.Client, series: str) -> float:
    for line in http.get("/metrics").text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def _tenant_rows(federation: Federation, node: str) -> dict[str, int]:
    return {str(t): int(n) for t, n in federation.sql(node, "SELECT * FROM onboarding.tenant_sizes()")}


def test_every_legacy_tenant_goes_home_in_a_plan_killed_halfway(clusters: list[Any], tmp_path: Path) -> None:
    federation = make_federation(clusters)
    _add_node(federation, clusters[0], "us-east-2", "us-east")  # the default node's region has a node of its own
    # The clients' calls are not what is measured: on a 2-core machine running the whole suite they can
    # average more than FEDGATE_TENANT_SLOW_MS, and the gateway's clamp on a slow tenant (one slot, held
    # after each call) answered a client 429 once while the other of its tenant held the slot.
    gw = start_gateway(federation.control_url, tmp_path, env={**FAST_JOBS, "FEDGATE_TENANT_SLOW_MS": "60000"})
    clients = Clients(gw.base_url)
    try:
        with gw.client() as http:
            regions = ("us-east", "eu-west", "ap-south")
            tenants = {create_tenant(http, regions[i % 3], prefix=LEGACY): regions[i % 3] for i in range(20)}
            dry = http.post(f"{ADMIN}/legacy/migrate", json={"dryRun": True})
            assert dry.status_code == 200 and len(dry.json()["moves"]) == 20, dry.text
        called = list(tenants)[:5]
        for tenant in called:  # a write and a read every 40 ms each, through the namespace that follows the tenant
            clients.run("validations", bearer("tenant", tenant), lambda c, i, t=tenant: c.post(
                f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": t}), every=0.04)
            clients.run("reads", bearer("tenant", tenant), lambda c, i, t=tenant: c.get(f"{FED}/tenants/{t}/status"),
                        every=0.04)
        first = _fedgate(federation, "legacy", "migrate", "--parallel", "3")
        wait_until(lambda: federation.catalog("SELECT coalesce(max(done), 0) FROM federation.federation_plans "
                                              "WHERE kind = 'legacy'")[0][0] >= 6, "a third of the plan done",
                   timeout=120)
        with gw.client() as http:  # the health checker's gauges follow the open plan
            wait_until(lambda: _gauge(http, 'fedgate_plan_moves{kind="legacy",state="done"}') >= 1,
                       "the plan's moves done in the metrics", every=0.2)
            assert _gauge(http, 'fedgate_plan_rows{kind="legacy",what="planned"}') >= 20
        first.send_signal(signal.SIGKILL)  # halfway: its moves in flight are left to whoever drives the plan next
        _, killed_out = _finished(first)
        done_before = federation.catalog("SELECT done FROM federation.federation_plans WHERE kind = 'legacy'")[0][0]
        code, out = _finished(_fedgate(federation, "legacy", "migrate", "--parallel", "3"))
        assert code == 0, killed_out + out
        assert "resumed" in out and "20 of 20 moves done" in out, out
    finally:
        clients.finish()
        gw.stop()
    assert not clients.failures, clients.failures[:5]
    homes = dict(federation.catalog(
        "SELECT m.tenant_id::text, n.region::text FROM federation.tenant_federation_map m "
        "JOIN federation.federation_nodes n ON n.node_id = m.primary_node_id WHERE n.node_id <> 'default'"))
    assert homes == tenants  # every one on a node of its home region
    assert _tenant_rows(federation, "default") == {}  # the default node holds no tenant row
    [(state, moves, done)] = federation.catalog("SELECT state, moves, done FROM federation.federation_plans "
                                                "WHERE kind = 'legacy'")
    assert (state, moves, done) == ("done", 20, 20)
    assert federation.catalog("SELECT count(*), count(DISTINCT tenant_id) FROM federation.federation_moves") == \
        [(20, 20)]  # no move made twice
    for tenant in called:  # every acknowledged write on its home node
        node = federation.catalog("SELECT primary_node_id FROM federation.tenant_federation_map WHERE tenant_id = %s",
                                  (tenant,))[0][0]
        assert federation.sql(node, "SELECT count(*) FROM onboarding.tenant_activity WHERE tenant_id = %s "
                                    "AND kind = 'identity.validated'", (tenant,))[0][0] > 0
    acked = clients.acked.get("validations", 0)
    written = sum(federation.sql(n, "SELECT count(*) FROM onboarding.tenant_activity WHERE kind = "
                                    "'identity.validated' AND tenant_id = ANY(%s::uuid[])", (called,))[0][0]
                  for n in ("us-east-2", "eu-west-1", "ap-south-1"))
    assert written == acked, (written, acked)
    [(took, longest, span)] = federation.catalog(
        "SELECT round(avg(extract(epoch FROM finished_at - started))::numeric, 2), "
        "round(max(extract(epoch FROM finished_at - started))::numeric, 2), "
        "round(extract(epoch FROM max(finished_at) - min(started))::numeric, 1) FROM federation.federation_moves")
    print(f"legacy plan: 20 tenants home, {done_before} done when the command was killed, {acked} writes and "
          f"{clients.acked.get('reads', 0)} reads acknowledged meanwhile, 0 failed; a move took {took} s on "
          f"average ({longest} s at most), {span} s from the first move's start to the last one's end")


def test_a_region_is_rebalanced_by_rows(federation: Federation, clusters: list[Any], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={**FAST_JOBS, "FEDGATE_LOAD_INTERVAL": "3600"})
    try:
        with gw.client() as http:
            crowded = [create_tenant(http, "eu-west") for _ in range(16)]  # all on eu-west-1, its only node
            _add_node(federation, clusters[1], "eu-west-2", "eu-west")
            _add_node(federation, clusters[2], "eu-west-3", "eu-west")
            newcomers = [create_tenant(http, "eu-west") for _ in range(2)]  # to the nodes with no load
            # 70 to 130 rows each on eu-west-1 (1,600 of 2,000 rows: 80%), 200 on each newcomer's node.
            sizes = {t: (70, 90, 110, 130)[i % 4] for i, t in enumerate(crowded)} | {t: 200 for t in newcomers}
            for tenant, size in sizes.items():
                node = federation.catalog("SELECT primary_node_id FROM federation.tenant_federation_map "
                                          "WHERE tenant_id = %s", (tenant,))[0][0]
                have = _tenant_rows(federation, node)[tenant]
                federation.sql(node, "INSERT INTO onboarding.tenant_activity (tenant_id, kind) "
                                     "SELECT %s, 'bulk.seed' FROM generate_series(1, %s)", (tenant, size - have))
            assert sorted(federation.catalog("SELECT primary_node_id FROM federation.tenant_federation_map "
                                             "WHERE tenant_id = ANY(%s::uuid[])", (newcomers,))) == \
                [("eu-west-2",), ("eu-west-3",)]
            assert http.put(f"{ADMIN}/tenants/{crowded[0]}/pin", json={"pinned": True}).json()["pinned"] is True
            assert http.put(f"{ADMIN}/nodes/eu-west-3/capacity", json={"capacity": 1}).json()["capacity"] == 1
            assert_error(http.put(f"{ADMIN}/nodes/eu-west-3/capacity", json={"capacity": 0}), 400, "FGW111")
            assert_error(http.post(f"{ADMIN}/rebalance", json={"by": "disk"}), 400, "FGW111")
            assert_error(http.post(f"{ADMIN}/legacy/migrate", json={"parallel": 17}), 400, "FGW111")
            nothing = http.post(f"{ADMIN}/legacy/migrate", json={"dryRun": True})  # no tenant on the default node
            assert (nothing.status_code, nothing.json()["moves"]) == (200, []), nothing.text
            wait_until(lambda: federation.catalog("SELECT load_measured_at IS NOT NULL FROM "
                                                  "federation.federation_node_status WHERE node_id = 'eu-west-1'")
                       == [(True,)], "the health checker measured eu-west-1's load")
            preview = http.post(f"{ADMIN}/rebalance", json={"region": "eu-west", "by": "rows", "dryRun": True})
            assert preview.status_code == 200, preview.text
            before = {r["node_id"]: r["load_before"] for r in preview.json()["spread"]}
            assert before == {"eu-west-1": 1600, "eu-west-2": 200, "eu-west-3": 200}, preview.text
            assert all(r["within_after"] for r in preview.json()["spread"]), preview.text
            planned = len(preview.json()["moves"])
        assert main(["rebalance", "--region", "eu-west", "--dry-run", "--database-url", federation.control_url]) == 0
        shown = capsys.readouterr().out
        assert f"{planned} moves" in shown and "load_before" in shown and "nothing recorded" in shown, shown
        code, out = _finished(_fedgate(federation, "rebalance", "--region", "eu-west", "--by", "rows",
                                       "--parallel", "3"))
        assert code == 0, out
        with gw.client() as http:
            for tenant in crowded + newcomers:
                assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
            plan = http.get(f"{ADMIN}/plans").json()["items"][0]
            assert (plan["kind"], plan["state"], plan["moves"], plan["done"]) == ("rebalance", "done", planned, planned)
        url = ["--database-url", federation.control_url]
        assert main(["plan", "show", str(plan["plan_id"]), *url]) == 0
        shown = capsys.readouterr().out
        assert "state: done" in shown and shown.count(" done ") >= planned, shown
        assert main(["node", "set-capacity", "eu-west-3", "2", *url]) == 0 and "eu-west-3" in capsys.readouterr().out
        assert main(["tenant", "pin", crowded[0], "--off", *url]) == 0 and "False" in capsys.readouterr().out
    finally:
        gw.stop()
    after = {node: sum(_tenant_rows(federation, node).values()) for node in ("eu-west-1", "eu-west-2", "eu-west-3")}
    assert sum(after.values()) == 2000
    assert all(abs(rows - 2000 / 3) <= 0.1 * 2000 / 3 for rows in after.values()), after
    assert federation.catalog("SELECT primary_node_id FROM federation.tenant_federation_map WHERE tenant_id = %s",
                              (crowded[0],)) == [("eu-west-1",)]  # pinned: stayed
    moved = federation.catalog("SELECT count(*), sum(rows_copied) FROM federation.federation_moves m "
                               "JOIN federation.jobs j ON j.move_id = m.move_id WHERE j.parent_id = %s",
                               (plan["plan_id"],))[0]
    print(f"rebalance eu-west by rows: before {before}, after {after}; {moved[0]} moves, {moved[1]} rows moved")


def test_a_pace_spaces_moves_by_their_rows() -> None:
    now = [0.0]
    pace = Pace(100, threading.Event(), clock=lambda: now[0])  # 100 rows a second
    assert pace.turn(50) == 0.0  # the first move starts at once
    assert pace.turn(50) == 0.5  # the next waits for the first's 50 rows
    assert pace.turn(100) == 1.0  # and the one after for both
    now[0] = 5.0
    assert pace.turn(10) == 0.0  # time without moves is not saved up for a burst
    assert Pace(None, threading.Event()).turn(10**9) == 0.0  # no pace: never waits
    stopping = threading.Event()
    stopping.set()
    assert not Pace(1, stopping).wait(10**6)  # a driver that stops does not wait out its turn
