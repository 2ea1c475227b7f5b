"""The control database fails over (issue 22, item 4): a gateway on a libpq multi-host URL with
target_session_attrs=read-write keeps serving warm tenants while the primary is gone, creates tenants
again once a standby is promoted, and hears the catalog's notifications from the new primary."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from shim.actions.migrate import migrate
from shim.dev.clusters import Cluster, start_clusters, start_replica, stop_clusters
from tests.api_client import FED, create_tenant
from tests.autofailover import Formation
from tests.conftest import CLUSTER_ARGS, _migrated_data
from tests.federation import Federation, create_database, make_federation, start_gateway
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not


@pytest.fixture()
def control_pair() -> Iterator[tuple[Cluster, Cluster]]:
    """A control cluster of its own (migrated) and a streaming standby of it."""
    [primary] = start_clusters(1, extra_args=CLUSTER_ARGS, data_from=[_migrated_data()["control"]])
    standby = None
    try:
        standby = start_replica(primary)
        yield primary, standby
    finally:
        stop_clusters([c for c in (primary, standby) if c is not None])


def _multi_host(federation: Federation, primary: Cluster, standby: Cluster) -> str:
    database = federation.control_url.rsplit("/", 1)[1]
    return (f"postgresql://postgres@127.0.0.1:{primary.settings['port']},127.0.0.1:{standby.settings['port']}"
            f"/{database}?target_session_attrs=read-write")


def _status(http: httpx.Client, tenant: str) -> tuple[int, str | None]:
    try:
        answer = http.get(f"{FED}/tenants/{tenant}/status", timeout=10)
    except httpx.HTTPError:
        return 0, None
    return answer.status_code, answer.headers.get("X-Federation-Node")


def _cache_hits(http: httpx.Client) -> float:
    found = re.search(r"^fedgate_resolution_cache_hits_total (\S+)$", http.get("/metrics").text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _warm(http: httpx.Client, federation: Federation, tenant: str) -> None:
    """The tenant's resolution in the gateway's cache for good: after the health checker's first reports
    (a node's first report flips its health, and the gateway drops what that node's tenants resolved to),
    a status answered from the cache."""
    wait_until(lambda: federation.catalog("SELECT count(*) FROM federation.federation_node_health") ==
               [(len(federation.urls),)], "every node's first health report")

    def cached() -> bool:
        hits = _cache_hits(http)
        return _status(http, tenant) == (200, "eu-west-1") and _cache_hits(http) > hits
    wait_until(cached, "the tenant's resolution cached")


def test_the_gateway_rides_a_control_database_failover(clusters: list[Cluster], control_pair: tuple[Cluster, Cluster],
                                                       tmp_path: Path) -> None:
    primary, standby = control_pair
    federation = make_federation([primary, clusters[1], clusters[2]])
    url = _multi_host(federation, primary, standby)
    gateway = start_gateway(url, tmp_path, env={"FEDGATE_DATABASE_URL": url})
    try:
        with gateway.client() as http:
            warm = create_tenant(http, "eu-west")
            _warm(http, federation, warm)
            primary.stop_server()
            served = [_status(http, warm) for _ in range(10)]  # the catalog gone: from the resolution cache
            assert served == [(200, "eu-west-1")] * 10, served
            with psycopg.connect(standby.url(federation.name), autocommit=True) as conn:
                assert conn.execute("SELECT pg_promote(true, 60)").fetchone() == (True,)
            promoted = time.monotonic()
            created: list[str] = []

            def creates() -> bool:
                answer = http.post(f"{FED}/tenants", json={"name": f"after-{len(created)}", "region": "eu-west"})
                if answer.status_code == 201:
                    created.append(answer.json()["tenantId"])
                return bool(created)
            wait_until(creates, "a tenant created on the promoted standby", timeout=30, every=0.5)
            print(f"a tenant created {time.monotonic() - promoted:.1f} s after the promotion")
            assert _status(http, warm) == (200, "eu-west-1")
            assert _status(http, created[0]) == (200, "eu-west-1")

            # A change made on the new primary reaches the gateway: its LISTEN was re-established there.
            with psycopg.connect(standby.url(federation.name), autocommit=True) as conn:
                conn.execute("SELECT federation.set_node_status('eu-west-1', 'down')")
            wait_until(lambda: _status(http, warm) != (200, "eu-west-1"), "the node's status change heard")
            with psycopg.connect(standby.url(federation.name), autocommit=True) as conn:
                conn.execute("SELECT federation.set_node_status('eu-west-1', 'active')")
            wait_until(lambda: _status(http, warm) == (200, "eu-west-1"), "and its return")
    finally:
        gateway.stop()


def test_pg_auto_failover_moves_the_control_database_under_a_gateway(clusters: list[Cluster], tmp_path: Path) -> None:
    """The same through a real failover manager: pg_auto_failover's monitor promotes the secondary
    (`pg_autoctl perform failover`); the gateway, on the formation's multi-host URL, follows it."""
    formation = Formation().start()
    gateway = None
    try:
        migrate(formation.url(formation.primary()), "control")
        federation = Federation("fedctl", [], {"default": formation.url(formation.primary())})
        for node_id, region, cluster in (("eu-west-1", "eu-west", clusters[1]), ("ap-south-1", "ap-south", clusters[2])):
            federation.urls[node_id] = create_database(cluster, f"fedctl_{uuid.uuid4().hex[:8]}")
            federation.catalog("SELECT federation.add_node(%s, %s, %s)", (node_id, region, federation.urls[node_id]))
        url = formation.multi_host_url()
        gateway = start_gateway(url, tmp_path, env={"FEDGATE_DATABASE_URL": url})
        with gateway.client() as http:
            warm = create_tenant(http, "eu-west")
            before = formation.primary()
            formation.failover()
            assert formation.primary() != before
            assert _status(http, warm) == (200, "eu-west-1")
            wait_until(lambda: http.post(f"{FED}/tenants", json={"name": "after", "region": "eu-west"}).status_code
                       == 201, "a tenant created on the new primary", timeout=30, every=0.5)
            with psycopg.connect(formation.url(formation.primary()), autocommit=True) as conn:
                conn.execute("SELECT federation.set_node_status('eu-west-1', 'down')")
            wait_until(lambda: _status(http, warm) != (200, "eu-west-1"), "the change made on the new primary heard")
    finally:
        if gateway is not None:
            gateway.stop()
        formation.stop()
