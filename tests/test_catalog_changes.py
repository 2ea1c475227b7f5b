"""Routing changes reach a running gateway through NOTIFY, without a restart."""

from __future__ import annotations

import uuid

import httpx

from tests.federation import Federation, Gateway
from tests.waiting import wait_until

FED = "/federation/api/onboarding"


def _wait_for_node(http: httpx.Client, url: str, node: str, headers: dict) -> None:
    """Until the gateway sends ``url`` to ``node`` (the catalog's NOTIFY reached it)."""
    wait_until(lambda: http.get(url, headers=headers).headers.get("X-Federation-Node") == node, f"{url} on {node}")


def test_a_new_route_takes_effect_without_a_restart(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        created = http.post(f"{FED}/tenants", json={"name": f"mover-{uuid.uuid4().hex[:6]}", "region": "eu-west"})
        tid = created.json()["tenantId"]
        url = f"{FED}/tenants/{tid}/status"
        headers = {"X-Region": "ap-south"}
        assert http.get(url, headers=headers).headers["X-Federation-Node"] == "eu-west-1"  # now cached
        # A copy of the tenant on the ap-south node, then a route to it.
        federation.sql("ap-south-1", "SELECT api.create_tenant(%s, %s)",
                       (tid, '{"name": "copy", "region": "eu-west"}'))
        federation.catalog("SELECT add_route(%s, 'ap-south', 'ap-south-1', 100, true, p_shared_data => true)", (tid,))
        _wait_for_node(http, url, "ap-south-1", headers)
        assert http.get(url, headers=headers).headers["X-Federation-Reason"] == "region_route"
        # Removing the route sends it back.
        federation.catalog("SELECT remove_route(%s, 'ap-south', 'ap-south-1')", (tid,))
        _wait_for_node(http, url, "eu-west-1", headers)


def test_a_node_marked_down_fails_over_and_back(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        created = http.post(f"{FED}/tenants", json={"name": f"fo-{uuid.uuid4().hex[:6]}", "region": "ap-south"})
        tid = created.json()["tenantId"]
        url = f"{FED}/tenants/{tid}/status"
        assert http.get(url).headers["X-Federation-Node"] == "ap-south-1"
        federation.catalog("SELECT set_node_status('ap-south-1', 'down')")
        try:
            wait_until(lambda: http.get(url).status_code == 503, "503 for a tenant whose node is down")
            resp = http.get(url)
            assert resp.headers["Retry-After"]
            assert resp.json()["code"] == "FGW503"
            assert "no serving node" in resp.json()["message"]
        finally:
            federation.catalog("SELECT set_node_status('ap-south-1', 'active')")
        _wait_for_node(http, url, "ap-south-1", {})


def test_a_new_node_is_usable_without_restart(gateway: Gateway, federation: Federation) -> None:
    # A second node in eu-west, pointing at the same database as eu-west-1 for the test.
    federation.catalog("SELECT add_node('eu-west-9', 'eu-west', %s, 0, 100)", (federation.urls["eu-west-1"],))
    federation.catalog("SELECT set_node_status('eu-west-1', 'draining')")
    try:
        with gateway.client() as http:
            def placed_on_the_new_node() -> bool:
                resp = http.post(f"{FED}/tenants", json={"name": f"nn-{uuid.uuid4().hex[:6]}", "region": "eu-west"})
                assert resp.status_code == 201, resp.text
                return bool(resp.headers["X-Federation-Node"] == "eu-west-9")
            wait_until(placed_on_the_new_node, "a tenant placed on the new node")
    finally:
        federation.catalog("SELECT set_node_status('eu-west-1', 'active')")
        federation.catalog("SELECT set_node_status('eu-west-9', 'down')")
