"""Helpers the endpoint tests share: create tenants, issue and unpack kits."""

from __future__ import annotations

import io
import json
import re
import tarfile
import uuid
import zipfile
from typing import Any

import httpx

FED = "/federation/api/onboarding"
LEGACY = "/api/onboarding"
ERROR_SHAPE = {"code", "message", "details", "hint"}


def create_tenant(http: httpx.Client, region: str = "eu-west", prefix: str = FED, **extra: Any) -> str:
    resp = http.post(f"{prefix}/tenants", json={"name": f"t-{uuid.uuid4().hex[:10]}", "region": region, **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()["tenantId"]


def issue_kit(http: httpx.Client, tenant: str, agents: list[str], fmt: str = "zip", prefix: str = FED,
              headers: dict[str, str] | None = None, **extra: Any) -> httpx.Response:
    resp = http.post(f"{prefix}/bootstrap/kit", json={"tenantId": tenant, "agents": agents, "format": fmt, **extra},
                     headers=headers)
    assert resp.status_code == 201, resp.text
    return resp


def unpack(archive: bytes, fmt: str) -> dict[str, bytes]:
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            return {name: z.read(name) for name in z.namelist()}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}  # type: ignore[union-attr]


def token_of(files: dict[str, bytes], agent: str) -> str:
    import yaml

    return yaml.safe_load(files[f"agents/{agent}.yaml"])["enrollment"]["token"]


def log_shipper_kit(http: httpx.Client, tenant: str, prefix: str = FED, **extra: Any) -> tuple[str, str]:
    """A kit enrolling log-shippers: its id and enrollment token."""
    kit = issue_kit(http, tenant, ["log-shipper"], prefix=prefix, **extra)
    return kit.headers["X-Kit-Id"], token_of(unpack(kit.content, "zip"), "log-shipper")


def verify(http: httpx.Client, tenant: str, kit: tuple[str, str], host: str, prefix: str = FED,
           version: str = "2.4.1", **kw: Any) -> httpx.Response:
    """A log-shipper on ``host`` presents ``kit`` (its id and token)."""
    return http.post(f"{prefix}/bootstrap/verify", json={
        "tenantId": tenant, "kitId": kit[0], "token": kit[1], "hostname": host, "agentType": "log-shipper",
        "version": version}, **kw)


def assert_error(resp: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert resp.status_code in statuses, f"{resp.status_code}: {resp.text}"
    body = json.loads(resp.text)
    assert set(body) == ERROR_SHAPE, body
    if code:
        assert body["code"] == code, body
    return body


def _endpoint_patterns() -> list[tuple[str, re.Pattern[str], Any]]:
    from shim.request.endpoints import ENDPOINTS

    found = []
    for endpoint in ENDPOINTS:
        path = re.sub(r"<[A-Za-z]+>", "[^/]+", endpoint.path)
        found.append((endpoint.method, re.compile(f"^(?:{re.escape(FED)}|{re.escape(LEGACY)}){path}$"), endpoint))
    return found


VALIDATED: set[str] = set()  # operation ids whose live answers were checked against their schema


def validate_response(response: httpx.Response) -> None:
    """An httpx response hook: a successful JSON answer must match its endpoint's schema exactly."""
    import jsonschema

    if response.status_code >= 300 or not response.headers.get("content-type", "").startswith("application/json"):
        return
    response.read()
    for method, pattern, endpoint in _endpoint_patterns():
        if method == response.request.method and pattern.match(response.request.url.path):
            jsonschema.validate(response.json(), endpoint.response, cls=jsonschema.Draft202012Validator)
            VALIDATED.add(endpoint.name)
            return
