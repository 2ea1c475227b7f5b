"""Helpers the endpoint tests share: create tenants, issue and unpack kits."""

from __future__ import annotations

import io
import json
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
              **extra: Any) -> httpx.Response:
    resp = http.post(f"{prefix}/bootstrap/kit", json={"tenantId": tenant, "agents": agents, "format": fmt, **extra})
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


def assert_error(resp: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert resp.status_code in statuses, f"{resp.status_code}: {resp.text}"
    body = json.loads(resp.text)
    assert set(body) == ERROR_SHAPE, body
    if code:
        assert body["code"] == code, body
    return body
