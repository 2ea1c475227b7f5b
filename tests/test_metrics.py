"""Metrics of the whole gateway (two workers, one scrape), parsed with prometheus-client's own parser;
request ids from the client to pg_stat_activity; the JSON access log."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api_client import FED, create_tenant
from tests.waiting import wait_until
from tests.federation import Federation, Gateway, bearer, gateway_on_fresh_federation, http_client

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

ENV = {"FEDGATE_HEALTH_INTERVAL": "0.3", "FEDGATE_POOL_TIMEOUT": "1", "FEDGATE_BREAKER_THRESHOLD": "1"}


def scrape(http: httpx.Client) -> dict[tuple[str, frozenset], float]:
    resp = http.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(resp.text) for sample in family.samples}


def total(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


@pytest.fixture()
def two_workers(clusters, tmp_path: Path) -> Iterator[tuple[Federation, Gateway]]:
    with gateway_on_fresh_federation(clusters, tmp_path, workers=2, env=ENV) as both:
        yield both


def test_one_scrape_shows_every_worker_and_the_figures_move(two_workers: tuple[Federation, Gateway]) -> None:
    fed, gw = two_workers
    with gw.client() as http:
        tenant = create_tenant(http, "eu-west")
        far = create_tenant(http, "ap-south")
        time.sleep(1.2)
        before = scrape(http)
        # Fresh connections: the two workers answer them in turn.
        for _ in range(40):
            with http_client(base_url=gw.base_url, headers=bearer(), timeout=10) as one:
                assert one.get(f"{FED}/tenants/{tenant}/status").status_code == 200
        assert_error_count = 0
        for _ in range(5):
            if http.get(f"{FED}/tenants/not-a-uuid/status").status_code == 400:
                assert_error_count += 1
        time.sleep(1.2)  # each worker copies its own figures once a second
        after = scrape(http)
    served = dict(endpoint="getTenantStatus", namespace="federated", node="eu-west-1", status_class="2xx")
    assert total(after, "fedgate_request_duration_seconds_count", **served) - \
        total(before, "fedgate_request_duration_seconds_count", **served) == 40
    assert total(after, "fedgate_request_duration_seconds_count", status_class="4xx") - \
        total(before, "fedgate_request_duration_seconds_count", status_class="4xx") == assert_error_count == 5
    assert total(after, "fedgate_request_duration_seconds_bucket", le="+Inf", **served) >= 40
    assert total(after, "fedgate_request_duration_seconds_sum", **served) > 0
    # Both workers served: their cache hits add up in one scrape (a worker's own count would be less).
    hits = total(after, "fedgate_resolution_cache_hits_total") - total(before, "fedgate_resolution_cache_hits_total")
    assert hits >= 38, hits
    assert total(after, "fedgate_resolution_cache_misses_total") >= 1
    assert total(after, "fedgate_catalog_roundtrips_total") >= 1
    assert total(after, "fedgate_resolution_cache_entries", kind="mapped") >= 1
    assert total(after, "fedgate_node_pool_connections", node="eu-west-1") >= 1
    assert total(after, "fedgate_node_pool_requests_total", node="eu-west-1") >= 40
    assert ("fedgate_node_pool_wait_seconds_total", frozenset({("node", "eu-west-1")})) in after
    assert total(after, "fedgate_health_check_seconds_count", node="eu-west-1", result="healthy") >= 1
    assert total(after, "fedgate_node_healthy", node="ap-south-1") == 1
    assert not any("tenant" in dict(labels) for _, labels in after)  # no tenant label, anywhere

    # A node stopped for real: its health and breaker show it, and its requests count as 5xx.
    ap = fed.clusters[2]

    def hammer() -> None:  # requests in flight as the node goes: they meet it gone before the checker does
        with http_client(base_url=gw.base_url, headers=bearer(), timeout=10) as one:
            end = time.monotonic() + 3
            while time.monotonic() < end:
                one.get(f"{FED}/tenants/{far}/status")
    hammering = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in hammering:
        thread.start()
    time.sleep(0.3)
    ap.stop_server()
    for thread in hammering:
        thread.join()
    with gw.client() as http:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            http.get(f"{FED}/tenants/{far}/status")
            time.sleep(0.1)
            now = scrape(http)
            if total(now, "fedgate_node_healthy", node="ap-south-1") == 0 and \
                    total(now, "fedgate_node_breaker_opens_total", node="ap-south-1") >= 1:
                break
        assert total(now, "fedgate_node_healthy", node="ap-south-1") == 0
        assert total(now, "fedgate_node_breaker_opens_total", node="ap-south-1") >= 1
        assert total(now, "fedgate_health_check_seconds_count", node="ap-south-1", result="unhealthy") >= 1
        assert total(now, "fedgate_request_duration_seconds_count", status_class="5xx") >= 1
    ap.start_server()


def test_moves_in_progress_are_counted(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        with psycopg.connect(federation.control_url) as conn:  # one transaction: no gateway sees its job unclaimed
            move_id = conn.execute("SELECT move_id FROM federation.start_move(%s, 'ap-south-1')",
                                   (tenant,)).fetchone()[0]  # type: ignore[index]
            conn.execute("SELECT federation.claim_job(job_id, 'test/dead-driver', NULL, '1 hour') "
                         "FROM federation.jobs WHERE move_id = %s", (move_id,))  # its driver died: nobody drives it
        try:
            deadline = time.monotonic() + 10
            while total(scrape(http), "fedgate_moves_in_progress", state="copying") < 1:
                assert time.monotonic() < deadline, "the open move never showed"
                time.sleep(0.3)
            # The seconds since its last progress are exported, and they grow.
            first = scrape(http)
            assert ("fedgate_move_idle_seconds_max", frozenset()) in first, sorted(n for n, _ in first)
            wait_until(lambda: total(scrape(http), "fedgate_move_idle_seconds_max")
                       > total(first, "fedgate_move_idle_seconds_max"), "the idle move's seconds grow", every=0.3)
        finally:
            federation.catalog("SELECT federation.abort_move(%s)", (move_id,))
        deadline = time.monotonic() + 10
        while total(scrape(http), "fedgate_moves_in_progress") > 0:
            assert time.monotonic() < deadline, "the aborted move still counted"
            time.sleep(0.3)


def test_a_request_id_leads_from_the_client_to_pg_stat_activity(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        given = http.get(f"{FED}/tenants/{tenant}/status", headers={"X-Request-ID": "trace-abc.123"})
        assert given.headers["X-Request-ID"] == "trace-abc.123"
        made = http.get(f"{FED}/tenants/{tenant}/status").headers["X-Request-ID"]
        again = http.get(f"{FED}/tenants/{tenant}/status").headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", made) and again != made and again[:13] == made[:13]
        odd = http.get(f"{FED}/tenants/{tenant}/status", headers={"X-Request-ID": "bad id;" + "x" * 80})
        assert re.fullmatch(r"[0-9a-f]{12}-[0-9a-f]+", odd.headers["X-Request-ID"])
        assert http.get("/healthz").headers["X-Request-ID"]
        # A write blocked on the node by a DBA's row lock: pg_stat_activity names its request.
        holder = psycopg.connect(federation.urls["eu-west-1"])
        holder.execute("SELECT 1 FROM onboarding.tenants WHERE id = %s FOR UPDATE", (tenant,))
        answer: list[httpx.Response] = []
        with http_client(base_url=gateway.base_url, headers=bearer(), timeout=15) as blocked:
            thread = threading.Thread(target=lambda: answer.append(blocked.post(
                f"{FED}/identity/validate", json={"tenantId": tenant, "type": "oidc", "config": {}},
                headers={"X-Request-ID": "slow-write-42"})))
            thread.start()
            try:
                deadline = time.monotonic() + 5
                seen: list = []
                while not (seen and seen[0][2] == "Lock") and time.monotonic() < deadline:
                    seen = federation.sql("eu-west-1", "SELECT usename, state, wait_event_type FROM pg_stat_activity "
                                          "WHERE application_name = 'fedgate slow-write-42'")
                    time.sleep(0.05)
                assert seen and seen[0][0] == "fedgate_gateway" and seen[0][2] == "Lock", seen
            finally:
                holder.rollback()
                holder.close()
                thread.join(15)
        assert answer and answer[0].status_code == 200
        # The statement over, the connection's name is back.
        assert federation.sql("eu-west-1", "SELECT count(*) FROM pg_stat_activity "
                              "WHERE application_name = 'fedgate slow-write-42'") == [(0,)]
    time.sleep(0.3)
    lines = [json.loads(line) for line in gateway.log().splitlines() if line.startswith('{"time"')]
    traced = [line for line in lines if line["requestId"] == "trace-abc.123"]
    assert traced == [{**traced[0], "method": "GET", "route": "federated.getTenantStatus", "status": 200,
                       "node": "eu-west-1", "tenant": tenant}]
    assert set(traced[0]) == {"time", "requestId", "method", "route", "status", "node", "tenant", "ms"}
    assert traced[0]["ms"] > 0
    assert any(line["requestId"] == "slow-write-42" and line["status"] == 200 for line in lines)
    assert "Bearer" not in gateway.log() and "eyJ" not in gateway.log()  # no token in the log


def test_a_client_that_hangs_up_is_not_a_server_error(gateway: Gateway) -> None:
    """Half a request, then the connection closed: the 5xx count of the server-error alert does not move
    (it rose by one a connection); the abandoned requests are counted in 4xx, as 499 in the access log."""
    host, port = urlsplit(gateway.base_url).hostname, urlsplit(gateway.base_url).port
    with gateway.client() as http:
        before = scrape(http)
        for _ in range(20):
            with socket.create_connection((host, port), timeout=10) as sock:
                sock.sendall(b"POST /federation/api/onboarding/tenants HTTP/1.1\r\nHost: fedgate\r\n"
                             b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\": ")
        name = "fedgate_request_duration_seconds_count"
        wait_until(lambda: total(scrape(http), name, status_class="4xx") - total(before, name, status_class="4xx")
                   >= 20, "the 20 abandoned requests counted")
        assert total(scrape(http), name, status_class="5xx") == total(before, name, status_class="5xx")
