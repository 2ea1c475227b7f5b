"""A fleet of gateways on one catalog (issue 22, its first part): every instance registers itself and keeps
a heartbeat; one that stops says so, one that dies is gone after its TTL. The admin API, the CLI, the view
and the status page show them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.api_client import FED, create_tenant, issue_kit
from tests.federation import Federation, Gateway, TLS, bearer, make_federation, start_gateway
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

TTL = {"FEDGATE_INSTANCE_TTL": "1.5"}


def _states(federation: Federation) -> dict[str, str]:
    return dict(federation.catalog("SELECT host || ':' || pid, state FROM federation.federation_gateways"))


def test_instances_register_and_leave(clusters: list, tmp_path: Path) -> None:
    federation = make_federation(clusters)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    single = start_gateway(federation.control_url, tmp_path / "one", env=TTL)
    double = start_gateway(federation.control_url, tmp_path / "two", workers=2, env=TTL)
    try:
        with single.client() as http:
            listed = http.get("/admin/v1/gateways")
            assert listed.status_code == 200, listed.text
            items, me = listed.json()["items"], listed.json()["self"]
            assert len(items) == 2 and all(i["alive"] and i["state"] == "alive" for i in items)
            assert {i["workers"] for i in items} == {1, 2} and me in {i["instance_id"] for i in items}
            assert f'id="gateway-{me}"' in http.get("/status").text
        done = subprocess.run([sys.executable, "-m", "shim.cli", "gateway", "list", "--json",
                               "--database-url", federation.control_url], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)) == 2

        # Stopped on purpose (SIGTERM to its main process): stopped at once. Killed: gone after its TTL.
        double.stop()
        wait_until(lambda: sorted(_states(federation).values()) == ["alive", "stopped"], "the stopped instance")
        single.process.send_signal(signal.SIGKILL)
        single.process.wait(30)
        wait_until(lambda: sorted(_states(federation).values()) == ["gone", "stopped"], "the killed instance gone")
    finally:
        single.stop()
        double.stop()


JOBS = {"FEDGATE_JOB_LEASE": "2", "FEDGATE_JOB_POLL": "0.2"}  # a dead driver's jobs move on within ~2 s


def _served(http: httpx.Client, tenant: str) -> str | None:
    """The node that served the tenant's status, or None (held past its bound, refused, unreachable)."""
    try:
        answer = http.get(f"{FED}/tenants/{tenant}/status", timeout=10)
    except httpx.HTTPError:
        return None
    return answer.headers.get("X-Federation-Node") if answer.status_code == 200 else None


def test_a_move_whose_driver_dies_while_the_tenant_is_fenced_is_finished_by_another_instance(
        clusters: list, tmp_path: Path) -> None:
    """Two instances; a move started over the first's admin API; a transaction open on the source holds its
    cutover with the tenant fenced; the first is SIGKILLed there. The second claims the move's job once the
    lease lapses and switches the tenant: no command from anyone, nothing of the move left behind."""
    federation = make_federation(clusters)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    first = start_gateway(federation.control_url, tmp_path / "one", env=JOBS)
    second = start_gateway(federation.control_url, tmp_path / "two", env=JOBS)
    holder = psycopg.connect(federation.urls["eu-west-1"])  # not autocommit: its first statement opens a transaction
    try:
        with second.client() as http:
            tenant = create_tenant(http, "eu-west")
            issue_kit(http, tenant, ["log-shipper"])
        holder.execute("SELECT 1")  # open from before the fence: the cutover waits for it to end
        with first.client() as http:
            started = http.post("/admin/v1/moves", json={"tenantId": tenant, "to": "ap-south-1"})
            assert started.status_code == 202, started.text
            move_id, me = started.json()["move_id"], http.get("/admin/v1/gateways").json()["self"]
        wait_until(lambda: federation.catalog("SELECT fenced FROM federation.federation_moves WHERE move_id = %s",
                                              (move_id,)) == [(True,)], "the cutover fences the tenant")
        assert federation.catalog("SELECT owner_instance FROM federation.jobs WHERE move_id = %s",
                                  (move_id,)) == [(me,)]
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
        holder.rollback()  # the source's old transaction ends; the dead driver's lease lapses by itself
        with second.client() as http:
            wait_until(lambda: _served(http, tenant) == "ap-south-1", "the second instance switches the tenant",
                       timeout=60)
        wait_until(lambda: federation.catalog("SELECT state FROM federation.federation_jobs WHERE move_id = %s",
                                              (move_id,)) == [("done",)], "the move's job done")
        assert federation.catalog("SELECT objects FROM federation.federation_jobs WHERE move_id = %s",
                                  (move_id,)) == [([],)]
        for node in ("eu-west-1", "ap-south-1"):
            assert federation.sql(node, "SELECT count(*) FROM pg_replication_slots") == [(0,)]
            assert federation.sql(node, "SELECT count(*) FROM pg_publication") == [(0,)]
            assert federation.sql(node, "SELECT count(*) FROM pg_subscription") == [(0,)]
    finally:
        holder.close()
        first.stop()
        second.stop()


def _wait_for_lock(federation: Federation) -> None:
    wait_until(lambda: federation.sql("eu-west-1", "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                                   "current_database() AND wait_event_type = 'Lock'") != [(0,)],
               "the write waiting on the lock")


def test_sigterm_lets_a_write_waiting_on_a_lock_finish(clusters: list, tmp_path: Path) -> None:
    """SIGTERM while a kit issuance waits on a row lock on its node: the instance stops taking connections,
    the write is answered 201 once the lock goes, and the instance exits 0 within its grace; the same with
    the signal sent to every process of a two-worker instance's group (systemd's default)."""
    federation = make_federation(clusters)
    for name, workers, group in (("single", 1, False), ("group", 2, True)):
        (tmp_path / name).mkdir()
        gateway = start_gateway(federation.control_url, tmp_path / name, workers=workers, own_group=group)
        holder = psycopg.connect(federation.urls["eu-west-1"])
        answers: list[int] = []
        try:
            with gateway.client() as http:
                tenant = create_tenant(http, "eu-west")
            holder.execute("SELECT 1 FROM onboarding.tenants WHERE id = %s FOR UPDATE", (tenant,))
            writer = threading.Thread(target=lambda: answers.append(gateway.client(timeout=60).post(
                f"{FED}/bootstrap/kit", json={"tenantId": tenant, "agents": ["log-shipper"], "format": "zip"}
            ).status_code))
            writer.start()
            _wait_for_lock(federation)
            if group:
                os.killpg(gateway.process.pid, signal.SIGTERM)
            else:
                gateway.process.send_signal(signal.SIGTERM)
            wait_until(lambda: _refused(gateway.base_url), "the instance stops taking connections")
            assert gateway.process.poll() is None  # still finishing the write
            holder.rollback()
            writer.join(30)
            assert answers == [201], (name, answers)
            assert gateway.process.wait(30) == 0, gateway.log()[-2000:]
        finally:
            holder.close()
            gateway.stop()


def _refused(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/readyz", timeout=2, verify=TLS).status_code != 200
    except httpx.HTTPError:
        return True


def _worker_share(gateway: Gateway, tenant: str) -> dict | None:
    """The share of the tenant's quota the answering worker holds (None: it knows no quota yet)."""
    with gateway.client() as http:
        return http.get(f"/admin/v1/tenants/{tenant}/limits").json().get("workerShare")


def _share(gateway: Gateway, tenant: str) -> int | None:
    """How many live workers the gateway shares the tenant's quota over."""
    found = _worker_share(gateway, tenant)
    return None if found is None else int(found["fleetWorkers"])


def _inflight(gateway: Gateway, tenant: str) -> int | None:
    found = _worker_share(gateway, tenant)
    return None if found is None else found["maxInflight"]


def test_a_tenant_quota_holds_across_the_fleet(clusters: list, tmp_path: Path) -> None:
    """20 requests a second (burst 20) for one tenant over two instances for 6 s: 60 to 170 served, every
    refusal 429 with Retry-After, its neighbour never refused; each instance's share follows the fleet when
    a third instance starts and when it stops."""
    federation = make_federation(clusters)
    for name in ("one", "two", "three"):
        (tmp_path / name).mkdir()
    quick = {"FEDGATE_TENANT_STATS_INTERVAL": "1", "FEDGATE_POOL_TIMEOUT": "1"}
    gateways = [start_gateway(federation.control_url, tmp_path / name, env=quick) for name in ("one", "two")]
    try:
        with gateways[0].client() as http:
            limited, neighbour = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
            assert http.put(f"/admin/v1/tenants/{limited}/limits", json={"requestsPerSecond": "x"}).status_code == 400
            put = http.put(f"/admin/v1/tenants/{limited}/limits", json={"requestsPerSecond": 20, "burst": 20})
            assert put.status_code == 200 and put.json()["requestsPerSecond"] == 20, put.text
        wait_until(lambda: all(_share(g, limited) == 2 for g in gateways), "both instances hold half the quota")
        served, refused, other = [0], [], []
        deadline = time.monotonic() + 6

        def hammer(gateway: Gateway, tenant: str, into: list[int] | None) -> None:
            with gateway.client(headers=bearer("tenant", tenant)) as http:
                while time.monotonic() < deadline:
                    answer = http.get(f"{FED}/tenants/{tenant}/status")
                    if into is not None:
                        if answer.status_code == 200:
                            served[0] += 1
                        else:
                            refused.append((answer.status_code, answer.headers.get("Retry-After"),
                                            answer.json()["code"]))
                    elif answer.status_code != 200:
                        other.append(answer.status_code)
        threads = [threading.Thread(target=hammer, args=(g, limited, served)) for g in gateways for _ in range(2)]
        threads += [threading.Thread(target=hammer, args=(gateways[i % 2], neighbour, None)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        print(f"quota 20/s over 2 instances for 6 s: {served[0]} served, {len(refused)} refused")
        assert 60 <= served[0] <= 170, (served, len(refused))
        assert refused and all(status == 429 and after and int(after) >= 1 and code == "FGW429"
                               for status, after, code in refused), refused[:5]
        assert other == []
        wait_until(lambda: federation.catalog("SELECT coalesce(sum(throttled_1h), 0) FROM "
                                              "federation.federation_tenant_stats WHERE tenant_id = %s",
                                              (limited,)) == [(len(refused),)], "every refusal in the tenant figures")

        third = start_gateway(federation.control_url, tmp_path / "three")
        gateways.append(third)
        wait_until(lambda: all(_share(g, limited) == 3 for g in gateways), "each instance holds a third")
        third.stop()
        wait_until(lambda: all(_share(g, limited) == 2 for g in gateways[:2]), "half again once it stopped")

        # Calls in flight, over the fleet: 2 over two instances is one a worker. With the tenant's row locked
        # on its node, a kit issuance waits there; a second one at the same instance finds no slot: 429.
        with gateways[0].client() as http:
            put = http.put(f"/admin/v1/tenants/{limited}/limits", json={"maxInflight": 2})
            assert put.status_code == 200 and put.json()["requestsPerSecond"] is None, put.text
        wait_until(lambda: all(_inflight(g, limited) == 1 for g in gateways[:2]), "one call in flight a worker")
        holder = psycopg.connect(federation.urls["eu-west-1"])
        try:
            holder.execute("SELECT 1 FROM onboarding.tenants WHERE id = %s FOR UPDATE", (limited,))
            kit = {"tenantId": limited, "agents": ["log-shipper"], "format": "zip"}
            first: list[int] = []
            waiting = threading.Thread(target=lambda: first.append(
                gateways[0].client(timeout=30).post(f"{FED}/bootstrap/kit", json=kit).status_code))
            waiting.start()
            _wait_for_lock(federation)
            with gateways[0].client() as http:
                second = http.post(f"{FED}/bootstrap/kit", json=kit)
            assert second.status_code == 429 and second.json()["code"] == "FGW429", second.text
            with gateways[1].client() as http:  # the other instance holds its own slot
                assert http.get(f"{FED}/tenants/{limited}/status").status_code == 200
        finally:
            holder.close()
        waiting.join(30)
        assert first == [201]
        with gateways[0].client() as http:
            assert http.delete(f"/admin/v1/tenants/{limited}/limits").json() == {"tenantId": limited, "cleared": True}
        wait_until(lambda: all(_share(g, limited) is None for g in gateways[:2]), "the quota lifted everywhere")
    finally:
        for gateway in gateways:
            gateway.stop()
