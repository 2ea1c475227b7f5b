"""Read replicas: a tenant's GETs go to a streaming replica of its node (pg_basebackup -R of the
eu-west cluster, made here) while it is within its lag bound; a caller who sends back the position a
write answered with never reads an older state; a paused or stopped replica stops serving reads with
no error to anyone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest

from shim.dev.clusters import Cluster, start_replica, stop_clusters
from tests.waiting import wait_until
from tests.api_client import FED, assert_error, create_tenant
from tests.federation import Federation, Gateway, make_federation, start_gateway

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

NODE, REPLICA = "eu-west-1", "eu-west-1-r1"
ENV = {"FEDGATE_HEALTH_INTERVAL": "0.3", "FEDGATE_POOL_TIMEOUT": "1", "FEDGATE_BREAKER_RESET": "0.5"}


def _fedgate(federation: Federation, *args: str) -> subprocess.CompletedProcess[str]:
    flag = "--control-url" if args[:2] == ("node", "add-replica") else "--database-url"
    return subprocess.run([sys.executable, "-m", "shim.cli", *args, flag, federation.control_url],
                          capture_output=True, text=True, timeout=60, env=dict(os.environ))




@pytest.fixture(scope="module")
def replicated(clusters: list[Cluster], tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[Federation, Gateway, Cluster]]:
    federation = make_federation(clusters)
    replica = start_replica(clusters[1])
    url = replica.url(database=federation.name)
    done = _fedgate(federation, "node", "add-replica", NODE, REPLICA, "--database-url", url, "--max-lag", "1s")
    assert done.returncode == 0, done.stderr
    gw = start_gateway(federation.control_url, tmp_path_factory.mktemp("replicas"), env=ENV)
    try:
        yield federation, gw, replica
    finally:
        gw.stop()
        stop_clusters([replica])


def _serving(federation: Federation) -> bool:
    return federation.catalog("SELECT serving_reads FROM federation.federation_replica_status WHERE replica_id = %s",
                              (REPLICA,)) == [(True,)]


def test_reads_land_on_the_replica(replicated: tuple[Federation, Gateway, Cluster]) -> None:
    federation, gw, _ = replicated
    wait_until(lambda: _serving(federation), "the replica serves reads")
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        written = http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant})
        lsn = written.headers["X-Federation-LSN"]

        def on_replica() -> bool:  # the replica may be a few milliseconds behind the write: then the node answers
            nonlocal read
            read = http.get(f"{FED}/tenants/{tenant}/status", headers={"X-Federation-LSN": lsn})
            assert read.status_code == 200 and read.json()["tenantId"] == tenant
            return "X-Federation-Replica" in read.headers
        read = None
        wait_until(on_replica, "a read on the replica")
        assert read is not None
        assert read.headers["X-Federation-Node"] == NODE and read.headers["X-Federation-Replica"] == REPLICA
        assert_error(http.get(f"{FED}/tenants/{tenant}/status", headers={"X-Federation-LSN": "yesterday"}),
                     400, "FGW108")
    listing = _fedgate(federation, "node", "list")
    assert listing.returncode == 0 and REPLICA in listing.stdout and "lag_bytes" in listing.stdout
    assert "postgresql://" not in listing.stdout


def test_a_caller_never_reads_older_than_its_own_write(replicated: tuple[Federation, Gateway, Cluster]) -> None:
    federation, gw, _ = replicated
    wait_until(lambda: _serving(federation), "the replica serves reads")
    served: Counter[str] = Counter()
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        newest = 0
        for i in range(150):
            written = http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant})
            assert written.status_code == 200
            if i % 10 == 9:
                time.sleep(0.4)  # now and then the replica has caught up (the test clusters commit asynchronously)
            read = http.get(f"{FED}/tenants/{tenant}/activity", params={"limit": 1},
                            headers={"X-Federation-LSN": written.headers["X-Federation-LSN"]})
            assert read.status_code == 200, read.text
            latest = read.json()["items"][0]["id"]
            assert latest > newest, "the read showed a state older than the caller's own write"
            newest = latest
            served[read.headers.get("X-Federation-Replica", "primary")] += 1
    print(f"150 write-then-read rounds: {dict(served)}")
    assert served[REPLICA] > 0  # the replica kept up often enough to serve some of them


def test_a_paused_replica_stops_serving_reads(replicated: tuple[Federation, Gateway, Cluster]) -> None:
    federation, gw, replica = replicated
    wait_until(lambda: _serving(federation), "the replica serves reads")
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        with psycopg.connect(replica.url(database=federation.name), autocommit=True) as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
            try:
                for _ in range(5):  # writes the replica does not replay
                    http.post(f"{FED}/identity/validate", json={"type": "oidc", "config": {}, "tenantId": tenant})
                wait_until(lambda: not _serving(federation), "the lagging replica stops serving")
                # The gateway hears of it (NOTIFY): reads leave the replica, and none goes back to it.
                wait_until(lambda: "X-Federation-Replica" not in http.get(f"{FED}/tenants/{tenant}/status").headers,
                           "reads leave the lagging replica")
                for _ in range(20):
                    read = http.get(f"{FED}/tenants/{tenant}/status")
                    assert read.status_code == 200 and "X-Federation-Replica" not in read.headers
            finally:
                conn.execute("SELECT pg_wal_replay_resume()")
    wait_until(lambda: _serving(federation), "the replica serves again once it caught up")


def test_a_stopped_replica_costs_no_errors(replicated: tuple[Federation, Gateway, Cluster]) -> None:
    federation, gw, replica = replicated
    wait_until(lambda: _serving(federation), "the replica serves reads")
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        wait_until(lambda: http.get(f"{FED}/tenants/{tenant}/status").headers.get("X-Federation-Replica") == REPLICA,
                   "its reads are on the replica")
        replica.stop_server()
        statuses = Counter(http.get(f"{FED}/tenants/{tenant}/status").status_code for _ in range(200))
        assert statuses == Counter({200: 200}), statuses
        wait_until(lambda: not _serving(federation), "the stopped replica is reported")
        replica.start_server()
    wait_until(lambda: _serving(federation), "the restarted replica serves again")


def test_a_replica_in_another_region_never_serves_a_restricted_tenant(
        replicated: tuple[Federation, Gateway, Cluster]) -> None:
    """The replica registered as running in ap-south: an unrestricted tenant's reads go to it, those of a tenant
    restricted to eu-west never do; a second such replica is refused (and the refusal recorded) while that
    tenant is on the node."""
    federation, gw, replica = replicated
    url = replica.url(database=federation.name)
    moved = _fedgate(federation, "node", "add-replica", NODE, REPLICA, "--database-url", url, "--max-lag", "1s",
                     "--region", "ap-south")
    assert moved.returncode == 0, moved.stderr
    try:
        wait_until(lambda: _serving(federation), "the replica serves reads")
        with gw.client() as http:
            free, held = create_tenant(http, "eu-west"), create_tenant(http, "eu-west", residency=["eu-west"])
            wait_until(lambda: http.get(f"{FED}/tenants/{free}/status").headers.get("X-Federation-Replica") == REPLICA,
                       "an unrestricted tenant's reads are on the replica")
            reads = [http.get(f"{FED}/tenants/{held}/status") for _ in range(30)]
            assert all(r.status_code == 200 and "X-Federation-Replica" not in r.headers for r in reads)
        refused = _fedgate(federation, "node", "add-replica", NODE, "eu-west-1-r2", "--database-url", url,
                           "--region", "ap-south")
        assert refused.returncode == 1 and "outside" in refused.stderr, refused.stderr
        assert federation.catalog("SELECT action, decision, tenant_id::text FROM federation.federation_residency_events "
                                  "WHERE node_id = %s AND decision = 'refused'", (NODE,)) == [("replica", "refused", held)]
    finally:
        back = _fedgate(federation, "node", "add-replica", NODE, REPLICA, "--database-url", url, "--max-lag", "1s")
        assert back.returncode == 0, back.stderr


def test_a_promoted_replica_serves_no_reads(replicated: tuple[Federation, Gateway, Cluster]) -> None:
    """Last in this module: a promotion is for good."""
    federation, gw, replica = replicated
    wait_until(lambda: _serving(federation), "the replica serves reads")
    with psycopg.connect(replica.url(database=federation.name), autocommit=True) as conn:
        conn.execute("SELECT pg_promote()")
    wait_until(lambda: not _serving(federation), "the promoted replica is reported")
    [(error,)] = federation.catalog("SELECT last_error FROM federation.federation_replica_status WHERE replica_id = %s",
                                    (REPLICA,))
    assert "not a replica" in error
    time.sleep(0.2)
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        reads = [http.get(f"{FED}/tenants/{tenant}/status") for _ in range(20)]
    assert all(r.status_code == 200 and "X-Federation-Replica" not in r.headers for r in reads)
