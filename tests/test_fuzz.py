"""Fuzz every endpoint of both namespaces: thousands of generated requests, no 500, no hang."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX
from tests.api_client import ERROR_SHAPE, create_tenant, issue_kit
from tests.federation import Gateway, bearer, http_client

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

EXAMPLES = 400  # raw, malformed requests; tests/test_contract.py adds schema-driven ones (make fuzz: many more)
KNOWN_FIELDS = ["tenantId", "name", "region", "contactEmail", "metadata", "agents", "regions", "format", "kitId",
                "token", "hostname", "agentType", "version", "type", "config", "agentId", "cpuPercent", "memoryMb",
                "eventsSent", "status", "limit", "cursor", "window"]
QUERY_KEYS = ["tenantId", "region", "limit", "cursor", "window", "kitId", "x"]

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=60).map(str.strip)
json_scalars = st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False) | st.text(max_size=300)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=20)


@pytest.fixture(scope="module")
def known(gateway: Gateway) -> dict[str, str]:
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        kit = issue_kit(http, tenant, ["log-shipper"])
    return {"tenant": tenant, "kit": kit.headers["X-Kit-Id"]}


def requests(known: dict[str, str]) -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    ids = st.sampled_from([known["tenant"], str(uuid.uuid4()), known["kit"]]) | header_text
    regions = st.sampled_from(["eu-west", "ap-south", "us-east", "mars", "EU-WEST", ""]) | header_text

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
        endpoint = draw(st.sampled_from(ENDPOINTS))
        prefix = draw(st.sampled_from([FEDERATED_PREFIX, LEGACY_PREFIX]))
        path = endpoint.path.replace("<tenantId>", re.sub(r"[/?#]", "", draw(ids)) or "x")
        kwargs: dict[str, Any] = {}
        params = draw(st.dictionaries(st.sampled_from(QUERY_KEYS), ids | regions | header_text, max_size=4))
        if params:
            kwargs["params"] = params
        headers = {}
        if draw(st.booleans()):
            headers["X-Tenant-ID"] = draw(ids)
        if draw(st.booleans()):
            headers["X-Region"] = draw(regions)
        if endpoint.method == "POST":
            shaped = st.dictionaries(st.sampled_from(KNOWN_FIELDS), json_values | ids, max_size=8)
            body = draw(shaped | json_values)
            if draw(st.integers(0, 9)) == 0:
                kwargs["content"] = draw(st.binary(max_size=200))
            else:
                kwargs["content"] = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        kwargs["headers"] = headers
        return endpoint.method, prefix + path, kwargs

    return build()


def test_fuzz_every_endpoint(gateway: Gateway, known: dict[str, str]) -> None:
    statuses: dict[int, int] = {}
    with http_client(base_url=gateway.base_url, timeout=10, headers=bearer()) as http:

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(requests(known))
        def one(request: tuple[str, str, dict[str, Any]]) -> None:
            method, path, kwargs = request
            resp = http.request(method, path, **kwargs)  # a hang fails here after 10 s
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            assert resp.status_code < 500, f"{method} {path} {kwargs}: {resp.status_code} {resp.text[:300]}"
            if resp.status_code >= 400:
                assert set(resp.json()) == ERROR_SHAPE

        one()
    assert sum(statuses.values()) >= EXAMPLES
    assert statuses.get(200, 0) + statuses.get(201, 0) > 0 and sum(v for k, v in statuses.items() if k >= 400) > 0


ADMIN_EXAMPLES = 200
ADMIN_FIELDS = ["nodeId", "region", "databaseUrl", "priority", "placementWeight", "regionName", "status", "parallel",
                "weight", "primary", "reason", "tenantId", "to", "keepSource"]


def test_fuzz_the_admin_api(clusters, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every admin action with generated path values, query strings and bodies, on a federation of its own
    (the actions change it): no 500, no hang, every refusal in the error shape."""
    from shim.request.admin import ACTIONS, PREFIX
    from tests.federation import make_federation, start_gateway

    fed = make_federation(clusters)
    gw = start_gateway(fed.control_url, tmp_path_factory.mktemp("admin-fuzz"))
    statuses: dict[int, int] = {}
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
        ids = st.sampled_from([tenant, str(uuid.uuid4()), "eu-west-1", "ap-south-1", "default", "eu-west", "1", "0",
                               "99999999999999999999", "-1"]) | header_text.map(lambda t: re.sub(r"[/?#%]", "", t) or "x")

        @st.composite
        def build(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
            action = draw(st.sampled_from(ACTIONS))
            path = re.sub(r"<[a-z_]+>", lambda _m: draw(ids), action.path)
            kwargs: dict[str, Any] = {}
            params = draw(st.dictionaries(st.sampled_from(["region", "node", "top", "limit", "x"]), ids, max_size=3))
            if params:
                kwargs["params"] = params
            if action.method == "POST":
                shaped = st.dictionaries(st.sampled_from(ADMIN_FIELDS), json_values | ids, max_size=6)
                body = draw(shaped | json_values)
                kwargs["content"] = (draw(st.binary(max_size=100)) if draw(st.integers(0, 9)) == 0
                                     else json.dumps(body).encode())
                kwargs["headers"] = {"Content-Type": "application/json"}
            return action.method, PREFIX + path, kwargs

        with http_client(base_url=gw.base_url, timeout=30, headers=bearer()) as http:

            @settings(max_examples=ADMIN_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(build())
            def one(request: tuple[str, str, dict[str, Any]]) -> None:
                method, path, kwargs = request
                resp = http.request(method, path, **kwargs)
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
                assert resp.status_code < 500, f"{method} {path} {kwargs}: {resp.status_code} {resp.text[:300]}"
                if resp.status_code >= 400:
                    assert set(resp.json()) == ERROR_SHAPE

            one()
    finally:
        gw.stop()
    assert sum(statuses.values()) >= ADMIN_EXAMPLES
    assert sum(v for k, v in statuses.items() if k < 300) > 0 and sum(v for k, v in statuses.items() if k >= 400) > 0
