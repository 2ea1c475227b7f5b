"""The resolution cache: hot tenants survive a flood of random tenant ids, and a node's health flip
drops only the resolutions that node can change."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import httpx

from tests.api_client import FED, create_tenant
from tests.federation import Federation, start_gateway
from tests.waiting import wait_until


def _metric(http: httpx.Client, line: str) -> int:
    text = http.get("/metrics").text
    return int(float(re.search(rf"^{re.escape(line)} ([0-9.]+)$", text, re.MULTILINE).group(1)))


def _roundtrips(http: httpx.Client) -> int:
    return _metric(http, "fedgate_catalog_roundtrips_total")


def test_a_flood_of_random_tenant_ids_leaves_hot_tenants_cached(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_CACHE_TENANTS": "50",
                                                              "FEDGATE_CACHE_UNMAPPED": "100"})
    try:
        # The health checker's first report of each node notifies (a health row appears) and drops what
        # that node's tenants resolved to: wait for it first, or a hot tenant is resolved once more.
        wait_until(lambda: federation.catalog("SELECT count(*) FROM federation.federation_node_health")[0][0]
                   >= len(federation.urls), "every node's first health report")
        with gw.client() as http:
            hot = [create_tenant(http, "eu-west") for _ in range(3)]

            def warm() -> bool:
                # A tenant's creation notifies; the listener may read that NOTIFY after the tenant's first
                # resolution was cached, and drop it. Warm until a pass over the hot tenants costs nothing.
                start = _roundtrips(http)
                for tenant in hot:
                    assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
                return _roundtrips(http) == start
            wait_until(warm, "a pass over the hot tenants without a catalog round trip")
            for _ in range(400):  # four times what the unmapped side holds
                assert http.get(f"{FED}/tenants/{uuid.uuid4()}/status").status_code == 404
            before = _roundtrips(http)
            for _ in range(10):
                for tenant in hot:
                    assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
            assert _roundtrips(http) == before  # not one catalog round trip for the hot tenants
            assert _metric(http, 'fedgate_resolution_cache_evictions_total{kind="unmapped"}') >= 300
            assert _metric(http, 'fedgate_resolution_cache_evictions_total{kind="mapped"}') == 0
            assert _metric(http, 'fedgate_resolution_cache_entries{kind="unmapped"}') == 100
    finally:
        gw.stop()


def test_a_health_flip_drops_only_what_that_node_can_change(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_HEALTH_INTERVAL": "60"})
    try:
        with gw.client() as http:
            eu, ap = create_tenant(http, "eu-west"), create_tenant(http, "ap-south")
            for tenant in (eu, ap):
                assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
            federation.catalog("SELECT federation.report_node_health('ap-south-1', false, NULL, 'test')")
            deadline = time.monotonic() + 5
            while http.get(f"{FED}/tenants/{ap}/status").status_code != 503:  # the flip reached the gateway
                assert time.monotonic() < deadline, "the health flip never reached the gateway"
                time.sleep(0.05)
            before = _roundtrips(http)
            for _ in range(5):
                assert http.get(f"{FED}/tenants/{eu}/status").status_code == 200
            assert _roundtrips(http) == before  # eu-west-1's tenant kept its resolution
            federation.catalog("SELECT federation.report_node_health('ap-south-1', true, 1, NULL)")
            deadline = time.monotonic() + 5
            while http.get(f"{FED}/tenants/{ap}/status").status_code != 200:  # and the way back
                assert time.monotonic() < deadline, "the recovery never reached the gateway"
                time.sleep(0.05)
    finally:
        gw.stop()
