"""Bad input answers 400 in the error shape, never a 500, and writes nothing."""

from __future__ import annotations


import pytest

from tests.federation import Federation, Gateway

FED = "/federation/api/onboarding"
SHAPE = {"code", "message", "details", "hint"}


def _assert_error(resp, status: int, code: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == SHAPE
    if code:
        assert body["code"] == code, body


_SOME, _OTHER = "5c3e8d4e-6c1b-4b8e-9a51-0d2f7f0c1a11", "9b0f6a52-3d7e-4f1c-8c2a-6e5d4b3a2f10"


@pytest.mark.parametrize("path,headers,params,code", [  # fixed ids: every xdist worker collects the same tests
    ("/tenants/not-a-uuid/status", {}, {}, "FGW101"),
    (f"/tenants/{_SOME}/status", {"X-Tenant-ID": _OTHER}, {}, "FGW102"),
    (f"/tenants/{_SOME}/status", {}, {"tenantId": "123"}, "FGW101"),
    (f"/tenants/{_SOME}/status", {"X-Region": "mars"}, {}, "FGW103"),
    (f"/tenants/{_SOME}/status", {"X-Region": "eu-west"}, {"region": "ap-south"}, "FGW104"),
])
def test_bad_tenant_or_region(gateway: Gateway, path: str, headers: dict, params: dict, code: str) -> None:
    with gateway.client() as http:
        _assert_error(http.get(FED + path, headers=headers, params=params), 400, code)


@pytest.mark.parametrize("body,code", [
    (b"", "FGW105"),
    (b"not json", "FGW105"),
    (b"[1, 2]", "FGW105"),
    (b'{"name": "", "region": "eu-west"}', "FG400"),
    (b'{"name": "   ", "region": "eu-west"}', "FG400"),
    (b'{"region": "eu-west"}', "FG400"),
    (b'{"name": 42, "region": "eu-west"}', "FG400"),
    (b'{"name": "x", "region": "mars"}', "FGW103"),
    (b'{"name": "x"}', "FG400"),
    (b'{"name": "x", "region": "eu-west", "contactEmail": "nope"}', "FG400"),
    (b'{"name": "x", "region": "eu-west", "metadata": [1]}', "FG400"),
    (('{"name": "' + "x" * 5000 + '", "region": "eu-west"}').encode(), "FG400"),
])
@pytest.mark.parametrize("namespace", ["/federation/api/onboarding", "/api/onboarding"])
def test_bad_tenant_bodies(gateway: Gateway, federation: Federation, body: bytes, code: str, namespace: str) -> None:
    counts = [federation.sql(n, "SELECT count(*) FROM onboarding.tenants") for n in federation.urls]
    with gateway.client() as http:
        resp = http.post(f"{namespace}/tenants", content=body, headers={"Content-Type": "application/json"})
    if code == "FG400" and resp.status_code == 201:
        pytest.fail(f"accepted bad body: {resp.text}")
    _assert_error(resp, 400, code if namespace.startswith("/federation") or code.startswith("FGW105") else None)
    assert [federation.sql(n, "SELECT count(*) FROM onboarding.tenants") for n in federation.urls] == counts


@pytest.mark.parametrize("body,content_type,status,code", [
    (b'{"name": "x", "region": "eu-west", "metadata": {"n": NaN}}', "application/json", 400, "FGW105"),
    (b'{"name": "x", "region": "eu-west", "metadata": {"n": Infinity}}', "application/json", 400, "FGW105"),
    (b'{"name": "x", "region": "eu-west", "metadata": {"n": -Infinity}}', "application/json", 400, "FGW105"),
    (b'{"name": "x", "region": "eu-west", "metadata": ' + b'{"a": ' * 40 + b'1' + b'}' * 40 + b'}', "application/json",
     400, "FGW105"),
    (b'{"a": ' + b'[' * 200_000 + b']' * 200_000 + b'}', "application/json", 400, "FGW105"),
    (b'{"name": "x", "region": "eu-west"}', "text/plain", 415, "FGW415"),
    (b'name=x&region=eu-west', "application/x-www-form-urlencoded", 415, "FGW415"),
    (b'{"name": "x", "region": "eu-west"}', None, 415, "FGW415"),
    (rb'{"name": "bell\u0007 \u001b[31mred", "region": "eu-west"}', "application/json", 400, "FG400"),
])
def test_hostile_bodies_are_refused_and_write_nothing(gateway: Gateway, federation: Federation, body: bytes,
                                                      content_type: str | None, status: int, code: str) -> None:
    before = federation.catalog("SELECT count(*) FROM federation.tenant_registry")
    headers = {"Content-Type": content_type} if content_type else {}
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", content=body, headers=headers)
    _assert_error(resp, status, code)
    assert federation.catalog("SELECT count(*) FROM federation.tenant_registry") == before


def test_unknown_route_and_method(gateway: Gateway) -> None:
    with gateway.client() as http:
        _assert_error(http.get("/federation/api/onboarding/nope"), 404, "FGW404")
        _assert_error(http.delete(f"{FED}/tenants"), 405, "FGW405")


def test_oversized_body_is_413(gateway: Gateway) -> None:
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", content=b"{" + b" " * 2_000_000 + b"}",
                         headers={"Content-Type": "application/json"})
    assert resp.status_code == 413, resp.text
