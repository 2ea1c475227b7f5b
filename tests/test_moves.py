"""Online tenant moves with logical replication between real clusters: a legacy tenant moves from the
default node to a regional one with its kits, agents and audit trail while a client keeps writing to
it; an abort leaves nothing behind; a planted difference on the target stops the switch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shim.actions.jobs import Driver, Lease
from shim.actions.moves import Move, MoveError, Mover
from shim.config import JobSettings
from shim.nodes.connector import Connector
from tests.api_client import FED, LEGACY, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, Gateway, bearer, http_client, start_gateway
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

TABLES = ("tenants", "bootstrap_kits", "agent_instances", "agent_heartbeats", "tenant_activity", "bootstrap_audit")


def _held_move(federation: Federation, tenant: str, mover: Mover | None = None,
               lease_s: float = 60) -> tuple[Mover, Move]:
    """A move to ap-south-1 opened as a driver opens one: its job claimed (for a minute) by this test, which
    then plays the driver step by step; the gateways' job runners leave it alone. With a short lease, the
    test plays a driver that died (its lease lapses, unrenewed)."""
    connector = Connector(federation.control_url)
    lease = Lease(connector, f"test/{uuid.uuid4().hex[:8]}", None, lease_s)
    job = Driver(connector, lease, JobSettings()).start_move(uuid.UUID(tenant), "ap-south-1")
    mover = mover or Mover(connector)
    return mover, mover.load(int(job.move_id or 0))


def _rows(federation: Federation, node: str, tenant: str) -> dict[str, int]:
    return {t: int(n) for t, n, _ in federation.sql(node, "SELECT * FROM onboarding.tenant_digest(%s)", (tenant,))}


def _leftovers(federation: Federation, *nodes: str) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for node in nodes:
        found += federation.sql(node, "SELECT 'slot', slot_name FROM pg_replication_slots UNION ALL "
                                      "SELECT 'publication', pubname::text FROM pg_publication UNION ALL "
                                      "SELECT 'subscription', subname::text FROM pg_subscription")
    return found


def _seed(http: httpx.Client, tenant: str, prefix: str) -> None:
    """Kits, an enrolled agent with heartbeats, activity: rows in every tenant table."""
    kit = issue_kit(http, tenant, ["log-shipper"], prefix=prefix)
    agent = http.post(f"{prefix}/bootstrap/verify", json={
        "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"], "token": token_of(unpack(kit.content, "zip"), "log-shipper"),
        "hostname": f"h-{uuid.uuid4().hex[:6]}", "agentType": "log-shipper", "version": "2.4.1"}).json()
    for _ in range(20):
        assert http.post(f"{prefix}/tenants/{tenant}/telemetry", json={"agentId": agent["agentId"]},
                         headers={"Authorization": f"Bearer {agent['agentToken']}"}).status_code == 201
        assert http.post(f"{prefix}/identity/validate", json={"type": "oidc", "config": {},
                                                             "tenantId": tenant}).status_code == 200


MEASURES = {  # what each kind of write adds, counted per tenant on a node
    "heartbeats": "SELECT count(*) FROM onboarding.agent_heartbeats WHERE tenant_id = %s",
    "validations": "SELECT count(*) FROM onboarding.tenant_activity WHERE tenant_id = %s AND kind = 'identity.validated'",
    "kits": "SELECT count(*) FROM onboarding.bootstrap_kits WHERE tenant_id = %s",
    "enrollments": "SELECT count(*) FROM onboarding.agent_instances WHERE tenant_id = %s",
}


def _measures(federation: Federation, node: str, tenant: str) -> dict[str, int]:
    return {kind: int(federation.sql(node, query, (tenant,))[0][0]) for kind, query in MEASURES.items()}


def _bulk(federation: Federation, node: str, tenant: str, agent: str, rows: int = 2000) -> None:
    """Thousands of rows in every tenant table, written straight to the node."""
    for statement in (
            "INSERT INTO onboarding.tenant_activity (tenant_id, kind) SELECT %(t)s, 'bulk.seed' "
            "FROM generate_series(1, %(n)s)",
            "INSERT INTO onboarding.bootstrap_audit (tenant_id, event, outcome) SELECT %(t)s, 'bulk.seed', 'success' "
            "FROM generate_series(1, %(n)s)",
            "INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at) "
            "SELECT %(t)s, %(a)s, now() - i * interval '1 second' FROM generate_series(1, %(n)s) i",
            "INSERT INTO onboarding.bootstrap_kits (id, tenant_id, format, agents, regions, token_hash, expires_at) "
            "SELECT gen_random_uuid(), %(t)s, 'zip', '{log-shipper}', '{us-east}', '\\x00', now() + interval '1 day' "
            "FROM generate_series(1, %(n)s)",
            "INSERT INTO onboarding.agent_instances (tenant_id, hostname, agent_type, version) "
            "SELECT %(t)s, 'bulk-' || i, 'log-shipper', '1' FROM generate_series(1, %(n)s) i"):
        federation.sql(node, statement, {"t": tenant, "a": agent, "n": rows})  # type: ignore[arg-type]


class Clients:
    """Clients of the gateway writing and reading in threads until stopped: what each got acknowledged,
    what failed, and the longest wait."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.acked: dict[str, int] = {}
        self.failures: list[str] = []
        self.longest = 0.0
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def run(self, kind: str, headers: dict[str, str], request: Callable[[httpx.Client, int], httpx.Response],
            limit: int = 1_000_000, every: float = 0.0) -> None:
        """A client in a thread: ``request`` again and again (``every`` seconds apart, or at once)."""
        def loop() -> None:
            with http_client(base_url=self.base_url, timeout=30, headers=headers) as client:
                i = 0
                while not self.stop.wait(every) and i < limit:
                    i += 1
                    started = time.monotonic()
                    resp = request(client, i)
                    took = time.monotonic() - started
                    with self.lock:
                        self.longest = max(self.longest, took)
                        if resp.status_code < 300:
                            self.acked[kind] = self.acked.get(kind, 0) + 1
                        else:
                            self.failures.append(f"{kind}: {resp.status_code} {resp.text[:200]}")
        thread = threading.Thread(target=loop)
        thread.start()
        self.threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def test_a_legacy_tenant_moves_while_eight_clients_use_it(federation: Federation, tmp_path: Path) -> None:
    # Eight clients write as fast as they can: the move is under test, not the tenant's write budget.
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_TENANT_WRITE_RPS": "0"})
    moved = Clients(gw.base_url)
    others = Clients(gw.base_url)
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "us-east", prefix=LEGACY)
            _seed(http, tenant, LEGACY)
            kit = issue_kit(http, tenant, ["log-shipper"], prefix=LEGACY, maxAgents=1000)
            neighbours = [create_tenant(http, "us-east", prefix=LEGACY), create_tenant(http, "eu-west")]
            agent = http.post(f"{LEGACY}/bootstrap/verify", json={
                "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"],
                "token": token_of(unpack(kit.content, "zip"), "log-shipper"), "hostname": "pinned",
                "agentType": "log-shipper", "version": "2.4.1"}).json()
        _bulk(federation, "default", tenant, agent["agentId"])  # thousands of rows in every tenant table
        before = _measures(federation, "default", tenant)
        audit_before = federation.sql("default", "SELECT count(*) FROM onboarding.bootstrap_audit WHERE tenant_id = %s",
                                      (tenant,))[0][0]
        as_tenant, as_agent = bearer("tenant", tenant), {"Authorization": f"Bearer {agent['agentToken']}"}
        token = token_of(unpack(kit.content, "zip"), "log-shipper")
        for _ in range(2):
            moved.run("heartbeats", as_agent, lambda c, i: c.post(f"{FED}/tenants/{tenant}/telemetry",
                                                                 json={"agentId": agent["agentId"]}))
            moved.run("validations", as_tenant, lambda c, i: c.post(f"{FED}/identity/validate", json={
                "type": "oidc", "config": {}, "tenantId": tenant}))
            moved.run("reads", as_tenant, lambda c, i: c.get(f"{FED}/tenants/{tenant}/activity"))
        moved.run("kits", as_tenant, lambda c, i: c.post(f"{FED}/bootstrap/kit", json={
            "tenantId": tenant, "agents": ["log-shipper"]}))
        moved.run("enrollments", {}, lambda c, i: c.post(f"{FED}/bootstrap/verify", json={
            "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"], "token": token, "hostname": f"during-{i}",
            "agentType": "log-shipper", "version": "2.4.1"}), limit=950)  # the kit enrolls 1,000 hosts
        for neighbour in neighbours:  # other tenants of both nodes
            others.run("neighbours", bearer("tenant", neighbour), lambda c, i, n=neighbour: c.post(
                f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": n}))
        time.sleep(1.0)
        done = _fedgate(federation, "tenant", "move", tenant, "--to", "eu-west-1")
        time.sleep(1.0)
        moved.finish()
        others.finish()
        assert done.returncode == 0, done.stdout + done.stderr
        assert "state: done" in done.stdout and "pause_ms" in done.stdout
        with gw.client() as http:
            status = http.get(f"{FED}/tenants/{tenant}/status")
            assert status.status_code == 200 and status.headers["X-Federation-Node"] == "eu-west-1"
    finally:
        moved.finish()
        others.finish()
        gw.stop()
    assert not moved.failures, moved.failures[:5]
    assert not others.failures, others.failures[:5]
    after = _measures(federation, "eu-west-1", tenant)
    for kind in MEASURES:  # every acknowledged write on the target, exactly once
        assert after[kind] == before[kind] + moved.acked.get(kind, 0), (kind, before, after, moved.acked)
    assert federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.bootstrap_audit WHERE tenant_id = %s",
                          (tenant,))[0][0] >= audit_before  # the trail came along (and grew)
    assert all(count == 0 for count in _rows(federation, "default", tenant).values())
    assert _leftovers(federation, "default", "eu-west-1") == []
    [(state, pause)] = federation.catalog("SELECT state, pause_ms FROM federation.federation_moves WHERE tenant_id = %s",
                                          (tenant,))
    print(f"moved while 8 clients wrote and read: {moved.acked}; the longest request took "
          f"{moved.longest * 1000:.0f} ms; fence to switch {pause} ms; neighbours: {others.acked}, 0 errors")
    assert state == "done" and moved.acked.get("enrollments", 0) > 0 and moved.acked.get("kits", 0) > 0


@pytest.fixture(scope="module")
def undriven(federation: Federation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """A gateway that drives no job: the tests that play a mover step by step share it."""
    gw = start_gateway(federation.control_url, tmp_path_factory.mktemp("undriven"),
                       env={"FEDGATE_JOBS_PER_INSTANCE": "0"})
    yield gw
    gw.stop()


@pytest.mark.parametrize("stopped_at", ["copying", "catching_up", "verifying", "cutover", "fenced"])
def test_an_abort_at_any_step_leaves_the_tenant_served_and_nothing_behind(
        federation: Federation, undriven: Gateway, stopped_at: str) -> None:
    """A driver that died at each step (its lease lapses; no gateway here drives jobs): the abort claims
    the move's job and drops everything the move recorded."""
    gw = undriven
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        _seed(http, tenant, FED)
    mover, move = _held_move(federation, tenant, lease_s=1)
    steps = [mover._copy, mover._catch_up, mover._pre_verify]
    for step in steps[:["copying", "catching_up", "verifying", "cutover", "fenced"].index(stopped_at)]:
        step(mover.load(move.move_id))
    if stopped_at == "fenced":  # a mover that died in its cutover, after fencing the tenant
        federation.catalog("SELECT federation.fence_move(%s)", (move.move_id,))
        federation.sql("eu-west-1", "SELECT onboarding.set_fence(%s, %s, 'fenced', 'ap-south-1')",
                       (tenant, move.move_id))
    assert mover.load(move.move_id).state == ("cutover" if stopped_at == "fenced" else stopped_at)
    done = _fedgate(federation, "tenant", "move", "--abort", str(move.move_id))
    assert done.returncode == 0 and "state: aborted" in done.stdout, done.stdout + done.stderr
    assert all(n == 0 for n in _rows(federation, "ap-south-1", tenant).values())
    assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
    with gw.client() as http:
        wrote = http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant})
        assert wrote.status_code == 200 and wrote.headers["X-Federation-Node"] == "eu-west-1", wrote.text
    with pytest.raises(MoveError):
        mover.abort(move.move_id)


def test_a_planted_difference_stops_the_switch(federation: Federation, undriven: Gateway) -> None:
    gw = undriven
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        _seed(http, tenant, FED)
    mover, move = _held_move(federation, tenant, Mover(Connector(federation.control_url), verify_timeout=2))
    for step in (mover._copy, mover._catch_up, mover._pre_verify):
        step(mover.load(move.move_id))
    # On the target: a row changed, one deleted, one added.
    [(first, last)] = federation.sql("ap-south-1", "SELECT min(id), max(id) FROM onboarding.tenant_activity "
                                                   "WHERE tenant_id = %s", (tenant,))
    federation.sql("ap-south-1", "UPDATE onboarding.tenant_activity SET kind = 'tampered' WHERE tenant_id = %s "
                                 "AND id = %s", (tenant, last))
    federation.sql("ap-south-1", "DELETE FROM onboarding.tenant_activity WHERE tenant_id = %s AND id = %s",
                   (tenant, first))
    federation.sql("ap-south-1", "INSERT INTO onboarding.tenant_activity (id, tenant_id, kind) OVERRIDING SYSTEM VALUE "
                                 "VALUES (999999999, %s, 'planted')", (tenant,))
    planted = {"missing": [[first]], "extra": [[999999999]], "different": [[last]]}
    shown = _fedgate(federation, "tenant", "diff", tenant, "--against", "ap-south-1", "--json")
    assert shown.returncode == 1, shown.stdout + shown.stderr
    report = json.loads(shown.stdout)
    assert {k: report["tables"]["tenant_activity"][k] for k in planted} == planted
    assert [t for t, found in report["tables"].items() if any(found["counts"].values())] == ["tenant_activity"]
    with pytest.raises(MoveError, match="does not hold"):
        mover.run(move.move_id)
    [(state, error, verdict)] = federation.catalog(
        "SELECT state, error, verify_result FROM federation.federation_moves WHERE move_id = %s", (move.move_id,))
    assert state == "failed" and "tenant_activity: 1 missing, 1 extra, 1 different" in error, error
    assert {k: verdict["rows"]["tenant_activity"][k] for k in planted} == planted and verdict["rowsComplete"]
    assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
    assert all(n == 0 for n in _rows(federation, "ap-south-1", tenant).values())
    with gw.client() as http:
        assert http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {},
                                                          "tenantId": tenant}).status_code == 200
        assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "eu-west-1"

    # A database error inside the cutover (here the target cannot align its sequences) fails the move and
    # lifts the fence: the tenant is served from its source at once, not held until someone acts.
    with gw.client() as http:
        other = create_tenant(http, "eu-west")
        _seed(http, other, FED)
    mover, move = _held_move(federation, other, mover)
    federation.sql("ap-south-1", "ALTER FUNCTION onboarding.align_sequences(uuid) RENAME TO align_sequences_gone")
    try:
        with pytest.raises(MoveError, match="the cutover failed"):
            mover.run(move.move_id)
    finally:
        federation.sql("ap-south-1", "ALTER FUNCTION onboarding.align_sequences_gone(uuid) RENAME TO align_sequences")
    [(state, fenced)] = federation.catalog("SELECT state, fenced FROM federation.federation_moves "
                                           "WHERE move_id = %s", (move.move_id,))
    assert (state, fenced) == ("failed", False)
    assert federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.tenant_fences WHERE tenant_id = %s",
                          (other,)) == [(0,)]
    assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
    with gw.client() as http:
        assert http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {},
                                                          "tenantId": other}).status_code == 200


def _fedgate(federation: Federation, *args: str, timeout: float = 240,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shim.cli", *args, "--database-url", federation.control_url],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _big_tenant(federation: Federation, http: httpx.Client, heartbeats: int) -> str:
    tenant = create_tenant(http, "eu-west")
    _seed(http, tenant, FED)
    federation.sql("eu-west-1", """
        INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at, cpu_percent)
        SELECT %s, (SELECT id FROM onboarding.agent_instances WHERE tenant_id = %s LIMIT 1),
               now() - i * interval '1 second', i %% 100 FROM generate_series(1, %s) i""", (tenant, tenant, heartbeats))
    return tenant


def _killed_mid_copy(federation: Federation, tenant: str) -> int:
    """`fedgate tenant move` (a lease of 2 s) SIGKILLed while its subscription copies on the target; the
    move's id."""
    mover = subprocess.Popen([sys.executable, "-m", "shim.cli", "tenant", "move", tenant, "--to", "ap-south-1",
                              "--database-url", federation.control_url], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "FEDGATE_JOB_LEASE": "2"})
    deadline = time.monotonic() + 30
    while not federation.sql("ap-south-1", "SELECT 1 FROM pg_subscription"):
        assert time.monotonic() < deadline and mover.poll() is None, "the move never reached its copy"
        time.sleep(0.02)
    mover.kill()
    mover.wait(10)
    [(move_id, state)] = federation.catalog("SELECT move_id, state FROM federation.federation_moves "
                                            "WHERE tenant_id = %s", (tenant,))
    assert state == "copying", state
    return int(move_id)


def _move_state(federation: Federation, move_id: int) -> str:
    return str(federation.catalog("SELECT state FROM federation.federation_moves WHERE move_id = %s",
                                  (move_id,))[0][0])


def test_a_killed_cli_move_is_finished_by_the_fleet_or_aborted(federation: Federation, tmp_path: Path) -> None:
    """The CLI's terminal killed mid-copy: a gateway claims the move's job once the CLI's lease lapses and
    finishes it, with no command from anyone; another killed move is aborted by the CLI, leaving nothing."""
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_JOB_POLL": "0.2"})
    try:
        with gw.client() as http:
            resumed = _big_tenant(federation, http, 30_000)
            aborted = _big_tenant(federation, http, 30_000)
        expected = _rows(federation, "eu-west-1", resumed)
        move_id = _killed_mid_copy(federation, resumed)
        wait_until(lambda: federation.catalog("SELECT state FROM federation.federation_jobs WHERE move_id = %s",
                                              (move_id,)) == [("done",)], "the fleet finishes the move", timeout=120)
        [(job_state, created_by, objects)] = federation.catalog(
            "SELECT state, created_by, objects FROM federation.federation_jobs WHERE move_id = %s", (move_id,))
        assert (job_state, objects) == ("done", []) and created_by.startswith("cli:")
        assert _rows(federation, "ap-south-1", resumed) == expected
        shown = _fedgate(federation, "tenant", "move", "--resume", str(move_id))  # nothing left to drive
        assert shown.returncode == 0 and "state: done" in shown.stdout, shown.stdout + shown.stderr
        move_id = _killed_mid_copy(federation, aborted)
        undone = _fedgate(federation, "tenant", "move", "--abort", str(move_id))
        assert undone.returncode == 0 and "state: aborted" in undone.stdout, undone.stdout + undone.stderr
        assert all(n == 0 for n in _rows(federation, "ap-south-1", aborted).values())
        assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
        assert federation.catalog("SELECT state, objects FROM federation.federation_jobs WHERE move_id = %s",
                                  (move_id,)) == [("aborted", [])]
        with gw.client() as http:
            for tenant, node in ((resumed, "ap-south-1"), (aborted, "eu-west-1")):
                status = http.get(f"{FED}/tenants/{tenant}/status")
                assert status.status_code == 200 and status.headers["X-Federation-Node"] == node
    finally:
        gw.stop()


def test_a_node_drains(clusters: list[Any], tmp_path: Path) -> None:
    from tests.federation import create_database, make_federation
    federation = make_federation(clusters)
    gw = start_gateway(federation.control_url, tmp_path)
    try:
        with gw.client() as http:
            tenants = [create_tenant(http, "eu-west") for _ in range(2)]  # --parallel 2 moves both at once
            for tenant in tenants:
                _seed(http, tenant, FED)
        second = create_database(clusters[2], federation.name + "_eu2")  # eu-west's second node
        federation.catalog("SELECT federation.add_node('eu-west-2', 'eu-west', %s)", (second,))
        federation.urls["eu-west-2"] = second
        drained = _fedgate(federation, "node", "drain", "eu-west-1", "--parallel", "2")
        assert drained.returncode == 0 and "node eu-west-1: empty" in drained.stdout, drained.stdout + drained.stderr
        with gw.client() as http:
            for tenant in tenants:
                status = http.get(f"{FED}/tenants/{tenant}/status")
                assert status.status_code == 200 and status.headers["X-Federation-Node"] == "eu-west-2"
        assert federation.catalog("SELECT status FROM federation.federation_nodes WHERE node_id = 'eu-west-1'") == \
            [("draining",)]
        assert _leftovers(federation, "eu-west-1", "eu-west-2") == []
    finally:
        gw.stop()


def test_keep_source_until_complete(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path)
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
            _seed(http, tenant, FED)
        kept = _fedgate(federation, "tenant", "move", tenant, "--to", "ap-south-1", "--keep-source")
        assert kept.returncode == 0 and "state: cleanup" in kept.stdout and "--complete" in kept.stdout, kept.stdout
        assert _rows(federation, "eu-west-1", tenant) == _rows(federation, "ap-south-1", tenant)
        with gw.client() as http:  # served by its new node; the old one refuses it
            assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "ap-south-1"
        move_id = federation.catalog("SELECT move_id FROM federation.federation_moves WHERE tenant_id = %s",
                                     (tenant,))[0][0]
        completed = _fedgate(federation, "tenant", "move", "--complete", str(move_id))
        assert completed.returncode == 0 and "state: done" in completed.stdout, completed.stdout + completed.stderr
        assert all(n == 0 for n in _rows(federation, "eu-west-1", tenant).values())
        assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
    finally:
        gw.stop()


def test_a_mover_killed_while_catching_up_is_finished_by_the_fleet(federation: Federation, tmp_path: Path) -> None:
    """The CLI's mover waits for a lag of 0 bytes while a client keeps writing: it stays in catching_up
    until it is SIGKILLed there; the gateway takes the move's job over once the CLI's lease lapses and
    finishes it, with every acknowledged write on the target."""
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_TENANT_WRITE_RPS": "0",  # writers at full tilt
                                                              "FEDGATE_JOB_POLL": "0.2"})
    writers = Clients(gw.base_url)
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
            _seed(http, tenant, FED)
        before = _measures(federation, "eu-west-1", tenant)
        writers.run("validations", bearer("tenant", tenant), lambda c, i: c.post(f"{FED}/identity/validate", json={
            "type": "oidc", "config": {}, "tenantId": tenant}))
        mover = subprocess.Popen([sys.executable, "-m", "shim.cli", "tenant", "move", tenant, "--to", "ap-south-1",
                                  "--database-url", federation.control_url], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "FEDGATE_MOVE_CATCH_UP_BYTES": "0", "FEDGATE_JOB_LEASE": "2"})
        deadline = time.monotonic() + 60
        while federation.catalog("SELECT state FROM federation.federation_moves WHERE tenant_id = %s",
                                 (tenant,)) != [("catching_up",)]:
            assert time.monotonic() < deadline and mover.poll() is None, "the move never reached its catch-up"
            time.sleep(0.05)
        time.sleep(0.5)
        mover.kill()
        mover.wait(10)
        [(move_id, state)] = federation.catalog("SELECT move_id, state FROM federation.federation_moves "
                                                "WHERE tenant_id = %s", (tenant,))
        assert state == "catching_up"
        wait_until(lambda: _move_state(federation, move_id) == "done", "the fleet finishes the move",
                   timeout=120)  # the client still writes
        time.sleep(0.5)
        writers.finish()
        assert federation.catalog("SELECT objects FROM federation.federation_jobs WHERE move_id = %s",
                                  (move_id,)) == [([],)]
    finally:
        writers.finish()
        gw.stop()
    assert not writers.failures, writers.failures[:5]
    after = _measures(federation, "ap-south-1", tenant)
    assert after["validations"] == before["validations"] + writers.acked["validations"]
    assert _leftovers(federation, "eu-west-1", "ap-south-1") == []


REVERSIBLE = {"FEDGATE_MOVE_REVERSIBLE_FOR": "3600"}


def test_a_move_taken_back_and_forward_again_loses_no_write(federation: Federation, tmp_path: Path) -> None:
    """Moved from eu-west-1 (A) to ap-south-1 (B), reversibly; 300 writes of mixed kinds on B through the
    gateway; --reverse while clients keep writing: every acknowledged write on A exactly once, the tenant
    served by A; --forward while they write again, then --complete: everything on B, nothing of the tenant
    on A but its tombstone, no slot, publication or subscription on either node, no request failed. A
    second move left alone past its window (1 s) completes itself."""
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_TENANT_WRITE_RPS": "0", **REVERSIBLE})
    writers = Clients(gw.base_url)
    try:
        with gw.client() as http:
            tenant, idle = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
            kit = issue_kit(http, tenant, ["log-shipper"], maxAgents=10)
            agent = http.post(f"{FED}/bootstrap/verify", json={
                "tenantId": tenant, "kitId": kit.headers["X-Kit-Id"],
                "token": token_of(unpack(kit.content, "zip"), "log-shipper"), "hostname": "h-1",
                "agentType": "log-shipper", "version": "2.4.1"}).json()
        before = _measures(federation, "eu-west-1", tenant)
        moved = _fedgate(federation, "tenant", "move", tenant, "--to", "ap-south-1", env=REVERSIBLE)
        assert moved.returncode == 0 and "state: switched" in moved.stdout, moved.stdout + moved.stderr
        assert "--reverse" in moved.stdout
        move_id = int(federation.catalog("SELECT move_id FROM federation.federation_moves WHERE tenant_id = %s",
                                         (tenant,))[0][0])
        as_tenant, as_agent = bearer("tenant", tenant), {"Authorization": f"Bearer {agent['agentToken']}"}

        def write(limit: int | None = None) -> None:
            writers.run("heartbeats", as_agent, lambda c, i: c.post(f"{FED}/tenants/{tenant}/telemetry",
                                                                   json={"agentId": agent["agentId"]}),
                        limit=limit or 1_000_000)
            writers.run("validations", as_tenant, lambda c, i: c.post(f"{FED}/identity/validate", json={
                "type": "oidc", "config": {}, "tenantId": tenant}), limit=limit or 1_000_000)
            writers.run("kits", as_tenant, lambda c, i: c.post(f"{FED}/bootstrap/kit", json={
                "tenantId": tenant, "agents": ["log-shipper"]}), limit=limit or 1_000_000)

        write(100)  # 300 writes on B, then clients that keep writing through the switch back
        for thread in writers.threads:
            thread.join(60)
        assert sum(writers.acked.values()) == 300 and not writers.failures, (writers.acked, writers.failures[:3])
        assert _measures(federation, "ap-south-1", tenant) == {k: before[k] + writers.acked.get(k, 0) for k in before}
        writers.threads.clear()
        write()
        back = _fedgate(federation, "tenant", "move", "--reverse", str(move_id), env=REVERSIBLE)
        assert back.returncode == 0 and "state: reversed" in back.stdout, back.stdout + back.stderr
        writers.finish()
        writers.stop.clear()
        with gw.client() as http:
            assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "eu-west-1"
        acked = dict(writers.acked)
        assert _measures(federation, "eu-west-1", tenant) == {k: before[k] + acked.get(k, 0) for k in before}, acked

        writers.threads.clear()
        write()
        again = _fedgate(federation, "tenant", "move", "--forward", str(move_id), env=REVERSIBLE)
        assert again.returncode == 0 and "state: switched" in again.stdout, again.stdout + again.stderr
        writers.finish()
        # A way back the catalog refuses (the tenant may now be served in ap-south only): the switch's rehearsal
        # fails before any fence, the tenant stays served where it is, the move stays reversible.
        federation.catalog("SELECT * FROM federation.set_residency(%s, '{ap-south}', 'test')", (tenant,))
        refused = _fedgate(federation, "tenant", "move", "--reverse", str(move_id), env=REVERSIBLE)
        assert refused.returncode == 1 and "state: switched" in refused.stdout, refused.stdout + refused.stderr
        assert "outside" in refused.stdout, refused.stdout  # flip_error names the residency
        assert federation.catalog("SELECT action, node_id FROM federation.federation_residency_events "
                                  "WHERE tenant_id = %s AND decision = 'refused'", (tenant,)) == [("map", "eu-west-1")]
        with gw.client() as http:
            assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "ap-south-1"
        done = _fedgate(federation, "tenant", "move", "--complete", str(move_id), env=REVERSIBLE)
        assert done.returncode == 0 and "state: done" in done.stdout, done.stdout + done.stderr
        with gw.client() as http:
            assert http.get(f"{FED}/tenants/{tenant}/status").headers["X-Federation-Node"] == "ap-south-1"

        # Left alone past its window: its job (parked until then) completes it on the gateway.
        short = _fedgate(federation, "tenant", "move", idle, "--to", "ap-south-1",
                         env={"FEDGATE_MOVE_REVERSIBLE_FOR": "1"})
        assert short.returncode == 0 and "state: switched" in short.stdout, short.stdout + short.stderr
        wait_until(lambda: federation.catalog("SELECT state FROM federation.federation_moves WHERE tenant_id = %s",
                                              (idle,)) == [("done",)], "the move completed at its window's end")
    finally:
        writers.finish()
        gw.stop()
    assert not writers.failures, writers.failures[:5]
    after = _measures(federation, "ap-south-1", tenant)
    assert after == {k: before[k] + writers.acked.get(k, 0) for k in before}, (before, after, writers.acked)
    for gone in (tenant, idle):  # nothing on A but the tombstone
        assert all(n == 0 for n in _rows(federation, "eu-west-1", gone).values())
        assert federation.sql("eu-west-1", "SELECT state, target_node FROM onboarding.tenant_fences WHERE tenant_id = %s",
                              (gone,)) == [("moved", "ap-south-1")]
    assert _leftovers(federation, "eu-west-1", "ap-south-1") == []
    [(flips, reverse_ms, pause_ms)] = federation.catalog(
        "SELECT flips, flip_pause_ms, pause_ms FROM federation.federation_moves WHERE move_id = %s", (move_id,))
    assert flips == 3
    print(f"reversible move: switch {pause_ms} ms, last flip {reverse_ms} ms; writes acknowledged {writers.acked}")
