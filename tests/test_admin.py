"""The admin API, /admin/v1: every action for an operator, refused to anyone else, each doing what the
CLI's SQL does; moves started, watched and aborted over HTTP."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from shim.request.admin import ACTIONS
from tests.api_client import FED, LEGACY, assert_error, create_tenant
from tests.federation import Federation, Gateway, bearer, create_database, start_gateway
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

ADMIN = "/admin/v1"


@pytest.fixture(scope="module")
def admin_gateway(federation: Federation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gw = start_gateway(federation.control_url, tmp_path_factory.mktemp("admin"),
                       env={"FEDGATE_TENANT_STATS_INTERVAL": "1", "FEDGATE_HEALTH_INTERVAL": "0.5"})
    try:
        yield gw
    finally:
        gw.stop()


def _every_action(tenant: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", "/gateways", None),
        ("GET", "/nodes", None), ("POST", "/nodes", {"nodeId": "x-1", "region": "eu-west", "databaseUrl": "env:NONE"}),
        ("POST", "/nodes/ap-south-1/status", {"status": "active"}), ("POST", "/nodes/ap-south-1/drain", {}),
        ("GET", f"/tenants/{tenant}/routes", None),
        ("POST", f"/tenants/{tenant}/routes", {"region": "eu-west", "nodeId": "eu-west-1"}),
        ("DELETE", f"/tenants/{tenant}/routes/eu-west/eu-west-1", None), ("GET", f"/tenants/{tenant}/explain", None),
        ("POST", f"/tenants/{tenant}/suspend", {}), ("POST", f"/tenants/{tenant}/resume", {}),
        ("GET", "/tenant-stats", None), ("POST", "/moves", {"tenantId": tenant, "to": "ap-south-1"}),
        ("GET", "/moves", None), ("GET", "/moves/1", None), ("POST", "/moves/1/abort", None),
        ("POST", "/moves/1/resume", None), ("POST", "/moves/1/reverse", None), ("POST", "/moves/1/forward", None),
        ("POST", "/moves/1/complete", None), ("GET", "/jobs", None), ("GET", "/jobs/1", None),
        ("GET", f"/tenants/{tenant}/limits", None), ("PUT", f"/tenants/{tenant}/limits", {"requestsPerSecond": 5}),
        ("DELETE", f"/tenants/{tenant}/limits", None), ("GET", f"/tenants/{tenant}/residency", None),
        ("PUT", f"/tenants/{tenant}/residency", {"regions": ["eu-west"]}), ("GET", "/legacy", None),
        ("PUT", "/legacy/sunset", {"date": None}), ("POST", "/legacy/off", {"tenantId": tenant}),
        ("POST", "/legacy/on", {"tenantId": tenant}), ("POST", "/legacy/migrate", {"dryRun": True}),
        ("POST", "/rebalance", {"dryRun": True}), ("GET", "/plans", None), ("GET", "/plans/1", None),
        ("PUT", "/nodes/ap-south-1/capacity", {"capacity": 2}), ("PUT", f"/tenants/{tenant}/pin", {"pinned": True})]


def test_only_operators_reach_the_admin_api(admin_gateway: Gateway, federation: Federation) -> None:
    with admin_gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        actions = _every_action(tenant)
        assert len(actions) == len(ACTIONS)  # one request for each action
        for method, path, body in actions:
            for headers, status in (({"Authorization": ""}, 401), (bearer("tenant", tenant), 403),
                                    ({"Authorization": "Bearer not-a-jwt"}, 401)):
                resp = http.request(method, ADMIN + path, json=body, headers=headers)
                assert_error(resp, status, "FGW401" if status == 401 else "FGW403")
    # Nothing was done: the tenant is active, ap-south-1 too, no move, no rule.
    assert federation.catalog("SELECT status FROM federation.tenant_registry WHERE id = %s", (tenant,)) == [("active",)]
    assert federation.catalog("SELECT status FROM federation.federation_nodes WHERE node_id = 'ap-south-1'") == \
        [("active",)]
    assert federation.catalog("SELECT count(*) FROM federation.tenant_moves") == [(0,)]
    assert federation.catalog("SELECT count(*) FROM federation.tenant_limits") == [(0,)]


def test_nodes_routes_and_explanations(admin_gateway: Gateway, federation: Federation) -> None:
    with admin_gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        http.get(f"{FED}/tenants/{tenant}/status").raise_for_status()  # eu-west-1's pool opens
        nodes = http.get(f"{ADMIN}/nodes")
        assert nodes.status_code == 200
        by_id = {n["node_id"]: n for n in nodes.json()["items"]}
        assert set(by_id) == {"default", "eu-west-1", "ap-south-1"}
        assert by_id["eu-west-1"]["tenants"] >= 1 and by_id["eu-west-1"]["region"] == "eu-west"
        assert by_id["eu-west-1"]["pool"]["size"] >= 1
        for url in federation.urls.values():  # never a database URL
            assert url not in nodes.text
        assert "database_url" not in nodes.text

        assert http.post(f"{ADMIN}/nodes/ap-south-1/status", json={"status": "draining"}).json()["status"] == "draining"
        assert federation.catalog("SELECT status FROM federation.federation_nodes WHERE node_id = 'ap-south-1'") == \
            [("draining",)]
        assert http.post(f"{ADMIN}/nodes/ap-south-1/status", json={"status": "active"}).status_code == 200
        assert_error(http.post(f"{ADMIN}/nodes/ap-south-1/status", json={"status": "asleep"}), 400, "FGW111")
        assert_error(http.post(f"{ADMIN}/nodes/nowhere/status", json={"status": "down"}), (404, 400))
        assert_error(http.post(f"{ADMIN}/nodes/ap-south-1/status", content=b"status=down",
                               headers={"Content-Type": "text/plain"}), 415, "FGW415")

        refused = http.post(f"{ADMIN}/tenants/{tenant}/routes", json={"region": "ap-south", "nodeId": "ap-south-1"})
        assert refused.status_code == 409 and "--shared-data" in refused.json()["hint"], refused.text  # not its node
        added = http.post(f"{ADMIN}/tenants/{tenant}/routes", json={"region": "ap-south", "nodeId": "ap-south-1",
                                                                     "weight": 40, "sharedData": True})
        assert added.status_code == 201 and added.json()["shared_data"] is True, added.text
        routes = http.get(f"{ADMIN}/tenants/{tenant}/routes").json()["items"]
        assert {(r["region"], r["node_id"], r["weight"]) for r in routes} >= {("ap-south", "ap-south-1", 40)}
        explained = http.get(f"{ADMIN}/tenants/{tenant}/explain", params={"region": "ap-south"}).json()
        assert any(step["node_id"] == "ap-south-1" and step["decision"] for step in explained["steps"]), explained
        assert http.delete(f"{ADMIN}/tenants/{tenant}/routes/ap-south/ap-south-1").json() == {"removed": True}
        assert_error(http.delete(f"{ADMIN}/tenants/{tenant}/routes/ap-south/ap-south-1"), 404, "FGW404")
        assert_error(http.get(f"{ADMIN}/tenants/not-a-uuid/routes"), 400, "FGW101")
        assert_error(http.post(f"{ADMIN}/tenants/{tenant}/routes", json={"region": "EU WEST", "nodeId": "eu-west-1"}),
                     400, "FGW111")


def test_suspend_and_resume_reach_the_node(admin_gateway: Gateway, federation: Federation) -> None:
    with admin_gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        done = http.post(f"{ADMIN}/tenants/{tenant}/suspend", json={"reason": "unpaid invoice"})
        assert done.json() == {"tenantId": tenant, "status": "suspended", "node": "eu-west-1"}
        write = http.post(f"{FED}/identity/validate", json={"tenantId": tenant, "type": "oidc", "config": {}})
        assert_error(write, 423, "FG423")
        assert federation.sql("eu-west-1", "SELECT status FROM onboarding.tenants WHERE id = %s", (tenant,)) == \
            [("suspended",)]
        assert http.post(f"{ADMIN}/tenants/{tenant}/resume").status_code == 200
        write = http.post(f"{FED}/identity/validate", json={"tenantId": tenant, "type": "oidc", "config": {}})
        assert write.status_code == 200, write.text
        assert_error(http.post(f"{ADMIN}/tenants/{uuid.uuid4()}/suspend"), 404)


def test_tenant_stats_reach_the_catalog_in_batches(admin_gateway: Gateway, federation: Federation) -> None:
    with admin_gateway.client() as http:
        busy, quiet = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
        for _ in range(30):
            http.get(f"{FED}/tenants/{busy}/status").raise_for_status()
        http.get(f"{FED}/tenants/{quiet}/status").raise_for_status()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            rows = http.get(f"{ADMIN}/tenant-stats", params={"node": "eu-west-1", "top": 5}).json()["items"]
            counts = {r["tenant_id"]: r for r in rows}
            if counts.get(busy, {}).get("requests_1m", 0) >= 30 and quiet in counts:
                break
            time.sleep(0.3)
        assert counts[busy]["requests_1m"] >= 30 and counts[busy]["rank_on_node"] < counts[quiet]["rank_on_node"]
        assert counts[busy]["avg_ms_1h"] > 0 and counts[busy]["errors_1h"] == 0
    # In SQL, as a DBA reads it.
    rows = federation.catalog("SELECT requests_1m FROM federation.federation_tenant_stats WHERE tenant_id = %s", (busy,))
    assert rows and rows[0][0] >= 30


def _wait_move(http, move_id: int, states: set[str], within: float = 60) -> dict:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        move = http.get(f"{ADMIN}/moves/{move_id}").json()
        if move["state"] in states:
            return move
        time.sleep(0.2)
    raise AssertionError(f"move {move_id} still {move['state']}")


def test_a_move_started_watched_and_aborted_over_http(admin_gateway: Gateway, federation: Federation) -> None:
    with admin_gateway.client() as http:
        legacy = create_tenant(http, "eu-west", prefix=LEGACY)
        for _ in range(5):
            http.post(f"{LEGACY}/identity/validate", json={"tenantId": legacy, "type": "oidc", "config": {}})
        started = http.post(f"{ADMIN}/moves", json={"tenantId": legacy, "to": "eu-west-1"})
        assert started.status_code == 202, started.text
        move = _wait_move(http, started.json()["move_id"], {"done", "failed", "aborted"})
        assert move["state"] == "done" and move["pause_ms"] is not None, move
        served = http.get(f"{FED}/tenants/{legacy}/status")
        assert served.status_code == 200 and served.headers["X-Federation-Node"] == "eu-west-1"
        assert any(m["move_id"] == move["move_id"] for m in http.get(f"{ADMIN}/moves").json()["items"])
        assert_error(http.post(f"{ADMIN}/moves", json={"tenantId": legacy, "to": "nowhere"}), (400, 404, 409))
        assert_error(http.post(f"{ADMIN}/moves/{move['move_id']}/abort"), 409, "FGW409")
        assert_error(http.get(f"{ADMIN}/moves/0"), 400, "FGW111")
        assert_error(http.get(f"{ADMIN}/moves/999999"), 404, "FGW404")

        # A move aborted while its worker drives it: nothing left on either node.
        other = create_tenant(http, "eu-west")
        agent = str(uuid.uuid4())
        federation.sql("eu-west-1", """
            INSERT INTO onboarding.agent_instances (id, tenant_id, hostname, agent_type, version)
            VALUES (%s, %s, 'host-1', 'log-shipper', '2.4.1')""", (agent, other))
        federation.sql("eu-west-1", """
            INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at, cpu_percent, status)
            SELECT %s, %s, now() - i * interval '1 second', 1, 'ok' FROM generate_series(1, 50000) i""",
                       (other, agent))
        # The copy cannot finish while the target's heartbeats table is share-locked (the subscription's
        # table sync waits on it), so the move cannot reach its switch before the abort: no race to lose.
        with psycopg.connect(federation.urls["ap-south-1"]) as blocker:
            blocker.execute("LOCK TABLE onboarding.agent_heartbeats IN SHARE MODE")
            started = http.post(f"{ADMIN}/moves", json={"tenantId": other, "to": "ap-south-1"})
            assert started.status_code == 202, started.text
            move_id = started.json()["move_id"]
            _wait_move(http, move_id, {"copying"}, 10)
            with ThreadPoolExecutor(1) as pool:
                aborting = pool.submit(http.post, f"{ADMIN}/moves/{move_id}/abort")
                # The abort ends the move in the catalog first, then tidies: its purge of the target waits
                # on the lock, which goes once the catalog says aborted.
                wait_until(lambda: federation.catalog("SELECT state FROM federation.federation_moves WHERE move_id = %s",
                                                      (move_id,)) == [("aborted",)], "the move aborted")
                blocker.rollback()
                aborted = aborting.result(timeout=60)
        assert aborted.status_code == 200 and aborted.json()["state"] == "aborted", aborted.text
        name = f"fedgate_move_{move_id}"
        # The interrupted mover may have created a slot or a subscription after the abort's own tidying; it
        # notices the abort within a polling round and drops them: nothing of the move remains.
        left = ("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE %(n)s)"
                " + (SELECT count(*) FROM pg_publication WHERE pubname LIKE %(n)s)")
        wait_until(lambda: federation.sql("eu-west-1", left, {"n": f"{name}%"}) == [(0,)]
                   and federation.sql("ap-south-1", "SELECT count(*) FROM pg_subscription WHERE subname LIKE %s",
                                      (f"{name}%",)) == [(0,)], "the move's slot, publication and subscription gone")
        assert federation.sql("ap-south-1", "SELECT count(*) FROM onboarding.agent_heartbeats WHERE tenant_id = %s",
                              (other,)) == [(0,)]
        served = http.get(f"{FED}/tenants/{other}/status")
        assert served.status_code == 200 and served.headers["X-Federation-Node"] == "eu-west-1"


def test_residency_holds_at_every_door_and_records_each_decision(admin_gateway: Gateway,
                                                                 federation: Federation) -> None:
    """A tenant restricted to eu-west at its creation: the legacy namespace refuses it (409 FG451), a move
    to ap-south-1 is refused and recorded, then made with an override (recorded, kept on its map row) and
    served there; a policy its node breaks is refused naming the fix; bad policies are 400s."""
    with admin_gateway.client() as http:
        assert_error(http.post(f"{FED}/tenants", json={"name": "r-bad", "region": "eu-west", "residency": ["mars"]}),
                     400, "FG400")
        assert_error(http.post(f"{FED}/tenants", json={"name": "r-bad", "region": "eu-west", "residency": []}), 400)
        outside = assert_error(http.post(f"{FED}/tenants", json={"name": "r-bad", "region": "eu-west",
                                                                  "residency": ["ap-south"]}), 409, "FG451")
        assert outside["details"] == {"field": "residency", "residency": ["ap-south"]}
        tenant = create_tenant(http, "eu-west", residency=["eu-west"])
        legacy = assert_error(http.get(f"{LEGACY}/tenants/{tenant}/status"), 409, "FG451")
        assert legacy["details"]["residency"] == ["eu-west"]
        assert_error(http.post(f"{ADMIN}/moves", json={"tenantId": tenant, "to": "ap-south-1"}), 409, "FG451")
        assert_error(http.post(f"{ADMIN}/moves", json={"tenantId": tenant, "to": "ap-south-1",
                                                       "residencyOverride": " "}), 400)
        started = http.post(f"{ADMIN}/moves", json={"tenantId": tenant, "to": "ap-south-1",
                                                    "residencyOverride": "customer asked, ticket 7"})
        assert started.status_code == 202, started.text
        assert _wait_move(http, started.json()["move_id"], {"done", "failed"})["state"] == "done"
        served = http.get(f"{FED}/tenants/{tenant}/status")
        assert served.status_code == 200 and served.headers["X-Federation-Node"] == "ap-south-1", served.text

        shown = http.get(f"{ADMIN}/tenants/{tenant}/residency").json()
        assert shown["regions"] == ["eu-west"]
        decisions = [(e["action"], e["decision"], e["node_id"], e["reason"]) for e in reversed(shown["events"])]
        assert decisions[0] == ("policy", "set", None, "at creation")
        assert decisions[1][:3] == ("move", "refused", "ap-south-1") and "outside" in decisions[1][3]
        # The override at the move's start, then on every row that names ap-south-1 since its switch.
        assert sorted(decisions[2:]) == [("map", "overridden", "ap-south-1", "customer asked, ticket 7"),
                                         ("move", "overridden", "ap-south-1", "customer asked, ticket 7"),
                                         ("route", "overridden", "ap-south-1", "customer asked, ticket 7"),
                                         ("route", "overridden", "ap-south-1", "customer asked, ticket 7")], decisions
        by = {(e["action"], e["decision"]): e["actor"] for e in shown["events"]}
        assert all(by[k].startswith("operator:") for k in (("policy", "set"), ("move", "refused"),
                                                           ("move", "overridden"))), by
        assert by[("map", "overridden")].startswith("gateway:"), by  # the switch: the move's driver

        # A policy its node breaks: refused with the fix; lifted, the tenant is unrestricted again.
        other = create_tenant(http, "eu-west")
        refused = assert_error(http.put(f"{ADMIN}/tenants/{other}/residency", json={"regions": ["ap-south"]}),
                               409, "FG409")
        assert "eu-west-1" in refused["message"] and "--move" in refused["hint"]
        assert_error(http.put(f"{ADMIN}/tenants/{other}/residency", json={"regions": []}), 400)
        assert_error(http.put(f"{ADMIN}/tenants/{other}/residency", json={"regions": ["Mars!"]}), 400)
        assert http.put(f"{ADMIN}/tenants/{other}/residency", json={"regions": None, "reason": "lifted"}
                        ).json()["regions"] is None
        metrics = http.get("/metrics").text
        assert 'fedgate_residency_refused_requests_total{door="legacy"}' in metrics
    assert federation.catalog("SELECT residency_override FROM federation.tenant_federation_map WHERE tenant_id = %s",
                              (tenant,)) == [("customer asked, ticket 7",)]


def test_the_legacy_namespace_is_retired_with_notice_and_by_tenant(admin_gateway: Gateway,
                                                                  federation: Federation) -> None:
    """A sunset date puts Deprecation, Sunset and the successor Link on every legacy response; the calls are
    recorded per tenant and client within the stats interval; off for one tenant answers its legacy calls
    410 with the Link while another's still work, and the status says who would break; off for everyone,
    then on again."""
    from shim.cli import main as cli

    with admin_gateway.client() as http:
        first, second = create_tenant(http, "us-east", prefix=LEGACY), create_tenant(http, "us-east", prefix=LEGACY)
        assert "Sunset" not in http.get(f"{LEGACY}/tenants/{first}/status").headers  # not deprecated yet
        assert http.put(f"{ADMIN}/legacy/sunset", json={"date": "2027-06-30"}).status_code == 200
        assert_error(http.put(f"{ADMIN}/legacy/sunset", json={"date": "next year"}), 400, "FGW111")

        def sunset_announced() -> bool:
            return http.get(f"{LEGACY}/tenants/{first}/status").headers.get("Sunset") is not None
        wait_until(sunset_announced, "the gateway heard of the sunset")
        answer = http.get(f"{LEGACY}/tenants/{first}/status")
        assert answer.status_code == 200
        assert answer.headers["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
        assert answer.headers["Deprecation"].startswith("@")
        assert answer.headers["Link"] == f'<{FED}/tenants/{first}/status>; rel="successor-version"'

        assert http.post(f"{ADMIN}/legacy/off", json={"tenantId": first}).json()["tenants_off"] == 1
        wait_until(lambda: http.get(f"{LEGACY}/tenants/{first}/status").status_code == 410, "its legacy routes off")
        gone = assert_error(http.get(f"{LEGACY}/tenants/{first}/status"), 410, "FGW410")
        assert gone["details"]["successor"] == f"{FED}/tenants/{first}/status"
        assert http.get(f"{LEGACY}/tenants/{first}/status").headers["Link"].endswith('rel="successor-version"')
        assert http.get(f"{LEGACY}/tenants/{second}/status").status_code == 200  # another tenant's still work
        assert http.get(f"{FED}/tenants/{first}/status").status_code == 200  # and its federated path serves it

        def recorded() -> list:
            return federation.catalog("SELECT tenant_id::text, client, requests_24h, refused_24h "
                                      "FROM federation.federation_legacy_usage WHERE tenant_id IN (%s, %s) "
                                      "ORDER BY tenant_id = %s DESC", (first, second, first))
        wait_until(lambda: len(recorded()) == 2 and recorded()[0][3] >= 2, "the calls recorded")
        (t1, client, calls, refused), (t2, _, calls2, _) = recorded()
        assert (t1, t2) == (first, second) and client.startswith("operator:") and calls >= 5 and calls2 >= 1
        status = http.get(f"{ADMIN}/legacy").json()
        assert status["tenants_off"] == 1 and status["tenants_on_default"] >= 2 and status["clients_24h"] >= 1
        assert status["would_break"].startswith("yes") and any(u["tenant_id"] == first for u in status["usage"])
        assert cli(["legacy", "status", "--database-url", federation.control_url]) == 1  # it would break someone

        http.post(f"{ADMIN}/legacy/off", json={})  # everyone: even a creation is refused
        wait_until(lambda: http.post(f"{LEGACY}/tenants", json={"name": "late", "region": "us-east"}).status_code == 410,
                   "the legacy routes off for everyone")
        assert http.post(f"{ADMIN}/legacy/on", json={}).json()["all_off"] is False
        assert http.put(f"{ADMIN}/legacy/sunset", json={"date": None}).json()["sunset_date"] is None
        wait_until(lambda: http.get(f"{LEGACY}/tenants/{first}/status").status_code == 200, "on again for all")
        assert 'fedgate_legacy_requests_total{outcome="refused"}' in http.get("/metrics").text


def test_a_node_added_then_another_drained_over_http(fresh_federation: Federation, tmp_path: Path) -> None:
    fed = fresh_federation
    gw = start_gateway(fed.control_url, tmp_path, env={"FEDGATE_HEALTH_INTERVAL": "0.5"})
    try:
        with gw.client() as http:
            tenants = [create_tenant(http, "eu-west") for _ in range(2)]  # tests/test_moves.py drains with the CLI
            for tenant in tenants:
                http.post(f"{FED}/identity/validate", json={"tenantId": tenant, "type": "oidc", "config": {}})
            assert_error(http.post(f"{ADMIN}/nodes/eu-west-1/drain", json={}), 409, "FGW409")  # nowhere to go
            # eu-west-2: an empty database on the third cluster, migrated and registered by the gateway.
            url = create_database(fed.clusters[2], f"{fed.name}_w2", template=None)
            added = http.post(f"{ADMIN}/nodes", json={"nodeId": "eu-west-2", "region": "eu-west", "databaseUrl": url})
            assert added.status_code == 201, added.text
            assert added.json()["node"]["node_id"] == "eu-west-2" and "applied" in added.json()["migration"]
            assert url not in added.text and "database_url" not in added.text
            deadline = time.monotonic() + 10
            while "eu-west-2" not in {n["node_id"] for n in http.get(f"{ADMIN}/nodes").json()["items"]
                                      if n["health"] == "healthy"}:
                assert time.monotonic() < deadline, "eu-west-2 never healthy"
                time.sleep(0.2)
            drained = http.post(f"{ADMIN}/nodes/eu-west-1/drain", json={"parallel": 2})
            assert drained.status_code == 202, drained.text
            assert {m["tenantId"] for m in drained.json()["moves"]} == set(tenants)
            assert {m["to"] for m in drained.json()["moves"]} == {"eu-west-2"}
            deadline = time.monotonic() + 90
            while fed.catalog("SELECT count(*) FROM federation.tenant_moves WHERE state = 'done'") != [(2,)]:
                assert time.monotonic() < deadline, http.get(f"{ADMIN}/moves").text
                time.sleep(0.5)
            for tenant in tenants:
                served = http.get(f"{FED}/tenants/{tenant}/status")
                assert served.status_code == 200 and served.headers["X-Federation-Node"] == "eu-west-2"
            by_id = {n["node_id"]: n for n in http.get(f"{ADMIN}/nodes").json()["items"]}
            assert by_id["eu-west-1"]["status"] == "draining" and by_id["eu-west-1"]["tenants"] == 0
            assert fed.sql("eu-west-1", "SELECT count(*) FROM onboarding.tenants WHERE id = ANY(%s::uuid[])",
                           (tenants,)) == [(0,)]
            refused = http.post(f"{ADMIN}/nodes", json={"nodeId": "eu-west-9", "region": "eu-west",
                                                        "databaseUrl": "env:FEDGATE_NO_SUCH_VARIABLE"})
            assert_error(refused, 422, "FGW422")
            unreachable = http.post(f"{ADMIN}/nodes", json={"nodeId": "eu-west-8", "region": "eu-west",
                                                            "databaseUrl": "postgresql://u:pw@127.0.0.1:1/none"})
            assert_error(unreachable, 422, "FGW422")
            assert "pw" not in unreachable.text and "127.0.0.1" not in unreachable.text
            again = http.post(f"{ADMIN}/nodes", json={"nodeId": "eu-west-2", "region": "eu-west", "databaseUrl": url})
            assert again.status_code == 201 and "applied: none" in again.json()["migration"]  # a re-add is a no-op
            assert_error(http.post(f"{ADMIN}/nodes/nowhere/drain", json={}), 404, "FG404")
            assert_error(http.post(f"{ADMIN}/nodes", json={"nodeId": "", "region": "eu-west", "databaseUrl": "x"}),
                         400, "FGW110")
    finally:
        gw.stop()


def test_a_move_no_one_drives_is_resumed_over_http(admin_gateway: Gateway, federation: Federation) -> None:
    """A move recorded in the catalog whose driver is gone (here: started in psql, never driven)."""
    with admin_gateway.client() as http:
        tenant = create_tenant(http, "ap-south")
        http.post(f"{FED}/identity/validate", json={"tenantId": tenant, "type": "oidc", "config": {}})
        [(move_id,)] = federation.catalog("SELECT move_id FROM federation.start_move(%s, 'eu-west-1')", (tenant,))
        assert http.post(f"{ADMIN}/moves/{move_id}/resume").status_code == 202
        move = _wait_move(http, move_id, {"done", "failed", "aborted"})
        assert move["state"] == "done", move
        assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "eu-west-1"
        assert_error(http.post(f"{ADMIN}/moves/{move_id}/resume"), 409, "FGW409")
