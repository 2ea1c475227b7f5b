"""Routing changes reach a running gateway through NOTIFY, without a restart."""

from __future__ import annotations

import time
import uuid

import httpx

from tests.federation import Federation, Gateway

FED = "/federation/api/onboarding"


def _wait_for_node(http: httpx.Client, url: str, node: str, headers: dict, within: float = 2.0) -> float:
    start = time.monotonic()
    while True:
        resp = http.get(url, headers=headers)
        if resp.headers.get("X-Federation-Node") == node:
            return time.monotonic() - start
        assert time.monotonic() - start < within, f"still {resp.headers.get('X-Federation-Node')}: {resp.text}"
        time.sleep(0.02)


def test_a_new_route_takes_effect_within_a_second(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        created = http.post(f"{FED}/tenants", json={"name": f"mover-{uuid.uuid4().hex[:6]}", "region": "eu-west"})
        tid = created.json()["tenantId"]
        url = f"{FED}/tenants/{tid}/status"
        headers = {"X-Region": "ap-south"}
        assert http.get(url, headers=headers).headers["X-Federation-Node"] == "eu-west-1"  # now cached
        # A copy of the tenant on the ap-south node, then a route to it.
        federation.sql("ap-south-1", "SELECT api.create_tenant(%s, %s)",
                       (tid, '{"name": "copy", "region": "eu-west"}'))
        federation.catalog("SELECT add_route(%s, 'ap-south', 'ap-south-1', 100, true)", (tid,))
        took = _wait_for_node(http, url, "ap-south-1", headers, within=1.0)
        assert http.get(url, headers=headers).headers["X-Federation-Reason"] == "region_route"
        # Removing the route sends it back.
        federation.catalog("SELECT remove_route(%s, 'ap-south', 'ap-south-1')", (tid,))
        _wait_for_node(http, url, "eu-west-1", headers, within=1.0)
    assert took < 1.0


def test_a_node_marked_down_fails_over_and_back(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        created = http.post(f"{FED}/tenants", json={"name": f"fo-{uuid.uuid4().hex[:6]}", "region": "ap-south"})
        tid = created.json()["tenantId"]
        url = f"{FED}/tenants/{tid}/status"
        assert http.get(url).headers["X-Federation-Node"] == "ap-south-1"
        federation.catalog("SELECT set_node_status('ap-south-1', 'down')")
        try:
            deadline = time.monotonic() + 1.0
            while (resp := http.get(url)).status_code != 503:
                assert time.monotonic() < deadline, resp.text
                time.sleep(0.02)
            assert resp.headers["Retry-After"]
            assert resp.json()["code"] == "FGW503"
            assert "no serving node" in resp.json()["message"]
        finally:
            federation.catalog("SELECT set_node_status('ap-south-1', 'active')")
        _wait_for_node(http, url, "ap-south-1", {}, within=2.0)


def test_a_new_node_is_usable_without_restart(gateway: Gateway, federation: Federation) -> None:
    # A second node in eu-west, pointing at the same database as eu-west-1 for the test.
    federation.catalog("SELECT add_node('eu-west-9', 'eu-west', %s, 0, 100)", (federation.urls["eu-west-1"],))
    federation.catalog("SELECT set_node_status('eu-west-1', 'draining')")
    try:
        with gateway.client() as http:
            deadline = time.monotonic() + 2
            while True:
                resp = http.post(f"{FED}/tenants", json={"name": f"nn-{uuid.uuid4().hex[:6]}", "region": "eu-west"})
                assert resp.status_code == 201, resp.text
                if resp.headers["X-Federation-Node"] == "eu-west-9":
                    break
                assert time.monotonic() < deadline
    finally:
        federation.catalog("SELECT set_node_status('eu-west-1', 'active')")
        federation.catalog("SELECT set_node_status('eu-west-9', 'down')")
